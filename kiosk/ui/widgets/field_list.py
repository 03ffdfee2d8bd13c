"""A list of form fields, one under the other: the keyboard dock and «Chọn» lists they open.

The applicant step and the procedure's own form lay their ``FieldEditor``
(``kiosk.ui.widgets.fields``) in these columns.  Touching a text field opens the
Vietnamese keyboard, a number field the numeric pad.  The pad lies over the
bottom of the window while the resident types (at 1366×768 there is no room
for it beside the step's own buttons) and goes away with "Xong"; the list makes
room under the field being typed in so it stays in view.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from kiosk import admin_units
from kiosk.domain import lists
from kiosk.domain.errors import Problems, ValidationError
from kiosk.domain.forms import FormField
from kiosk.scanner.frames import FrameSource
from kiosk.ui.widgets.card_scan import CardScan
from kiosk.ui.widgets.card_summary import CardSummary
from kiosk.ui.widgets.dock import KeyboardDock, layout_now
from kiosk.ui.widgets.fields import EMAIL_EXTRAS, TEXTS, FieldEditor
from kiosk.ui.widgets.pickers import PickerPanel


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
