"""Form fields generated from ``FormField`` definitions: one ``FieldEditor`` a field.

The applicant step and the procedure's own form show the same kinds of field,
so both are generated here once: a label, the input for the field's type, a
help line and a red message line under it.  A touch on a field asks for the
keyboard (``edit_requested``) or for its list (``pick_requested``); the
``FieldList`` that holds the editors (``kiosk.ui.widgets.field_list``) opens them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.entry import group_date_digits
from kiosk.domain.forms import FormField
from kiosk.ui.theme import MUTED
from kiosk.ui.widgets.dock import Editable
from kiosk.ui.widgets.keyboard import (
    TelexFilter,
)

__all__ = ["FieldEditor", "group_date_digits", "label", "mark_checked"]

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
