"""The smallest building blocks of every screen: a plain-text label, a touch button, and
the footer that keeps "Gọi cán bộ hỗ trợ" within reach wherever the resident is.

A touch button counts a tap once.  Residents often tap twice, or press again
because nothing seemed to happen; the screen may have changed after the first
tap, so the second lands on whatever button the next screen has in that spot
("tap-through").  The platform marks such a second tap as the second half of a
double click, wherever it lands: a touch button ignores it.  A repeat on the
same button within the double-click interval is ignored too (a finger that
moved too far for the platform to call it a double click).  Both go by the
events' own timestamps, so taps a test sends one after the other still count.
Buttons that start background work also stay disabled until it answers; that
is their screen's business.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore  # QtCore.Qt at use: Home is painted before it is built
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QWidget,
)

from kiosk.ui.theme import kinetic

TEXTS = {"home": "Về trang chủ", "help": "Gọi cán bộ hỗ trợ"}


def plain_label(text: str, name: str) -> QLabel:
    """A wrapping label styled by ``name``; plain text, so a resident's input is never markup."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    return label


def scroll_area(content: QWidget, *, swipe: bool = True) -> QScrollArea:
    """``content`` scrolling inside the screen instead of growing it past the display.

    ``swipe=False`` for an area built anew for each resident (a document row's strip of
    pages): every finger-scrolled area registers a gesture type of its own, and PySide6
    keeps a Python object for each, so only areas that live as long as the window swipe."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    if swipe:
        kinetic(scroll)  # a swipe scrolls: no one has to hit the bar
    return scroll


class TouchButton(QPushButton):
    """A push button that a double tap, or a quick second press, clicks only once."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._last_press: int | None = None  # the event timestamp (ms) of the last press taken

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # QWidget would take it as one more press: the second tap of a double tap.
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._repeated(event.timestamp()):
            event.accept()
            return
        self._last_press = event.timestamp()
        super().mousePressEvent(event)

    def _repeated(self, stamp: int) -> bool:
        if self._last_press is None:
            return False
        gap = stamp - self._last_press  # 0 or less: no timestamps to go by, count the press
        return 0 < gap < QApplication.styleHints().mouseDoubleClickInterval()


def touch_button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    """A button styled by ``name`` that counts a tap once and never takes the keyboard
    focus from a field."""
    button = TouchButton(text)
    button.setObjectName(name)
    button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
    button.clicked.connect(lambda: slot())
    return button


def footer(home: Callable[[], None], help_: Callable[[], None]) -> QHBoxLayout:
    """"Về trang chủ" on the left, "Gọi cán bộ hỗ trợ" on the right."""
    row = QHBoxLayout()
    row.addWidget(touch_button(TEXTS["home"], "secondary", home), 1)
    row.addSpacing(24)
    row.addWidget(touch_button(TEXTS["help"], "help", help_))
    return row
