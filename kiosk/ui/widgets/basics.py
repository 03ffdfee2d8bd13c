"""The two smallest building blocks of every screen: a plain-text label and a touch button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton


def plain_label(text: str, name: str) -> QLabel:
    """A wrapping label styled by ``name``; plain text, so a resident's input is never markup."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def touch_button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    """A button styled by ``name`` that never takes the keyboard focus from a field."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(lambda: slot())
    return button
