"""The Track screen's behaviour: lookups, the camera, reprints — all off the GUI thread.

Taps count once: a lookup of the code already being looked up is not sent
again, and only the newest lookup's answer is shown (a slower answer for an
earlier code, or for the previous resident, is dropped); a reprint waits for
the one in flight.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from kiosk.domain.errors import DomainError
from kiosk.domain.vietqr import parse_vietqr
from kiosk.store.records import DossierDetail
from kiosk.ui.camera import CameraCodeReader
from kiosk.ui.context import UiServices
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.track import TrackScreen


def code_kind(text: str) -> str:
    """"payment" (the slip's VietQR), "card" (a citizen ID's QR) or "dossier"."""
    try:
        parse_vietqr(text.strip())
    except DomainError:
        pass
    else:
        return "payment"
    return "card" if text.count("|") >= 5 else "dossier"


def _reason(error: BaseException) -> str:
    """A print failure in the resident's words; anything unexpected stays generic."""
    return error.message if isinstance(error, DomainError) else "lỗi máy in"


class TrackFlow(QObject):
    def __init__(self, services: UiServices, runner: BackgroundRunner, screen: TrackScreen
                 ) -> None:
        super().__init__(screen)
        self._services = services
        self._runner = runner
        self.screen = screen
        self._asked = 0  # the newest lookup's number: older answers are dropped
        self._looking_up: str | None = None  # the code of the lookup in flight
        self._printing = False
        screen.lookup_requested.connect(self._lookup)
        screen.reprint_requested.connect(self._reprint)
        self.camera = self._build_camera()
        screen.set_camera_available(self.camera is not None)

    def _build_camera(self) -> CameraCodeReader | None:
        if self._services.open_camera is None:
            return None
        camera = CameraCodeReader(self._services.open_camera, self)
        camera.preview.connect(self.screen.show_camera_frame)
        camera.decoded.connect(self._scanned)
        return camera

    def start(self) -> None:
        self._forget_lookup()
        self.screen.reset()
        if self.camera is not None:
            self.camera.start()

    def stop(self) -> None:
        """Leaving Track: the camera stops (without waiting), answers still due are dropped."""
        self._forget_lookup()
        if self.camera is not None:
            self.camera.stop()

    def _forget_lookup(self) -> None:
        self._asked += 1
        self._looking_up = None

    def _scanned(self, text: str) -> None:
        """A code the camera read: a dossier code is looked up; anything else is explained."""
        kind = code_kind(text)
        if kind == "dossier":
            self.screen.lookup_scanned(text)
        else:
            self.screen.show_other_code(kind)

    def _lookup(self, code: str) -> None:
        kind = code_kind(code)
        if kind != "dossier":
            self.screen.show_other_code(kind)
            return
        if code == self._looking_up:  # a second tap, or the scanner again: one answer comes
            return
        self._asked += 1
        asked, self._looking_up = self._asked, code
        queue = self._services.queue
        self._runner.submit(lambda: queue.find(code), lambda d: self._show(asked, code, d),
                            lambda error: self._lookup_failed(asked, code, error))

    def _answered(self, asked: int) -> bool:
        """True for the newest lookup's answer (then no lookup is in flight any more)."""
        if asked != self._asked:
            return False
        self._looking_up = None
        return True

    def _show(self, asked: int, code: str, detail: DossierDetail | None) -> None:
        if not self._answered(asked):
            return
        if detail is None:
            self.screen.show_not_found(code)
        else:
            self.screen.show_detail(detail)

    def _lookup_failed(self, asked: int, code: str, error: BaseException) -> None:
        if not self._answered(asked):
            return
        if isinstance(error, DomainError):  # not a code at all: as good as not found
            self.screen.show_not_found(code)
        else:
            self.screen.show_failure()

    def _reprint(self, code: str) -> None:
        if self._printing:  # one slip per tap that counts: the one in flight is coming
            return
        self._printing = True
        queue, print_receipt = self._services.queue, self._services.print_receipt

        def job() -> Path | None:
            detail = queue.find(code)
            return print_receipt(detail) if detail is not None else None

        self._runner.submit(job, self._printed, self._print_failed)

    def _printed(self, saved: Path | None) -> None:
        self._printing = False
        self.screen.show_printed(saved)

    def _print_failed(self, error: BaseException) -> None:
        self._printing = False
        self.screen.show_print_failure(_reason(error))
