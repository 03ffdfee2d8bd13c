"""The submission flow: eight steps in one frame, one controller that owns their order.

Step screens only show the draft and write back what the resident entered;
``Wizard`` decides where "Tiếp tục", "Quay lại" and "Sửa" lead, seals the
dossier off the GUI thread at the end, and wipes everything in one place.

A tap counts once.  An intent from a step that is no longer on screen (a
second tap that reached the old step's button) is ignored, so a double tap on
"Tiếp tục" moves one step; and while the dossier is being sealed the flow
stands still — "Nộp hồ sơ" is disabled and no other tap moves it — until the
seal answers, so a double tap on the last step seals once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.domain.errors import Problems
from kiosk.store.records import QueuedDossier
from kiosk.ui.context import UiServices
from kiosk.ui.draft_state import DraftState
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.theme import Metrics
from kiosk.ui.voice import ListenButton
from kiosk.ui.widgets.basics import touch_button

TEXTS = {
    "step": "Bước {number}/{total}: {title}",
    "step_page": "Bước {number}/{total}: {title} · {page}",
    "back": "‹ Quay lại",
    "next": "Tiếp tục ›",
    "help": "Gọi cán bộ hỗ trợ",
    "to_review": "Xong, về trang xem lại",
    "sealing": "Đang lưu hồ sơ…",
}


class StepScreen(QWidget):
    """One step of the flow. Subclasses set ``title`` and override the three methods."""

    title = ""
    next_text = ""  # the forward button's label when not the usual "Tiếp tục ›"
    # A screen may move on by itself (a procedure card tapped, a CCCD scanned …).
    advance_requested = Signal()
    # A step of several pages says which one shows ("Trang 2/7"; "" for none).
    page_changed = Signal(str)

    def load(self, state: DraftState) -> None:
        """Show what ``state`` holds (called each time the step is shown)."""

    def commit(self, state: DraftState, today: date) -> Problems:
        """Write what was entered into ``state``; show and return any problem."""
        return Problems()

    def clear(self) -> None:
        """Forget every value on the screen (the session wipe)."""

    def set_metrics(self, metrics: Metrics) -> None:
        """The text size changed (screens with an on-screen keyboard resize it)."""

    # A step of several pages turns them itself; the wizard asks it first.
    def advance_within(self) -> bool:
        """"Tiếp tục": True when the step used it (another page, or this page's messages)."""
        return False

    def retreat_within(self) -> bool:
        """"Quay lại": True when the step turned back a page of its own."""
        return False

    def prepare(self, state: DraftState) -> None:
        """A later step may build ahead, between events, what ``load`` will need."""

    def turn_to_end(self) -> None:
        """Shown again by "Quay lại" from the next step: its last page."""

    def turn_to(self, name: str) -> None:
        """Shown by "Sửa" for the field ``name``: the page that holds it."""

    def spoken(self) -> str:
        """What «Nghe hướng dẫn» reads: the step module's ``SPOKEN["screen"]`` unless the
        step says more (a step with pages may tell the page shown)."""
        spoken: dict[str, str] = getattr(sys.modules[type(self).__module__], "SPOKEN", {})
        return spoken.get("screen", "")


class StepFrame(QWidget):
    """Header (step, help), the step screen, footer (back, next)."""

    back_requested = Signal()
    next_requested = Signal()
    help_requested = Signal()

    def __init__(self, screen: StepScreen, number: int, total: int) -> None:
        super().__init__()
        self.content = screen
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 16, 40, 16)
        header = QHBoxLayout()
        self._place = {"number": number, "total": total, "title": screen.title}
        self.step = QLabel(TEXTS["step"].format(**self._place))
        screen.page_changed.connect(self._show_page)
        self.step.setObjectName("step")
        self.step.setWordWrap(True)
        header.addWidget(self.step, 1)
        self.listen = ListenButton(screen.spoken)
        header.addWidget(self.listen)
        header.addWidget(touch_button(TEXTS["help"], "help", self.help_requested.emit))
        layout.addLayout(header)
        layout.addWidget(screen, 1)
        footer = QHBoxLayout()
        self.back_button = touch_button(TEXTS["back"], "secondary", self.back_requested.emit)
        footer.addWidget(self.back_button)
        footer.addStretch(1)
        self.next_button = touch_button(screen.next_text or TEXTS["next"], "primary",
                                   self.next_requested.emit)
        self._forward_text = self.next_button.text()  # shown again after sealing
        footer.addWidget(self.next_button)
        layout.addLayout(footer)

    def _show_page(self, page: str) -> None:
        key = "step_page" if page else "step"
        self.step.setText(TEXTS[key].format(page=page, **self._place))

    def set_returning_to_review(self, returning: bool) -> None:
        forward = self.content.next_text or TEXTS["next"]
        self.next_button.setText(TEXTS["to_review"] if returning else forward)

    def set_sealing(self, sealing: bool) -> None:
        """While the dossier is sealed: the forward button says so and takes no tap."""
        if sealing and self.next_button.isEnabled():
            self._forward_text = self.next_button.text()
            self.next_button.setText(TEXTS["sealing"])
        elif not sealing and not self.next_button.isEnabled():
            self.next_button.setText(self._forward_text)
        self.next_button.setEnabled(not sealing)


class Wizard(QObject):
    """Owns the order of the steps, the draft, sealing and the wipe."""

    sealed = Signal(object)  # QueuedDossier
    seal_failed = Signal(object)  # the exception, for the error screen
    cancelled = Signal()
    help_requested = Signal()

    def __init__(
        self, services: UiServices, runner: BackgroundRunner, screens: Sequence[StepScreen],
        show: Callable[[QWidget], None], review_index: int,
    ) -> None:
        super().__init__()
        self.state = DraftState()
        self._services = services
        self._runner = runner
        self._show = show
        self._review = review_index
        self._returning = False
        self._sealing = False  # a seal job is in flight: the flow stands still
        self.index = 0
        self.frames = [StepFrame(s, i + 1, len(screens)) for i, s in enumerate(screens)]
        for frame in self.frames:
            frame.next_requested.connect(partial(self._from, frame, self.next))
            frame.back_requested.connect(partial(self._from, frame, self.back))
            frame.help_requested.connect(self.help_requested.emit)
            frame.content.advance_requested.connect(partial(self._from, frame, self.next))

    @property
    def current(self) -> StepScreen:
        return self.frames[self.index].content

    def start(self) -> None:
        self.wipe()
        self.go(0)

    def _from(self, frame: StepFrame, intent: Callable[[], None]) -> None:
        """An intent of ``frame``'s: acted on only while that step is the one shown."""
        if frame is self.frames[self.index]:
            intent()

    def go(self, index: int) -> None:
        self.index = index
        for number, each in enumerate(self.frames):
            each.set_returning_to_review(self._returning and number != self._review)
        frame = self.frames[index]
        frame.content.load(self.state)
        self._show(frame)
        for later in self.frames[index + 1:]:
            later.content.prepare(self.state)

    def next(self) -> None:
        if self._sealing:
            return
        if not self._returning and self.current.advance_within():
            return
        if not self.current.commit(self.state, self._services.clock().date()).ok:
            return
        if self.index == len(self.frames) - 1:
            self.seal()
        elif self._returning and self.index != self._review:
            self._returning = False
            self.go(self._review)
        else:
            self.go(self.index + 1)

    def back(self) -> None:
        if self._sealing:
            return
        if self.current.retreat_within():
            return
        if self.index == 0:
            self.cancelled.emit()
        else:
            self._returning = False
            self.go(self.index - 1)
            self.current.turn_to_end()

    def edit(self, index: int, field: str = "") -> None:
        """From the review page: change one step (at ``field``'s page), then come straight
        back."""
        if self._sealing:
            return
        self._returning = True
        self.go(index)
        if field:
            self.current.turn_to(field)

    def seal(self) -> None:
        """Seal off the GUI thread; the last step's ``commit`` has already checked the draft.

        Once per tap that counts: until this seal answers, another is not started.
        """
        if self._sealing:
            return
        draft, _problems = self.state.build(self._services.clock())
        if draft is None:  # the declaration step showed every problem already
            return
        self._set_sealing(True)
        submitter = self._services.submitter
        self._runner.submit(lambda: submitter.seal(draft), self._sealed, self._seal_failed)

    def _set_sealing(self, sealing: bool) -> None:
        self._sealing = sealing
        self.frames[-1].set_sealing(sealing)

    def _sealed(self, dossier: QueuedDossier) -> None:
        self._set_sealing(False)
        self.wipe()
        self.sealed.emit(dossier)

    def _seal_failed(self, error: BaseException) -> None:
        self._set_sealing(False)
        self.seal_failed.emit(error)

    def wipe(self) -> None:
        """The one place that forgets a resident: the draft and every step's widgets."""
        self.state.wipe()
        self._returning = False
        for frame in self.frames:
            frame.content.clear()
