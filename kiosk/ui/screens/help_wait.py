"""After «Gọi cán bộ hỗ trợ»: the official has been told; wait, or carry on alone.

«Tiếp tục tự làm» goes back to exactly where the resident was (the navigator
keeps that screen; nothing is wiped).  «Dành cho cán bộ», small and out of the
way, is for the official who comes: it asks for the PIN pad (``official_requested``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.voice import ListenButton
from kiosk.ui.widgets.basics import plain_label, touch_button

TEXTS = {
    "title": "Đã báo cán bộ, xin Ông/Bà chờ trong giây lát",
    "body": "Cán bộ sẽ đến kiosk để giúp Ông/Bà. Những gì Ông/Bà đã nhập vẫn được giữ nguyên.",
    "continue": "Tiếp tục tự làm",
    "official": "Dành cho cán bộ",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py).
SPOKEN = {"wait": (
    "Đã báo cán bộ, xin ông bà chờ trong giây lát, cán bộ sẽ đến giúp ông bà. Những gì ông bà "
    "đã nhập vẫn được giữ nguyên. Nếu muốn tự làm tiếp, chạm Tiếp tục tự làm."
)}


class HelpWaitScreen(QWidget):
    continue_requested = Signal()
    official_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("help_wait")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.setSpacing(32)
        layout.addStretch(1)
        self.title = plain_label(TEXTS["title"], "title")
        self.body = plain_label(TEXTS["body"], "subtitle")
        for label in (self.title, self.body):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(1)
        self.continue_button = touch_button(TEXTS["continue"], "primary",
                                            self.continue_requested.emit)
        self.official_button = touch_button(TEXTS["official"], "secondary",
                                            self.official_requested.emit)
        row = QHBoxLayout()
        row.addWidget(self.continue_button, 1)
        row.addSpacing(24)
        row.addWidget(ListenButton(lambda: SPOKEN["wait"]))
        layout.addLayout(row)
        corner = QHBoxLayout()
        corner.addStretch(1)
        corner.addWidget(self.official_button)
        layout.addLayout(corner)
