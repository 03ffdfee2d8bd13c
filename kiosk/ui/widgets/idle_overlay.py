""""Ông/Bà còn tiếp tục không?": the idle warning over whatever screen is showing.

A child of the main window that covers it, dims it and shows one big
"Tiếp tục" button with the countdown.  Touching anything counts as activity for
the ``IdleWatcher``; the button is there so the resident knows what to do.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

TEXTS = {
    "question": "Ông/Bà còn tiếp tục không?",
    "countdown": "Nếu không, sau {seconds} giây mọi thông tin đã nhập sẽ được xóa "
    "và màn hình trở về trang chủ.",
    "continue": "Tiếp tục",
}
DIM = QColor(0, 0, 0, 150)
BUTTON_HEIGHT = 96


class IdleOverlay(QWidget):
    continue_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idleOverlay")
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self._panel(), 0, Qt.AlignmentFlag.AlignCenter)
        parent.installEventFilter(self)
        self.hide()

    def _panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("idlePanel")
        panel.setAutoFillBackground(True)
        panel.setMaximumWidth(1100)
        column = QVBoxLayout(panel)
        column.setContentsMargins(48, 40, 48, 40)
        column.setSpacing(24)
        question = _label(TEXTS["question"], "title")
        self.countdown = _label("", "subtitle")
        self.button = QPushButton(TEXTS["continue"])
        self.button.setObjectName("primary")
        self.button.setMinimumHeight(BUTTON_HEIGHT)  # the theme makes it taller still
        self.button.clicked.connect(self._continue)
        for widget in (question, self.countdown, self.button):
            column.addWidget(widget)
        return panel

    def show_countdown(self, seconds: int) -> None:
        """Show (or update) the warning with ``seconds`` left."""
        self.countdown.setText(TEXTS["countdown"].format(seconds=seconds))
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def _continue(self) -> None:
        self.hide()
        self.continue_requested.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if event.type() == QEvent.Type.Resize and parent is not None and watched is parent:
            self.setGeometry(parent.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), DIM)
        painter.end()


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
