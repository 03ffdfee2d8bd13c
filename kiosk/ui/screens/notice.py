"""A plain message with one way home: help requests, and the page shown instead of an error."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

TEXTS = {
    "home": "Về trang chủ",
    "help_title": "Gọi cán bộ hỗ trợ",
    "help_body": "Xin mời Ông/Bà đến quầy Một cửa, cán bộ sẽ hướng dẫn và làm cùng Ông/Bà.",
    "error_title": "Xin lỗi, kiosk gặp sự cố.",
    "error_body": "Xin mời Ông/Bà đến quầy Một cửa để cán bộ hỗ trợ.",
}


class NoticeScreen(QWidget):
    home_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("notice")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.setSpacing(32)
        layout.addStretch(1)
        self.title = QLabel()
        self.title.setObjectName("title")
        self.body = QLabel()
        self.body.setObjectName("subtitle")
        for label in (self.title, self.body):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(1)
        home = QPushButton(TEXTS["home"])
        home.setObjectName("primary")
        home.clicked.connect(self.home_requested.emit)
        layout.addWidget(home)

    def show_message(self, kind: str) -> None:
        """``kind`` is ``"help"`` or ``"error"``."""
        self.title.setText(TEXTS[f"{kind}_title"])
        self.body.setText(TEXTS[f"{kind}_body"])
