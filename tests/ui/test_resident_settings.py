"""Every setting a resident chooses goes back to its default for the next resident."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.config import SessionConfig
from kiosk.ui import theme
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.voice import ListenButton
from tests.support.kiosk import Kiosk
from tests.support.touch import Finger, open_window
from tests.support.voice import RecordingVoice
from tests.ui.conftest import RecordingPrinter, services_for

pytestmark = pytest.mark.gui
QUICK_IDLE = SessionConfig(idle_warning_seconds=1, idle_countdown_seconds=1)


@pytest.fixture
def voice() -> RecordingVoice:
    return RecordingVoice()


@pytest.fixture
def quick(qtbot: QtBot, qapp: QApplication, backend: Kiosk,
          voice: RecordingVoice) -> Iterator[tuple[MainWindow, Navigator]]:
    """The kiosk with a voice and an idle wipe after two quiet seconds."""
    services = services_for(backend, RecordingPrinter())
    config = replace(services.config, session=QUICK_IDLE)
    window, navigator = open_window(qtbot, qapp, replace(services, config=config, voice=voice))
    yield window, navigator
    navigator.shutdown()
    theme.apply(qapp, theme.TextSize.NORMAL)


def submit_pt(navigator: Navigator) -> int:
    [button] = [b for b in navigator.home.findChildren(QPushButton) if b.text() == "Nộp hồ sơ"]
    return QFontInfo(button.font()).pointSize()


def change_every_setting(navigator: Navigator, voice: RecordingVoice) -> int:
    """What a resident can choose: the larger text, and a screen read aloud; returns the
    size of Home's text before."""
    fresh = submit_pt(navigator)
    finger = Finger()
    finger.tap_text(navigator.home, "Chữ to hơn")
    finger.tap(navigator.home.findChild(ListenButton))
    assert navigator.text_size is theme.TextSize.LARGE and voice.speaking is not None
    assert submit_pt(navigator) > fresh
    return fresh


def assert_defaults(window: MainWindow, navigator: Navigator, voice: RecordingVoice,
                    fresh_pt: int) -> None:
    assert window.stack.currentWidget() is navigator.home
    assert navigator.text_size is theme.TextSize.NORMAL
    assert submit_pt(navigator) == fresh_pt
    labels = {b.text() for b in navigator.home.findChildren(QPushButton) if b.isVisible()}
    assert "Chữ to hơn" in labels and "Chữ cỡ thường" not in labels
    assert voice.speaking is None


def test_the_idle_wipe_puts_every_setting_back_even_left_on_home(
    quick: tuple[MainWindow, Navigator], voice: RecordingVoice, qtbot: QtBot,
) -> None:
    window, navigator = quick
    fresh = change_every_setting(navigator, voice)
    assert navigator.idle.active  # a changed Home is watched, an untouched one is not
    qtbot.waitUntil(lambda: navigator.text_size is theme.TextSize.NORMAL, timeout=10_000)
    assert not navigator.idle.active
    assert_defaults(window, navigator, voice, fresh)


def test_the_end_of_a_session_puts_every_setting_back(
    quick: tuple[MainWindow, Navigator], voice: RecordingVoice,
) -> None:
    window, navigator = quick
    fresh = change_every_setting(navigator, voice)
    finger = Finger()
    finger.tap_text(navigator.home, "Nộp hồ sơ")
    assert navigator.text_size is theme.TextSize.LARGE  # kept while the resident is here
    finger.tap(navigator.wizard.frames[0].listen)
    finger.tap_text(navigator.wizard.frames[0], "‹ Quay lại")  # ends the session
    assert_defaults(window, navigator, voice, fresh)
