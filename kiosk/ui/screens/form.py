"""The procedure's own form, generated from its catalogue entry's fields.

Each field's input follows its type (``kiosk.ui.widgets.fields``); messages
come from ``validate_form``, the same checks ``kiosk submit`` makes, and show
under the field they concern: after the resident finishes typing in a field,
and for every field at once on "Tiếp tục".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QVBoxLayout

from kiosk.domain.errors import Problems
from kiosk.domain.forms import FormField, validate_form
from kiosk.ui.draft_state import DraftState
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.dock import KeyboardDock
from kiosk.ui.widgets.fields import FieldList, label
from kiosk.ui.wizard import StepScreen

TEXTS = {
    "title": "Thông tin trong tờ khai",
    "intro": "{name}: xin điền các thông tin dưới đây. Chạm vào một ô để nhập.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Xin điền các thông tin của tờ khai. Chạm vào một ô, bàn phím sẽ hiện ra để "
        "gõ. Ô nào có danh sách thì chạm để chọn. Xong, chạm Tiếp tục.",
}


class FormScreen(StepScreen):
    title = TEXTS["title"]

    def __init__(self, clock: Callable[[], datetime], metrics: Metrics | None = None) -> None:
        super().__init__()
        self.setObjectName("form")
        self._clock = clock
        self._code: str | None = None
        self._specs: tuple[FormField, ...] = ()
        self.dock = KeyboardDock(self, metrics)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self.intro = label("", "subtitle")
        self._column.addWidget(self.intro)
        self.fields = self._build(())

    def _build(self, specs: tuple[FormField, ...]) -> FieldList:
        fields = FieldList(specs, self.dock)
        fields.edited.connect(self._check_one)
        self._column.addWidget(fields, 1)
        return fields

    def _rebuild(self, code: str, specs: tuple[FormField, ...]) -> None:
        """Another procedure: its own fields replace the previous one's."""
        self.dock.close_keyboard()
        old = self.fields
        self._column.removeWidget(old)
        old.hide()
        old.deleteLater()
        self._code, self._specs = code, specs
        self.fields = self._build(specs)

    def set_metrics(self, metrics: Metrics) -> None:
        """Restyle the on-screen keyboard after the text size changed."""
        self.dock.set_metrics(metrics)

    def load(self, state: DraftState) -> None:
        procedure = state.procedure
        if procedure is None:
            return
        if procedure.code != self._code:
            self._rebuild(procedure.code, procedure.fields)
        self.intro.setText(TEXTS["intro"].format(name=procedure.name))
        self.fields.clear()
        self.fields.set_values(state.form)

    def commit(self, state: DraftState, today: date) -> Problems:
        self.dock.close_keyboard()
        values = self.fields.values()
        state.form = values
        _cleaned, problems = validate_form(self._specs, values, today)
        self.fields.show_problems(problems)
        return problems

    def clear(self) -> None:
        self.dock.close_keyboard()
        self.fields.clear()
        self.intro.clear()

    def hideEvent(self, event: QHideEvent) -> None:
        self.dock.close_keyboard()
        super().hideEvent(event)

    def _check_one(self, name: str) -> None:
        values = self.fields.values()
        if not values.get(name, "").strip():
            self.fields.editors[name].show_error("")
            return
        _cleaned, problems = validate_form(self._specs, values, self._clock().date())
        self.fields.show_problems(problems, only=name)
