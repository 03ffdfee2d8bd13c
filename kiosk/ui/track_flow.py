"""The Track screen's behaviour: lookups, the camera, reprints — all off the GUI thread."""

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
        self.screen.reset()
        if self.camera is not None:
            self.camera.start()

    def stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()

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
        queue = self._services.queue
        self._runner.submit(lambda: queue.find(code), lambda d: self._show(code, d),
                            lambda error: self._lookup_failed(code, error))

    def _show(self, code: str, detail: DossierDetail | None) -> None:
        if detail is None:
            self.screen.show_not_found(code)
        else:
            self.screen.show_detail(detail)

    def _lookup_failed(self, code: str, error: BaseException) -> None:
        if isinstance(error, DomainError):  # not a code at all: as good as not found
            self.screen.show_not_found(code)
        else:
            self.screen.show_failure()

    def _reprint(self, code: str) -> None:
        queue, print_receipt = self._services.queue, self._services.print_receipt

        def job() -> Path | None:
            detail = queue.find(code)
            return print_receipt(detail) if detail is not None else None

        self._runner.submit(job, self.screen.show_printed,
                            lambda error: self.screen.show_print_failure(_reason(error)))
