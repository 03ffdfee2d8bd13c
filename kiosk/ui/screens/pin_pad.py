"""The official's PIN pad: ten digit keys, masked dots, «Xoá», «Huỷ», «Đăng nhập».

Only digits can be entered: there is no text field at all, the keys are the
only way in, and a physical keyboard's key presses count only for 0–9,
Backspace and Enter.  The screen checks nothing itself: «Đăng nhập» emits the
PIN and the controller answers with ``show_wrong`` / ``show_locked`` /
``show_checking`` (the Argon2 check runs on the background runner).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.dates import format_moment
from kiosk.domain.officials import MESSAGES, PIN_MAX
from kiosk.ui.voice import ListenButton
from kiosk.ui.widgets.basics import plain_label, touch_button

TEXTS = {
    "title": "Đăng nhập cán bộ",
    "prompt": "Xin nhập mã PIN của cán bộ.",
    "clear": "Xoá",
    "cancel": "Huỷ",
    "sign_in": "Đăng nhập",
    "checking": "Đang kiểm tra mã PIN…",
    "empty": "Xin nhập mã PIN trước khi chạm «Đăng nhập».",
    "failed": "Chưa kiểm tra được mã PIN lúc này. Xin thử lại.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py).
SPOKEN = {
    "screen": "Màn hình này dành cho cán bộ một cửa. Cán bộ nhập mã PIN bằng các phím số rồi "
        "chạm Đăng nhập. Nếu ông bà không phải cán bộ, xin chạm Huỷ để quay lại.",
}
KEY_WIDTH = 180  # px; the height is the theme's touch height (at least 60 px)
KEY_MAX_HEIGHT = 130
DIGIT_STYLE = "QPushButton { font-size: 30pt; }"
DOT = "●"
EMPTY_DOT = "○"


class PinPadScreen(QWidget):
    sign_in_requested = Signal(str)
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("pinPad")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a physical keyboard's digits
        self._pin = ""
        self._busy = False
        columns = QHBoxLayout(self)  # texts beside the keys: fits 1366×768 at large text too
        columns.setContentsMargins(48, 24, 48, 24)
        columns.setSpacing(40)
        layout = QVBoxLayout()
        layout.setSpacing(12)
        layout.addWidget(plain_label(TEXTS["title"], "title"))
        layout.addWidget(plain_label(TEXTS["prompt"], "subtitle"))
        self.dots = plain_label("", "dossierCode")
        layout.addWidget(self.dots)
        self.message = plain_label("", "message")
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(self._footer())
        columns.addLayout(layout, 1)
        columns.addLayout(self._keys())
        self._show_dots()

    def _keys(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(10)
        self.keys: dict[str, QPushButton] = {}
        for number, digit in enumerate("123456789"):
            grid.addWidget(self._key(digit), number // 3, number % 3)
        self.clear_button = self._make(TEXTS["clear"], "secondary", self.erase)
        grid.addWidget(self.clear_button, 3, 0)
        grid.addWidget(self._key("0"), 3, 1)
        self.sign_in_button = self._make(TEXTS["sign_in"], "primary", self.submit)
        grid.addWidget(self.sign_in_button, 3, 2)
        return grid

    def _key(self, digit: str) -> QPushButton:
        button = self._make(digit, "", lambda: self.press(digit))
        button.setStyleSheet(DIGIT_STYLE)
        self.keys[digit] = button
        return button

    def _make(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = touch_button(text, name, slot)
        button.setMinimumWidth(KEY_WIDTH)
        button.setMaximumHeight(KEY_MAX_HEIGHT)  # taller keys where there is room
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        return button

    def _footer(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(touch_button(TEXTS["cancel"], "secondary", self.cancel))
        row.addStretch(1)
        row.addWidget(ListenButton(SPOKEN["screen"]))
        return row

    # --- input -------------------------------------------------------------------

    @property
    def entered(self) -> int:
        """How many digits are in (never the digits themselves)."""
        return len(self._pin)

    def press(self, digit: str) -> None:
        if self._busy or len(self._pin) >= PIN_MAX or digit not in "0123456789" or len(digit) != 1:
            return
        self._pin += digit
        self.message.clear()
        self._show_dots()

    def erase(self) -> None:
        if not self._busy:
            self._pin = ""
            self._show_dots()

    def submit(self) -> None:
        if self._busy:
            return
        if not self._pin:
            self.message.setText(TEXTS["empty"])
            return
        pin, self._pin = self._pin, ""
        self._show_dots()
        self.show_checking()
        self.sign_in_requested.emit(pin)

    def cancel(self) -> None:
        self.reset()
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if len(text) == 1 and "0" <= text <= "9":
            self.press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.erase()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        event.accept()  # nothing else reaches anything: no letters, no shortcuts

    # --- answers -----------------------------------------------------------------

    def reset(self) -> None:
        self._pin = ""
        self._set_busy(False)
        self.message.clear()
        self._show_dots()

    def show_checking(self) -> None:
        self._set_busy(True)
        self.message.setText(TEXTS["checking"])

    def show_wrong(self, left: int) -> None:
        self._set_busy(False)
        self.message.setText(MESSAGES["wrong_pin"].format(left=left))

    def show_locked(self, until: datetime) -> None:
        """Locked: no key works until ``until`` (the controller unlocks by ``reset``)."""
        self._pin = ""
        self._show_dots()
        self._set_busy(True)
        self.message.setText(MESSAGES["signin_locked"].format(until=format_moment(until)))

    def show_failure(self) -> None:
        self._set_busy(False)
        self.message.setText(TEXTS["failed"])

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (*self.keys.values(), self.clear_button, self.sign_in_button):
            button.setEnabled(not busy)

    def _show_dots(self) -> None:
        shown = DOT * len(self._pin) or EMPTY_DOT * 6
        self.dots.setText(shown)
