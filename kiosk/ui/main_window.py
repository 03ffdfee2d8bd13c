"""The kiosk's one window: frameless full screen, a stack of screens.

What shows in the stack is decided by ``kiosk.ui.navigator`` (STYLE.md §4).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QStackedWidget

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
