"""A plain message with one way home: help requests, and the page shown instead of an error."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.voice import ListenButton

TEXTS = {
    "home": "Về trang chủ",
    "help_title": "Gọi cán bộ hỗ trợ",
    "help_body": "Xin mời Ông/Bà đến quầy Một cửa, cán bộ sẽ hướng dẫn và làm cùng Ông/Bà.",
    "error_title": "Xin lỗi, kiosk gặp sự cố.",
    "error_body": "Xin mời Ông/Bà đến quầy Một cửa để cán bộ hỗ trợ.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "help": "Xin mời ông bà đến quầy Một cửa, cán bộ sẽ hướng dẫn và làm cùng ông bà. Chạm "
        "Về trang chủ để quay lại.",
    "error": "Xin lỗi, kiosk gặp sự cố. Xin mời ông bà đến quầy Một cửa để cán bộ hỗ trợ. "
        "Chạm Về trang chủ để quay lại.",
}


class NoticeScreen(QWidget):
    home_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("notice")
        self._kind = "help"
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
        row = QHBoxLayout()
        row.addWidget(home, 1)
        row.addSpacing(24)
        row.addWidget(ListenButton(lambda: SPOKEN[self._kind]))
        layout.addLayout(row)

    def show_message(self, kind: str) -> None:
        """``kind`` is ``"help"`` or ``"error"``."""
        self._kind = kind
        self.title.setText(TEXTS[f"{kind}_title"])
        self.body.setText(TEXTS[f"{kind}_body"])
