"""«Gọi cán bộ hỗ trợ» through the real window and a real SQLite store: one call is
recorded with its screen and step, a chime is tried, the waiting screen shows, and
«Tiếp tục tự làm» returns to exactly where the resident was with the draft intact.
"""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.chime import CHIME_PATH, RATE, Chime, write_chime
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.help_wait import TEXTS
from tests.support import residents
from tests.support.kiosk import Kiosk
from tests.support.residents import CCCD, CCCD_NAME
from tests.support.touch import Finger, assert_nothing_left

pytestmark = pytest.mark.gui
HELP = "Gọi cán bộ hỗ trợ"


@pytest.fixture
def finger() -> Finger:
    return Finger()


def help_button(screen: QWidget) -> QPushButton:
    (button,) = [b for b in screen.findChildren(QPushButton) if b.text() == HELP]
    return button


def filled_applicant(finger: Finger, window: MainWindow, navigator: Navigator) -> None:
    residents.begin(finger, window, navigator, residents.BIRTH)
    screen = residents.applicant(navigator)
    finger.scanner(CCCD)
    finger.wait(lambda: residents.card_read(screen, CCCD_NAME), 5_000)
    finger.pad(screen, "so_dien_thoai", "0912345678")


def test_help_mid_step_records_the_step_and_keeps_the_draft(
    finger: Finger, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
) -> None:
    window, navigator = kiosk
    filled_applicant(finger, window, navigator)
    frame = navigator.wizard.frames[2]

    finger.tap(help_button(frame))
    assert window.stack.currentWidget() is navigator.help_wait
    finger.wait(lambda: navigator.open_help_call is not None)
    (call,) = backend.office.help_calls.open_calls()
    assert (call.id, call.screen, call.step, call.state) == (
        navigator.open_help_call, "wizard", "3 ApplicantScreen", "open")
    assert not navigator.idle.active  # no wipe countdown while the official is coming

    finger.tap_text(navigator.help_wait, TEXTS["continue"])
    assert window.stack.currentWidget() is frame
    assert navigator.wizard.index == 2
    screen = residents.applicant(navigator)
    assert screen.fields.editors["ho_ten"].value() == CCCD_NAME
    assert screen.fields.editors["so_dien_thoai"].value() == "0912345678"
    assert navigator.idle.active
    finger.go_on(navigator)  # the draft goes on as if help had never been asked
    assert navigator.wizard.index == 3
    assert navigator.wizard.state.applicant["ho_ten"] == CCCD_NAME


def test_two_quick_taps_and_a_second_call_ring_once(
    qtbot: QtBot, finger: Finger, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
) -> None:
    window, navigator = kiosk
    button = help_button(navigator.home)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    finger.wait(lambda: navigator.open_help_call is not None)
    first = navigator.open_help_call
    finger.tap_text(navigator.help_wait, TEXTS["continue"])
    assert window.stack.currentWidget() is navigator.home

    finger.tap(help_button(navigator.home))  # still waiting: the same call, not a new one
    navigator._runner.wait()
    calls = backend.office.help_calls.open_calls()
    assert [(c.id, c.screen, c.step) for c in calls] == [(first, "home", None)]
    assert [e.action for e in backend.office.audit.entries()].count("help_call") == 1


def test_help_from_track_returns_to_track(
    finger: Finger, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
) -> None:
    window, navigator = kiosk
    finger.tap_text(window, "Tra cứu hồ sơ")
    assert window.stack.currentWidget() is navigator.track
    finger.tap(help_button(navigator.track))
    finger.wait(lambda: navigator.open_help_call is not None)
    assert [c.screen for c in backend.office.help_calls.open_calls()] == ["track"]
    finger.tap_text(navigator.help_wait, TEXTS["continue"])
    assert window.stack.currentWidget() is navigator.track


def test_nobody_comes_the_session_is_wiped_and_the_call_closed(
    finger: Finger, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
) -> None:
    window, navigator = kiosk
    filled_applicant(finger, window, navigator)
    finger.tap(help_button(navigator.wizard.frames[2]))
    finger.wait(lambda: navigator.open_help_call is not None)
    assert navigator.help_timer.isActive()

    navigator.help_timer.timeout.emit()  # driven, not waited for
    assert window.stack.currentWidget() is navigator.home
    assert navigator.open_help_call is None
    navigator._runner.wait()
    assert backend.office.help_calls.open_calls() == []
    assert_nothing_left(window, CCCD_NAME)
    assert navigator.wizard.state.applicant == {}


def test_the_official_button_asks_for_an_official(
    qtbot: QtBot, finger: Finger, kiosk: tuple[MainWindow, Navigator],
) -> None:
    _window, navigator = kiosk
    finger.tap(help_button(navigator.home))
    with qtbot.waitSignal(navigator.help_wait.official_requested, timeout=1_000):
        finger.tap_text(navigator.help_wait, TEXTS["official"])


def test_the_chime_never_fails_the_call(tmp_path: Path) -> None:
    assert Chime(tmp_path / "missing.wav").play() is False
    chime = Chime(CHIME_PATH)
    assert chime.play() is False  # offscreen: no speaker, and QtMultimedia left unloaded
    assert chime.play() is False  # tried once, then quiet
    written = write_chime(tmp_path / "chime.wav")
    assert written.read_bytes() == CHIME_PATH.read_bytes()  # the shipped file is this one
    with wave.open(str(written)) as sound:
        assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (1, 2, RATE)
        assert 0.3 < sound.getnframes() / RATE < 1.0


def test_a_call_answered_after_its_session_ended_is_closed_not_inherited(
    finger: Finger, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
) -> None:
    window, navigator = kiosk
    finger.tap(help_button(navigator.home))
    navigator.end_session()  # before the call's write has answered (the answer is queued)
    navigator._runner.wait()
    finger.wait(lambda: backend.office.help_calls.open_calls() == [])
    assert navigator.open_help_call is None
    assert window.stack.currentWidget() is navigator.home
