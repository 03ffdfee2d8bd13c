"""«Nghe hướng dẫn» on every screen, in the real window: what it reads, when it stops."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.voice import TEXTS, ListenButton, QtVoice
from kiosk.ui.wizard import StepFrame
from tests.support.kiosk import Kiosk
from tests.support.touch import Finger, open_window
from tests.support.voice import RecordingVoice
from tests.ui.conftest import RecordingPrinter, services_for

pytestmark = pytest.mark.gui
VIETNAMESE_MARKS = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)


def open_with(qtbot: QtBot, qapp: QApplication, backend: Kiosk,
              voice: RecordingVoice) -> Iterator[tuple[MainWindow, Navigator]]:
    services = replace(services_for(backend, RecordingPrinter()), voice=voice)
    window, navigator = open_window(qtbot, qapp, services)
    yield window, navigator
    navigator.shutdown()


@pytest.fixture
def voice() -> RecordingVoice:
    return RecordingVoice()


@pytest.fixture
def spoken_kiosk(qtbot: QtBot, qapp: QApplication, backend: Kiosk,
                 voice: RecordingVoice) -> Iterator[tuple[MainWindow, Navigator]]:
    yield from open_with(qtbot, qapp, backend, voice)


def every_screen(window: MainWindow) -> list[QWidget]:
    """Everything the navigator can show: its own screens and each step of the wizard."""
    return [window.stack.widget(i) for i in range(window.stack.count())]


def listen_button(screen: QWidget) -> ListenButton:
    [button] = screen.findChildren(ListenButton)
    return button


def show(navigator: Navigator, screen: QWidget) -> None:
    navigator._show(screen)  # each screen in turn, whatever leads there


def module_spoken(screen: QWidget) -> dict[str, str]:
    owner = screen.content if isinstance(screen, StepFrame) else screen
    for cls in type(owner).__mro__:  # ErrorScreen speaks NoticeScreen's words
        spoken = getattr(sys.modules[cls.__module__], "SPOKEN", None)
        if spoken:
            return dict(spoken)
    return {}


def test_every_screen_has_a_visible_listen_button_with_its_spoken_text(
    spoken_kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = spoken_kiosk
    screens = every_screen(window)
    assert len(screens) >= 14  # home, guide, track, done, error, notice and the eight steps
    for screen in screens:
        show(navigator, screen)
        button = listen_button(screen)
        name = type(screen).__name__ if not isinstance(screen, StepFrame) else screen.content
        assert button.isVisible() and button.text() == TEXTS["listen"], name
        assert button.height() >= 60 and button.width() >= 60, name
        text = button.spoken()
        assert text in module_spoken(screen).values(), name
        assert len(text.split()) >= 10 and VIETNAMESE_MARKS.search(text), name
        assert not re.search(r"[{}«»/<>]", text), f"{name}: said as written, not as symbols"


def test_the_help_wait_and_error_screens_each_read_their_own_words(
    spoken_kiosk: tuple[MainWindow, Navigator], voice: RecordingVoice,
) -> None:
    _, navigator = spoken_kiosk
    finger = Finger()
    finger.tap_text(navigator.home, "Gọi cán bộ hỗ trợ")
    finger.tap(listen_button(navigator.help_wait))
    show(navigator, navigator.error)
    finger.tap(listen_button(navigator.error))
    assert voice.spoken[0].startswith("Đã báo cán bộ, xin ông bà chờ trong giây lát")
    assert voice.spoken[1].startswith("Xin lỗi, kiosk gặp sự cố.")


def test_a_tap_reads_the_screen_aloud_and_a_new_screen_stops_it(
    spoken_kiosk: tuple[MainWindow, Navigator], voice: RecordingVoice,
) -> None:
    _, navigator = spoken_kiosk
    finger = Finger()
    finger.tap(listen_button(navigator.home))
    assert voice.speaking is not None and voice.speaking.startswith("Xin kính chào ông bà.")
    finger.tap_text(navigator.home, "Nộp hồ sơ")
    assert voice.speaking is None
    step = navigator.wizard.frames[0]
    finger.tap(step.listen)
    assert voice.speaking is not None and "Xin chọn thủ tục cần làm" in voice.speaking


def test_the_wipe_stops_the_speech(
    spoken_kiosk: tuple[MainWindow, Navigator], voice: RecordingVoice,
) -> None:
    window, navigator = spoken_kiosk
    finger = Finger()
    finger.tap_text(navigator.home, "Nộp hồ sơ")
    first = navigator.wizard.frames[0]
    finger.tap(first.listen)
    assert voice.speaking is not None
    finger.tap_text(first, "‹ Quay lại")  # on the first step: the session ends
    assert window.stack.currentWidget() is navigator.home
    assert voice.speaking is None


def test_without_a_vietnamese_voice_no_screen_shows_the_button(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk,
) -> None:
    for window, navigator in open_with(qtbot, qapp, backend, RecordingVoice(available=False)):
        for screen in every_screen(window):
            show(navigator, screen)
            assert not listen_button(screen).isVisible()


def test_a_voice_that_answers_late_shows_the_button_on_the_screen_shown(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk,
) -> None:
    late = RecordingVoice(available=False)
    for _, navigator in open_with(qtbot, qapp, backend, late):
        assert not listen_button(navigator.home).isVisible()
        late.become_available()
        assert listen_button(navigator.home).isVisible()


@pytest.mark.qt_log_ignore("pipewire")
def test_an_engine_without_a_vietnamese_voice_leaves_the_button_hidden(qtbot: QtBot) -> None:
    voice = QtVoice(engines=("mock", "no-such-engine"))  # Qt's stand-in speaks no Vietnamese
    answered: list[bool] = []
    voice.on_change(lambda: answered.append(voice.available()))
    qtbot.waitUntil(lambda: answered != [], timeout=10_000)
    assert answered == [False]
    button = ListenButton("Xin chào")
    qtbot.addWidget(button)
    button.attach(voice)
    assert button.isHidden()
    voice.speak("Xin chào")  # nothing to speak with: nothing happens, nothing fails
    assert voice.close()
