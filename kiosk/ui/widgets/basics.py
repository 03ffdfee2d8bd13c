"""The smallest building blocks of every screen: a plain-text label, a touch button, and
the footer that keeps "Gọi cán bộ hỗ trợ" within reach wherever the resident is."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QWidget

TEXTS = {"home": "Về trang chủ", "help": "Gọi cán bộ hỗ trợ"}


def plain_label(text: str, name: str) -> QLabel:
    """A wrapping label styled by ``name``; plain text, so a resident's input is never markup."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def scroll_area(content: QWidget) -> QScrollArea:
    """``content`` scrolling inside the screen instead of growing it past the display."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    return scroll


def touch_button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    """A button styled by ``name`` that never takes the keyboard focus from a field."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(lambda: slot())
    return button


def footer(home: Callable[[], None], help_: Callable[[], None]) -> QHBoxLayout:
    """"Về trang chủ" on the left, "Gọi cán bộ hỗ trợ" on the right."""
    row = QHBoxLayout()
    row.addWidget(touch_button(TEXTS["home"], "secondary", home), 1)
    row.addSpacing(24)
    row.addWidget(touch_button(TEXTS["help"], "help", help_))
    return row
