"""The idle watcher: quiet → warning with a countdown → timed out; any touch starts over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.idle import IdleWatcher
from kiosk.ui.widgets.idle_overlay import IdleOverlay

pytestmark = pytest.mark.gui


@pytest.fixture
def watcher(qapp: QApplication) -> Iterator[IdleWatcher]:
    watcher = IdleWatcher(qapp, warning_ms=100, countdown_seconds=3, tick_ms=30)
    yield watcher
    watcher.uninstall()


@pytest.fixture
def button(qtbot: QtBot) -> QPushButton:
    button = QPushButton("Một nút")
    qtbot.addWidget(button)
    button.show()
    qtbot.waitExposed(button)
    return button


def test_quiet_brings_the_warning_then_the_time_out(qtbot: QtBot, watcher: IdleWatcher) -> None:
    seconds: list[int] = []
    watcher.warning.connect(seconds.append)
    watcher.resume()
    with qtbot.waitSignal(watcher.timed_out, timeout=5_000):
        pass
    assert seconds == [3, 2, 1]
    assert not watcher.active  # it waits for the controller to start it again


def test_a_touch_during_the_countdown_withdraws_the_warning(
    qtbot: QtBot, watcher: IdleWatcher, button: QPushButton,
) -> None:
    watcher.resume()
    with qtbot.waitSignal(watcher.warning, timeout=5_000):
        pass
    with qtbot.waitSignal(watcher.resumed, timeout=1_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not watcher.warning_shown
    with qtbot.waitSignal(watcher.warning, timeout=5_000):  # and the wait starts over
        pass


def test_key_presses_keep_the_session_alive(
    qtbot: QtBot, qapp: QApplication, button: QPushButton,
) -> None:
    watcher = IdleWatcher(qapp, warning_ms=1_000, countdown_seconds=3, tick_ms=30)
    warned: list[int] = []
    watcher.warning.connect(warned.append)
    watcher.resume()
    for _ in range(6):  # 1.2 s in all, never 1 s without a key
        qtbot.wait(200)
        qtbot.keyClick(button, Qt.Key.Key_A)
    watcher.uninstall()
    assert warned == []


def test_paused_on_home_nothing_happens(qtbot: QtBot, watcher: IdleWatcher) -> None:
    events: list[object] = []
    watcher.warning.connect(events.append)
    watcher.timed_out.connect(lambda: events.append("timed out"))
    watcher.resume()
    watcher.pause()
    qtbot.wait(300)
    assert events == []


def test_the_overlay_asks_and_counts_down(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(1366, 768)
    host.show()
    overlay = IdleOverlay(host)
    overlay.show_countdown(27)
    assert overlay.isVisible() and overlay.geometry() == host.rect()
    assert "27 giây" in overlay.countdown.text()
    assert overlay.button.text() == "Tiếp tục" and overlay.button.height() >= 60
    with qtbot.waitSignal(overlay.continue_requested, timeout=1_000):
        qtbot.mouseClick(overlay.button, Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()


def test_the_watcher_drives_the_overlay(
    qtbot: QtBot, watcher: IdleWatcher,
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    host.show()
    overlay = IdleOverlay(host)
    watcher.warning.connect(overlay.show_countdown)
    watcher.resumed.connect(overlay.hide)
    watcher.resume()
    qtbot.waitUntil(overlay.isVisible, timeout=5_000)
    qtbot.mouseClick(overlay.button, Qt.MouseButton.LeftButton)
    assert not overlay.isVisible() and not watcher.warning_shown
