"""The kiosk's one window and the controller that owns which screen shows.

Screens emit intents; only ``Navigator`` moves between them (STYLE.md §4).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from kiosk.domain.errors import DomainError
from kiosk.domain.vietqr import parse_vietqr
from kiosk.store.records import DossierDetail
from kiosk.ui import theme
from kiosk.ui.camera import CameraCodeReader
from kiosk.ui.context import UiServices
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.guide import GuideScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.notice import NoticeScreen
from kiosk.ui.screens.track import TrackScreen

WINDOW_TITLE = "Kiosk dịch vụ công"


class MainWindow(QMainWindow):
    def __init__(self, *, windowed: bool) -> None:
        super().__init__()
        self.setWindowTitle(WINDOW_TITLE)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        if not windowed:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)

    def show_for_kiosk(self, windowed: bool) -> None:
        if windowed:
            self.resize(1366, 768)
            self.show()
        else:
            self.showFullScreen()


class Navigator(QObject):
    """Owns the screen stack and decides what each intent leads to."""

    def __init__(
        self, app: QApplication, window: MainWindow, services: UiServices,
        runner: BackgroundRunner,
    ) -> None:
        super().__init__(window)
        self._app = app
        self._window = window
        self._services = services
        self._runner = runner
        self._size = theme.TextSize.NORMAL
        self.notice = NoticeScreen()
        self.notice.home_requested.connect(self.go_home)
        window.stack.addWidget(self.notice)
        self.track = TrackScreen()
        self.track.home_requested.connect(self.go_home)
        self.track.lookup_requested.connect(self._lookup)
        self.track.reprint_requested.connect(self._reprint)
        window.stack.addWidget(self.track)
        self.guide = GuideScreen(services.config.site.portal_address)
        self.guide.home_requested.connect(self.go_home)
        window.stack.addWidget(self.guide)
        self.camera = self._build_camera()
        self.home = self._build_home()

    def _build_home(self) -> HomeScreen:
        site = self._services.config.site
        home = HomeScreen(site.name, site.office, large_text=self._size is theme.TextSize.LARGE)
        home.submit_requested.connect(lambda: self._show_notice("pending"))
        home.track_requested.connect(self.show_track)
        home.guide_requested.connect(lambda: self._window.stack.setCurrentWidget(self.guide))
        home.help_requested.connect(lambda: self._show_notice("help"))
        home.text_size_toggled.connect(self.toggle_text_size)
        self._window.stack.addWidget(home)
        return home

    def shutdown(self) -> None:
        """Stop the camera and let background jobs finish before the database closes."""
        if self.camera is not None:
            self.camera.stop()
        self._runner.wait()

    def go_home(self) -> None:
        if self.camera is not None:
            self.camera.stop()
        self._window.stack.setCurrentWidget(self.home)

    def toggle_text_size(self) -> None:
        large = self._size is theme.TextSize.NORMAL
        self._size = theme.TextSize.LARGE if large else theme.TextSize.NORMAL
        theme.apply(self._app, self._size)
        old = self.home
        self.home = self._build_home()  # rebuilt so its toggle shows the new choice
        self._window.stack.removeWidget(old)
        old.deleteLater()
        self.go_home()

    def _build_camera(self) -> CameraCodeReader | None:
        if self._services.open_camera is None:
            return None
        camera = CameraCodeReader(self._services.open_camera, self)
        camera.preview.connect(self.track.show_camera_frame)
        camera.decoded.connect(self._scanned)
        return camera

    def _scanned(self, text: str) -> None:
        """A code the camera read: a dossier code is looked up; anything else is explained."""
        kind = code_kind(text)
        if kind == "dossier":
            self.track.lookup_scanned(text)
        else:
            self.track.show_other_code(kind)

    def show_track(self) -> None:
        self.track.reset()
        self._window.stack.setCurrentWidget(self.track)
        if self.camera is not None:
            self.camera.start()

    def _reprint(self, code: str) -> None:
        queue, print_receipt = self._services.queue, self._services.print_receipt

        def job() -> None:
            detail = queue.find(code)
            if detail is not None:
                print_receipt(detail)

        self._runner.submit(job, lambda _none: self.track.show_printed(),
                            lambda error: self.track.show_print_failure(_reason(error)))

    def _lookup(self, code: str) -> None:
        kind = code_kind(code)
        if kind != "dossier":
            self.track.show_other_code(kind)
            return
        queue = self._services.queue
        self._runner.submit(
            lambda: queue.find(code),
            lambda detail: self._show_lookup(code, detail),
            lambda error: self._lookup_failed(code, error),
        )

    def _lookup_failed(self, code: str, error: BaseException) -> None:
        if isinstance(error, DomainError):  # not a code at all: as good as not found
            self.track.show_not_found(code)
        else:
            self.track.show_failure()

    def _show_lookup(self, code: str, detail: DossierDetail | None) -> None:
        if detail is None:
            self.track.show_not_found(code)
        else:
            self.track.show_detail(detail)

    def _show_notice(self, kind: str) -> None:
        self.notice.show_message(kind)
        self._window.stack.setCurrentWidget(self.notice)


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
