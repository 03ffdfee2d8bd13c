"""The home screen in the real window, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator

pytestmark = pytest.mark.gui


def button(window: MainWindow, text: str) -> QPushButton:
    found = [b for b in window.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) == 1, f"expected one visible button {text!r}, found {len(found)}"
    return found[0]


def test_home_offers_the_three_choices_and_help(kiosk: tuple[MainWindow, Navigator]) -> None:
    window, navigator = kiosk
    assert window.stack.currentWidget() is navigator.home
    for text in ("Nộp hồ sơ", "Tra cứu hồ sơ", "Hướng dẫn", "Gọi cán bộ hỗ trợ", "Chữ to hơn"):
        button(window, text)


def test_every_visible_button_is_a_comfortable_touch_target(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, _ = kiosk
    small = [b.text() for b in window.findChildren(QPushButton)
             if b.isVisible() and b.height() < 60]
    assert small == []


def test_body_text_uses_the_bundled_noto_font_at_20pt_or_more(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, _ = kiosk
    for label in window.findChildren(QLabel):
        if label.isVisible():
            info = QFontInfo(label.font())
            assert info.family() == "Noto Sans", label.text()
            assert info.pointSize() >= 20, label.text()


def test_larger_text_setting_grows_the_text(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    before = QFontInfo(button(window, "Nộp hồ sơ").font()).pointSize()
    qtbot.mouseClick(button(window, "Chữ to hơn"), Qt.MouseButton.LeftButton)
    after = QFontInfo(button(window, "Nộp hồ sơ").font()).pointSize()
    assert after > before
    qtbot.mouseClick(button(window, "Chữ cỡ thường"), Qt.MouseButton.LeftButton)
    assert QFontInfo(button(window, "Nộp hồ sơ").font()).pointSize() == before
    assert window.stack.currentWidget() is navigator.home


def test_help_says_an_official_is_coming_and_leads_back_home(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    qtbot.mouseClick(button(window, "Gọi cán bộ hỗ trợ"), Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is navigator.help_wait
    assert navigator.help_wait.title.text().startswith("Đã báo cán bộ")
    qtbot.mouseClick(button(window, "Tiếp tục tự làm"), Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is navigator.home


@pytest.mark.parametrize("toggles", [0, 1])
def test_home_fits_the_smallest_supported_screen_at_either_text_size(
    kiosk: tuple[MainWindow, Navigator], toggles: int
) -> None:
    window, navigator = kiosk
    for _ in range(toggles):
        navigator.toggle_text_size()
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768
