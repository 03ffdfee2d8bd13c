"""The friendly page shown instead of a traceback: ask an official, then go home."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

TEXTS = {
    "title": "Xin lỗi, kiosk gặp sự cố.",
    "body": "Xin mời Ông/Bà đến quầy Một cửa để cán bộ hỗ trợ.",
    "home": "Về trang chủ",
}


class ErrorScreen(QWidget):
    """Says nothing about the error itself: the details are in the log for the technician."""

    home_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("error")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.setSpacing(32)
        layout.addStretch(1)
        for text, name in ((TEXTS["title"], "title"), (TEXTS["body"], "subtitle")):
            label = QLabel(text)
            label.setObjectName(name)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(1)
        home = QPushButton(TEXTS["home"])
        home.setObjectName("primary")
        home.clicked.connect(self.home_requested.emit)
        layout.addWidget(home)
