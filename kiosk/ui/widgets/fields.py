"""Form fields generated from ``FormField`` definitions, and the keyboard dock they open.

The applicant step and the procedure's own form show the same kinds of field,
so both are generated here once: a label, the input for the field's type, a
help line and a red message line under it.  Touching a text field opens the
Vietnamese keyboard, a number field the numeric pad.  The pad lies over the
bottom of the window while the resident types (at 1366×768 there is no room
for it beside the step's own buttons) and goes away with "Xong".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk import admin_units
from kiosk.domain import lists
from kiosk.domain.entry import group_date_digits
from kiosk.domain.errors import Problems, ValidationError
from kiosk.domain.forms import FormField
from kiosk.scanner.frames import FrameSource
from kiosk.ui.theme import MUTED
from kiosk.ui.widgets.card_scan import CardScan
from kiosk.ui.widgets.card_summary import CardSummary
from kiosk.ui.widgets.dock import Editable, KeyboardDock, layout_now
from kiosk.ui.widgets.keyboard import (
    TelexFilter,
)
from kiosk.ui.widgets.pickers import PickerPanel

__all__ = ["FieldEditor", "FieldList", "group_date_digits", "label", "mark_checked"]

TEXTS = {
    "optional": " (không bắt buộc)",
    "editing": "Đang nhập:\n{label}",
    "date_hint": "Gõ liền 8 chữ số: ngày, tháng, năm. Ví dụ 05091960 là 05/09/1960.",
    "checked": "✓ {text}",
    "pick": "Chạm để chọn",
    "pick_nationality": "Chọn nước",
    "pick_place": "Chọn xã, tỉnh",
    "year_hint": "Gõ 4 chữ số của năm, ví dụ 1995.",
}

EMAIL_EXTRAS = ("@", ".", "_", "@gmail.com", ".com", ".vn")
DIGIT_TYPES = frozenset(("id_number", "phone", "number", "date", "year"))
TYPED_TEXT = frozenset(("text", "multiline", "name", "nationality", "place"))
LISTED = frozenset(("ethnicity", "nationality", "place"))
MULTILINE_HEIGHT = 160
VERY_LONG_CHOICE = 24  # characters: two such answers fill a row at 1366 px
LONG_CHOICE = 12  # characters: longer answers lie at most two to a row in half a page



def label(text: str, name: str, wrap: bool = True) -> QLabel:
    """A plain-text label styled by the theme under ``name``."""
    widget = QLabel(text)
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def mark_checked(button: QPushButton, text: str) -> None:
    """A tick on the chosen button, so the choice shows whatever the style sheet does."""
    button.setText(TEXTS["checked"].format(text=text) if button.isChecked() else text)


def choice_columns(choices: Sequence[str], narrow: bool = False) -> int:
    """Short answers up to four to a row, longer ones three across the page's whole width
    (two in half of it, ``narrow``), the longest two, so no row runs off the screen and few
    rows are needed."""
    longest = max((len(c) for c in choices), default=0)
    if longest > VERY_LONG_CHOICE:
        return 2
    if longest > LONG_CHOICE:
        return 2 if narrow else 3
    return min(len(choices), 4)


class FieldEditor(QWidget):
    """One field: label, input, help, message. ``value()`` is what a resident entered."""

    edit_requested = Signal(object)  # this FieldEditor
    pick_requested = Signal(object)  # this FieldEditor: its list is to be shown

    def __init__(self, spec: FormField, mark_optional: bool = True,
                 narrow: bool = False) -> None:
        """``mark_optional=False`` where the page says so for all its fields ("nếu có");
        ``narrow``: the field has half the page's width."""
        super().__init__()
        self.spec, self._narrow = spec, narrow
        self.editor: Editable | None = None
        self.choices: dict[str, QPushButton] = {}
        self.pick_button: QPushButton | None = None
        self._picked = ""
        self._group = QButtonGroup(self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 8)
        column.setSpacing(6)
        optional = ("" if spec.required or not mark_optional or "nếu có" in spec.label
                    else TEXTS["optional"])
        self.title = label(spec.label + optional, "body")
        column.addWidget(self.title)
        column.addWidget(self._build_input())
        self.help = label(spec.help, "muted")
        column.addWidget(self.help)
        # Shown only once parented: a label shown as an orphan is a window of its own, which
        # takes the activation (and a USB scanner's keys) from the kiosk's window.
        self.help.setVisible(bool(spec.help))
        self.error = label("", "message")
        self.error.hide()
        column.addWidget(self.error)

    @property
    def pad(self) -> str:
        """Which keyboard the field needs: "digits", "letters" or "" (a choice)."""
        if self.spec.type in ("choice", "ethnicity"):
            return ""
        return "digits" if self.spec.type in DIGIT_TYPES else "letters"

    def _build_input(self) -> QWidget:
        if self.spec.type == "choice":
            return self._build_choices()
        if self.spec.type == "ethnicity":
            return self._build_pick_button(TEXTS["pick"])
        editor: Editable
        if self.spec.type == "multiline":
            editor = QPlainTextEdit()
            editor.setFixedHeight(MULTILINE_HEIGHT)
            # Until the theme styles QPlainTextEdit: framed like the one-line fields.
            editor.setStyleSheet(f"QPlainTextEdit {{ border: 3px solid {MUTED}; "
                                 "border-radius: 10px; padding: 4px 8px; }")
        else:
            editor = QLineEdit()
            editor.setMaxLength(max(self.spec.length_limit, 10))
        if self.spec.type in TYPED_TEXT:
            editor.installEventFilter(TelexFilter(parent=editor))
        if self.spec.type == "name":
            editor.setProperty("capitalise", "words")  # read by the keyboard's helper
        if self.spec.type == "year" and isinstance(editor, QLineEdit):
            editor.setMaxLength(4)
        if self.spec.type == "date":
            assert isinstance(editor, QLineEdit)
            editor.textChanged.connect(self._regroup_date)
        editor.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # no keyboard popping up unasked
        editor.installEventFilter(self)
        if isinstance(editor, QPlainTextEdit):  # its viewport gets the touches
            editor.viewport().installEventFilter(self)
        self.editor = editor
        if self.spec.type in ("nationality", "place"):
            return self._with_pick_button(editor)
        return editor

    def _build_pick_button(self, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("pickButton")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setStyleSheet("QPushButton#pickButton { text-align: left; }")
        button.clicked.connect(lambda _=False: self.pick_requested.emit(self))
        self.pick_button = button
        return button

    def _with_pick_button(self, editor: QWidget) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(editor, 1)
        key = "pick_nationality" if self.spec.type == "nationality" else "pick_place"
        row.addWidget(self._build_pick_button(TEXTS[key]))
        return box

    def _build_choices(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        columns = choice_columns(self.spec.choices, self._narrow)
        for index, choice in enumerate(self.spec.choices):
            button = QPushButton(choice)
            button.setCheckable(True)
            button.toggled.connect(lambda _on, b=button, c=choice: mark_checked(b, c))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self._group.addButton(button)
            self.choices[choice] = button
            grid.addWidget(button, index // columns, index % columns)
        if max(map(len, self.spec.choices), default=0) > LONG_CHOICE:
            # Rows of long answers: equally wide buttons filling the row, not a ragged edge.
            for column in range(columns):
                grid.setColumnStretch(column, 1)
        else:
            grid.setColumnStretch(columns, 1)
        return box

    def _regroup_date(self, text: str) -> None:
        grouped = group_date_digits(text)
        if grouped != text and isinstance(self.editor, QLineEdit):
            self.editor.setText(grouped)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:  # a touch, not focus moving by itself
            self.edit_requested.emit(self)
        return False

    def value(self) -> str:
        if isinstance(self.editor, QLineEdit):
            return self.editor.text()
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        if self.spec.type == "ethnicity":
            return self._picked
        return next((c for c, b in self.choices.items() if b.isChecked()), "")

    def set_value(self, text: str) -> None:
        if isinstance(self.editor, QLineEdit):
            self.editor.setText(text)
            self.editor.setCursorPosition(0)  # a long address shows its beginning
        elif isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(text)
        elif self.spec.type == "ethnicity" and self.pick_button is not None:
            self._picked = text
            shown = TEXTS["checked"].format(text=text) if text else TEXTS["pick"]
            self.pick_button.setText(shown)
        else:
            self._check(self.choices.get(text))

    def _check(self, button: QPushButton | None) -> None:
        # An exclusive group never lets the last checked button go; open it to clear.
        self._group.setExclusive(False)
        for choice in self.choices.values():
            choice.setChecked(choice is button)
        self._group.setExclusive(True)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def clear(self) -> None:
        self.set_value("")
        self.show_error("")


class FieldList(QScrollArea):
    """Editors for a list of fields, one under the other, scrolling when long."""

    edited = Signal(str)  # a field's name, when the resident finishes typing in it
    # From a scanned parent's card: every marked field of that person, also those on other
    # pages (the screen hands them on), name → value.
    card_read = Signal(dict)

    summary_edit = Signal()  # «Sửa» / «Nhập tay» under the card's summary

    def __init__(self, fields: Sequence[FormField], dock: KeyboardDock,
                 open_camera: Callable[[], FrameSource] | None = None,
                 clock: Callable[[], date] = date.today,
                 card_fields: Sequence[FormField] | None = None,
                 mark_optional: bool = True, summary: Sequence[FormField] = (),
                 narrow: bool = False, who: str = "", optional: bool = False) -> None:
        """``card_fields``: the fields a scanned card fills through this list's «Quét thẻ
        căn cước» panels (default: its own marked fields; ``()``: no panel here, as in the
        second column of a page whose first column has it).  ``summary``: card fields whose
        values are read back above the editors (``CardSummary``), their editors elsewhere;
        ``narrow``: the list has half the page's width; ``who``: the person the summary is of."""
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._dock = dock
        self._current: FieldEditor | None = None
        content = QWidget()
        self._column = QVBoxLayout(content)
        self._column.setContentsMargins(0, 0, 16, 0)
        self.editors: dict[str, FieldEditor] = {}
        self.specs = tuple(fields)
        self.scans = self._card_scans(fields if card_fields is None else card_fields, clock,
                                      open_camera, stacked=narrow)
        self.summary = CardSummary(summary, who, optional) if summary else None
        if self.summary is not None:
            self.summary.edit_requested.connect(self.summary_edit.emit)
            self._column.addWidget(self.summary)
            for scan in list(self.scans.values())[:1]:  # «Sửa» beside «Quét thẻ»: one row
                scan.add_beside(self.summary.button)
        self._picker: PickerPanel | None = None
        self._picking: FieldEditor | None = None
        for spec in fields:
            editor = FieldEditor(spec, mark_optional, narrow)
            editor.edit_requested.connect(self._edit)
            editor.pick_requested.connect(self.pick)
            self.editors[spec.name] = editor
            self._column.addWidget(editor)
        self._column.addStretch(1)
        self.setWidget(content)
        if any(spec.type == "place" for spec in fields):  # parsed before «Chọn xã, tỉnh»
            threading.Thread(target=admin_units.provinces, name="places", daemon=True).start()
        dock.opened.connect(self._make_room)
        dock.closed.connect(self._done)

    def _card_scans(self, fields: Sequence[FormField], clock: Callable[[], date],
                    open_camera: Callable[[], FrameSource] | None, stacked: bool
                    ) -> dict[str, CardScan]:
        """A «Quét thẻ căn cước của …» panel for each person whose fields a card fills."""
        scans: dict[str, CardScan] = {}
        for group in dict.fromkeys(spec.group for spec in fields if spec.card and spec.group):
            marked = tuple(spec for spec in fields if spec.group == group and spec.card)
            scan = CardScan(group.lower(), marked, clock, open_camera, stacked=stacked)
            scan.read.connect(self._fill_from_card)
            self._column.addWidget(scan)
            scans[group] = scan
        return scans

    def take_scans(self) -> list[CardScan]:
        """The «Quét thẻ căn cước» panels, out of this list's column for the caller to place
        (a page lays its panel across all its columns); they still fill this list."""
        for scan in self.scans.values():
            self._column.removeWidget(scan)
        return list(self.scans.values())

    def _fill_from_card(self, values: dict[str, str]) -> None:
        self._dock.close_keyboard()
        self.set_values(values)
        for name in values:
            if name in self.editors:
                self.editors[name].show_error("")
        self.card_read.emit(values)

    @property
    def picks(self) -> bool:
        """A field of this list is chosen from a list («Chọn»)."""
        return any(editor.pick_button is not None for editor in self.editors.values())

    @property
    def picker_built(self) -> bool:
        return self._picker is not None

    @property
    def picker(self) -> PickerPanel:
        """The list laid over the window for «Chọn», built when first wanted (a list
        without such a field never builds one)."""
        if self._picker is None:
            self._picker = PickerPanel(self, self._dock)
            self._picker.picked.connect(self._picked)
        return self._picker

    def pick(self, field: FieldEditor) -> None:
        """Show the field's list over the window (what its «Chọn» button does)."""
        self._dock.close_keyboard()
        self._picking = field
        kind, label_text, current = field.spec.type, field.spec.label, field.value()
        if kind == "place":
            self.picker.choose_place(label_text, admin_units.provinces(), current)
        else:
            options = lists.ethnicities() if kind == "ethnicity" else lists.nationalities()
            self.picker.choose(label_text, options, current)

    def _picked(self, value: str) -> None:
        field, self._picking = self._picking, None
        if field is not None:
            field.set_value(value)
            self.edited.emit(field.spec.name)

    def edit(self, name: str) -> None:
        """Open the keyboard on one field (what touching it does)."""
        self._edit(self.editors[name])

    def _edit(self, field: FieldEditor) -> None:
        if field.editor is None or self._dock.target() is field.editor:
            return
        self._finish_current()
        self._current = field
        extras = EMAIL_EXTRAS if field.spec.type == "email" else ()
        hint = TEXTS["date_hint"] if field.spec.type == "date" else field.spec.help
        caption = TEXTS["editing"].format(label=field.spec.label) + ("\n" + hint if hint else "")
        self._dock.open_for(field.editor, field.pad == "digits", caption, extras,
                            field.spec.label)
        if not field.editor.hasFocus():
            field.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _make_room(self, height: int) -> None:
        if self._current is None:
            return
        self._column.setContentsMargins(0, 0, 16, height)
        layout_now(self.widget())
        self.verticalScrollBar().setValue(self._current.y())

    def _done(self) -> None:
        self._column.setContentsMargins(0, 0, 16, 0)
        self._finish_current()

    def _finish_current(self) -> None:
        if self._current is not None:
            name, self._current = self._current.spec.name, None
            self.edited.emit(name)

    def values(self) -> dict[str, str]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: Mapping[str, str]) -> None:
        """Fill the fields named in ``values``; an empty field not named gets its default."""
        for name, editor in self.editors.items():
            if name in values:
                editor.set_value(values[name])
            elif editor.spec.default and not editor.value():
                editor.set_value(editor.spec.default)

    def show_problems(self, problems: Problems, only: str | None = None) -> None:
        """Each error under its field; ``only``: just that field's line changes."""
        first = _first_errors(problems.errors)
        for name, editor in self.editors.items():
            if only is None or name == only:
                editor.show_error(first.get(name, ""))
        shown = [self.editors[n] for n in self.editors if n in first]
        if only is None and shown:
            self.ensureWidgetVisible(shown[0])

    def clear(self) -> None:
        self._current = None
        if self._picker is not None:
            self._picker.close_panel()
        for scan in self.scans.values():
            scan.reset()
        for editor in self.editors.values():
            editor.clear()
        self.verticalScrollBar().setValue(0)


def _first_errors(errors: Sequence[ValidationError]) -> dict[str, str]:
    first: dict[str, str] = {}
    for error in errors:
        if error.field is not None:
            first.setdefault(error.field, error.message)
    return first
