"""Home (attract) screen: the three big choices, text size and help always visible."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.voice import ListenButton
from kiosk.ui.widgets.long_press import LongPress

if TYPE_CHECKING:
    from kiosk.config import SiteConfig

TEXTS = {
    "welcome": "Xin kính chào Ông/Bà",
    "submit": "Nộp hồ sơ",
    "track": "Tra cứu hồ sơ",
    "guide": "Hướng dẫn",
    "text_larger": "Chữ to hơn",
    "text_normal": "Chữ cỡ thường",
    "help": "Gọi cán bộ hỗ trợ",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Xin kính chào ông bà. Muốn nộp hồ sơ, xin chạm nút Nộp hồ sơ ở giữa màn hình. "
        "Muốn xem hồ sơ đã nộp đến đâu, chạm nút Tra cứu hồ sơ. Muốn chữ to hơn, chạm nút Chữ to "
        "hơn ở góc dưới bên trái. Cần người giúp, chạm nút Gọi cán bộ hỗ trợ.",
}


class HomeScreen(QWidget):
    """Emits intents only; the controller decides where they lead."""

    submit_requested = Signal()
    track_requested = Signal()
    guide_requested = Signal()
    help_requested = Signal()
    text_size_toggled = Signal()
    official_requested = Signal()  # the commune's name held for 3 s: an official signs in

    def __init__(self, site_name: str, office_name: str, large_text: bool) -> None:
        super().__init__()
        self.setObjectName("home")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.setSpacing(16)
        self.site_name = _label(site_name.upper(), "subtitle")
        layout.addWidget(self.site_name)
        self.long_press = LongPress(self.site_name)
        self.long_press.held.connect(self.official_requested.emit)
        layout.addWidget(_label(office_name, "subtitle"))
        layout.addStretch(1)
        layout.addWidget(_label(TEXTS["welcome"], "title"))  # the buttons say what is done here
        layout.addSpacing(16)
        layout.addLayout(self._choices())
        layout.addStretch(2)
        layout.addLayout(self._footer(large_text))

    @classmethod
    def for_site(cls, site: SiteConfig, *, large_text: bool = False) -> HomeScreen:
        return cls(site.name, site.office, large_text=large_text)

    def _choices(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(20)
        column.addWidget(_button(TEXTS["submit"], "primary", self.submit_requested))
        row = QHBoxLayout()
        row.setSpacing(20)
        row.addWidget(_button(TEXTS["track"], "secondary", self.track_requested))
        row.addWidget(_button(TEXTS["guide"], "secondary", self.guide_requested))
        column.addLayout(row)
        return column

    def _footer(self, large_text: bool) -> QHBoxLayout:
        footer = QHBoxLayout()
        size_text = TEXTS["text_normal"] if large_text else TEXTS["text_larger"]
        footer.addWidget(_button(size_text, "textsize", self.text_size_toggled))
        footer.addStretch(1)
        footer.addWidget(ListenButton(SPOKEN["screen"]))
        footer.addSpacing(20)
        footer.addWidget(_button(TEXTS["help"], "help", self.help_requested))
        return footer


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    # By the property's name, not Qt.AlignmentFlag: Home is painted before PySide6 builds
    # the Qt namespace's enums (kiosk.ui.main_window.MainWindow.hide_pointer says why).
    label.setProperty("alignment", "AlignCenter")
    return label


def _button(text: str, name: str, intent: SignalInstance) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(intent.emit)
    return button
