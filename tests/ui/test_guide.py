"""The guide: today's names of the service levels, how to use the portal, a QR to it."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator

pytestmark = pytest.mark.gui


def tap(qtbot: QtBot, window: MainWindow, text: str) -> None:
    found = [b for b in window.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) == 1, text
    qtbot.mouseClick(found[0], Qt.MouseButton.LeftButton)


def test_the_guide_names_both_levels_and_links_the_portal_by_qr(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    tap(qtbot, window, "Hướng dẫn")
    assert window.stack.currentWidget() is navigator.guide
    text = " ".join(label.text() for label in navigator.guide.findChildren(QLabel))
    assert "Trực tuyến một phần (trước đây gọi là mức độ 3)" in text
    assert "Trực tuyến toàn trình (trước đây gọi là mức độ 4)" in text
    assert "VNeID" in text
    qr = navigator.guide.findChild(QLabel, "qr")
    image = qr.pixmap().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = np.array(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, : image.width()]
    decoded = zxingcpp.read_barcodes(pixels)
    assert [d.text for d in decoded] == ["https://dichvucong.haiphong.gov.vn"]
    tap(qtbot, window, "Về trang chủ")
    assert window.stack.currentWidget() is navigator.home


def test_help_is_one_tap_away_on_track_guide_and_every_step(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    screens = [navigator.track, navigator.guide, *navigator.wizard.frames]
    for screen in screens:
        window.stack.setCurrentWidget(screen)
        tap(qtbot, window, "Gọi cán bộ hỗ trợ")
        assert window.stack.currentWidget() is navigator.help_wait, screen.objectName()
        tap(qtbot, window, "Tiếp tục tự làm")
        assert window.stack.currentWidget() is screen, screen.objectName()
