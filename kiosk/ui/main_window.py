"""The kiosk's one window and the controller that owns which screen shows.

Screens emit intents; only ``Navigator`` moves between them (STYLE.md §4).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from kiosk.ui import theme
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.notice import NoticeScreen

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
        self, app: QApplication, window: MainWindow, site_name: str, office_name: str
    ) -> None:
        super().__init__(window)
        self._app = app
        self._window = window
        self._site = (site_name, office_name)
        self._size = theme.TextSize.NORMAL
        self.notice = NoticeScreen()
        self.notice.home_requested.connect(self.go_home)
        window.stack.addWidget(self.notice)
        self.home = self._build_home()

    def _build_home(self) -> HomeScreen:
        home = HomeScreen(*self._site, large_text=self._size is theme.TextSize.LARGE)
        home.submit_requested.connect(lambda: self._show_notice("pending"))
        home.track_requested.connect(lambda: self._show_notice("pending"))
        home.guide_requested.connect(lambda: self._show_notice("pending"))
        home.help_requested.connect(lambda: self._show_notice("help"))
        home.text_size_toggled.connect(self.toggle_text_size)
        self._window.stack.addWidget(home)
        return home

    def go_home(self) -> None:
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

    def _show_notice(self, kind: str) -> None:
        self.notice.show_message(kind)
        self._window.stack.setCurrentWidget(self.notice)
