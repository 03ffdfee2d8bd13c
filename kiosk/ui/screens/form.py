"""The procedure's own form, generated from its catalogue entry's fields, page by page.

The fields lie on short pages (``form_pages``): "Tiếp tục" checks the page
shown and turns to the next, and only the last page leaves the step; "Quay
lại" turns back.  Each field's input follows its type
(``kiosk.ui.widgets.fields``); messages come from ``validate_form``, the same
checks ``kiosk submit`` makes, and show under the field they concern: after the
resident finishes typing in a field, and for the whole page on "Tiếp tục".  A
message goes away the moment its field is right.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QVBoxLayout

from kiosk.domain.errors import Problems
from kiosk.domain.forms import FormField, validate_form
from kiosk.scanner.frames import FrameSource
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.form_pages import AHEAD_MS, FormPages
from kiosk.ui.screens.form_pages import TEXTS as PAGE_TEXTS
from kiosk.ui.screens.page_turning import PageTurning
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.dock import KeyboardDock
from kiosk.ui.widgets.fields import label
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


class FormScreen(PageTurning, StepScreen):
    title = TEXTS["title"]

    def __init__(self, clock: Callable[[], datetime], metrics: Metrics | None = None,
                 open_camera: Callable[[], FrameSource] | None = None) -> None:
        """``open_camera``: for the parents' «Quét thẻ căn cước» (else a USB scanner only)."""
        super().__init__()
        self.setObjectName("form")
        self._clock = clock
        self._open_camera = open_camera
        self._code: str | None = None
        self._specs: tuple[FormField, ...] = ()
        self._kept: dict[str, tuple[tuple[FormField, ...], FormPages]] = {}
        self.dock = KeyboardDock(self, metrics)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self.heading = label("", "resultTitle")
        self.intro = label("", "muted")
        self._column.addWidget(self.heading)
        self._column.addWidget(self.intro)
        self.fields = self._build(())
        # A procedure's pages built ahead, one page a tick, while earlier steps are read.
        self._ahead: FormPages | None = None
        self._ahead_timer = QTimer(self)
        self._ahead_timer.setInterval(AHEAD_MS)
        self._ahead_timer.timeout.connect(self._build_ahead)

    def _build(self, specs: tuple[FormField, ...], ahead: bool = False) -> FormPages:
        fields = FormPages(specs, self.dock, open_camera=self._open_camera,
                           clock=lambda: self._clock().date(), ahead=ahead)
        fields.edited.connect(self.check_one)
        fields.changed.connect(self.recheck)
        fields.turned.connect(self._show_page)
        self._column.addWidget(fields, 1)
        fields.hide()
        return fields

    def _rebuild(self, code: str, specs: tuple[FormField, ...]) -> None:
        """Another procedure: its own fields replace the previous one's.

        Each procedure's pages are built once and kept (cleared when put away): a form
        built anew for every resident registered new finger-scroll gestures each time,
        and PySide6 keeps a Python object for every gesture type a QScroller returns."""
        self.dock.close_keyboard()
        self._build_ahead(stop=True)  # what is left is built now, or never
        old = self.fields
        old.clear()
        old.hide()
        self._column.removeWidget(old)
        if all(old is not pages for _specs, pages in self._kept.values()):
            old.deleteLater()  # the empty form the screen started with
        kept = self._kept.get(code)
        if kept is None or kept[0] != specs:  # new, or changed by a catalogue update
            if kept is not None:
                kept[1].deleteLater()
            kept = (specs, self._build(specs))
            self._kept[code] = kept
        self._code, self._specs = code, specs
        kept[1].finish()  # what was not built ahead yet
        self.fields = kept[1]
        self._column.addWidget(self.fields, 1)
        self.fields.show()

    def prepare(self, state: DraftState) -> None:
        """The chosen procedure's pages, built ahead between events (building them all at
        once, on «Tiếp tục», kept the tap waiting half a second)."""
        procedure = state.procedure
        if procedure is None or procedure.code in self._kept:
            return
        self._ahead = self._build(procedure.fields, ahead=True)
        self._kept[procedure.code] = (procedure.fields, self._ahead)
        self._ahead_timer.start()

    def _build_ahead(self, stop: bool = False) -> None:
        """One piece a tick: a page, then the keyboard, then each list's picker."""
        pages = self._ahead
        if stop or pages is None:
            self._ahead = None
            self._ahead_timer.stop()
        elif pages.building:
            pages.build_one()
        elif self.dock.parentWidget() is not self.window():
            self.dock.settle()
        elif not pages.settle_one():
            self._ahead = None
            self._ahead_timer.stop()

    def specs(self) -> tuple[FormField, ...]:
        return self._specs

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
        self._show_page()

    def commit(self, state: DraftState, today: date) -> Problems:
        self.dock.close_keyboard()
        values = self.fields.values()
        state.form = values
        _cleaned, problems = validate_form(self._specs, values, today)
        self.fields.show_problems(problems)
        self.shown_wrong_page(problems)
        return problems

    def clear(self) -> None:
        self.dock.close_keyboard()
        self.fields.clear()
        self.intro.clear()
        self.heading.clear()
        self.page_changed.emit("")

    # --- the pages -----------------------------------------------------------

    def _show_page(self) -> None:
        pages = self.fields
        self.heading.setText(pages.plan.title)
        own = pages.own_heading[pages.index]
        self.heading.setVisible(not own)
        # Once, and not above two people's cards: every line counts at 768 px.
        self.intro.setVisible(pages.index == 0 and not own and not pages.plan.cards)
        number, total = pages.page_number()
        many = total > 1 and self._code is not None
        self.page_changed.emit(
            PAGE_TEXTS["page"].format(number=number, total=total) if many else "")

    # --- messages ------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        self.dock.close_keyboard()
        super().hideEvent(event)
