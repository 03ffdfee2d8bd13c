"""«Gọi cán bộ hỗ trợ»: the resident's call for help, from any screen, until an official comes.

One call is recorded a session (off the GUI thread), a chime sounds and the
waiting screen shows; «Tiếp tục tự làm» goes back to exactly the screen the
resident called from.  An official who comes takes the call over; a session
that ends first closes the call nobody took, and a call whose write comes back
after its own session ended is not the next resident's.  Waiting, the idle watch
stands down (the navigator's ``_show``): ``timer`` wipes the session after
``HELP_WAIT_SECONDS`` all the same.  The navigator shows the screens; this keeps
the call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from kiosk.store.helpcalls import HelpCall
from kiosk.ui.chime import Chime
from kiosk.ui.context import UiServices
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.help_wait import HelpWaitScreen

log = logging.getLogger(__name__)

# Waiting for an official, the idle watch stands down; after this long with nobody there the
# session is wiped all the same (privacy), the call closed.
HELP_WAIT_SECONDS = 600


class HelpFlow(QObject):
    def __init__(
        self, services: UiServices, runner: BackgroundRunner, screen: HelpWaitScreen,
        show: Callable[[QWidget], None], current: Callable[[], QWidget | None],
        home: Callable[[], QWidget], end_session: Callable[[], None], parent: QObject,
    ) -> None:
        """``show``: the navigator's one way to change screens; ``current``: the screen
        shown; ``home``: Home as it is now (rebuilt with the text size)."""
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.screen = screen
        self._show, self._current, self._home = show, current, home
        screen.continue_requested.connect(self.resume)
        self._chime = Chime(parent=self)
        self._call: HelpCall | None = None
        self._opening = False  # a call's write is in flight
        self._session = 0  # counts ended sessions: a call answered after its own ended
        self._return: QWidget | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(HELP_WAIT_SECONDS * 1000)
        self.timer.timeout.connect(end_session)

    @property
    def open_call(self) -> int | None:
        """The id of the resident's open call for help (for the official's takeover)."""
        return self._call.id if self._call is not None else None

    def request(self, screen: str, step: str | None = None) -> None:
        """«Gọi cán bộ hỗ trợ»: one call recorded (off the GUI thread), a chime, then the
        waiting screen; where the resident was is kept for «Tiếp tục tự làm»."""
        shown = self._current()
        if shown is not self.screen:
            self._return = shown
        if self._call is None and not self._opening:
            self._opening = True
            calls, now = self._services.office.help_calls, self._services.clock()
            session = self._session
            self._runner.submit(lambda: calls.open(screen, step, now),
                                lambda call: self._opened(call, session), self._failed)
        self._chime.play()
        self._show(self.screen)
        self.timer.start()

    def _opened(self, call: HelpCall, session: int) -> None:
        self._opening = False
        self._call = call
        if session != self._session:  # that resident has gone: not the next one's call
            self.forget()

    def _failed(self, error: BaseException) -> None:
        self._opening = False  # the resident still sees the waiting screen; logged only
        log.error("help call not recorded", exc_info=error)

    def resume(self) -> None:
        """Back to exactly the screen the resident called from, the draft untouched; the
        call stays open for the official who is coming."""
        back = self._return or self._home()
        self._return = None
        self._show(back)

    def handed_over(self) -> None:
        """An official has come: the call is theirs now (they close it when the filing
        ends), the wait and its timer are over."""
        self.timer.stop()
        self._return, self._call = None, None

    def forget(self) -> None:
        """End of a session: a call nobody took is closed, the next resident starts clean."""
        self.timer.stop()
        self._return = None
        self._session += 1
        call, self._call = self._call, None
        if call is not None and call.state == "open":
            calls, now = self._services.office.help_calls, self._services.clock()
            self._runner.submit(lambda: calls.close(call.id, None, now), lambda _c: None,
                                lambda e: log.warning("help call %s not closed", call.id,
                                                      exc_info=e))
