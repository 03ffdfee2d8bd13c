"""An official signs in: the hidden gesture, the PIN pad, the lock, the session's end."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.domain.officials import MAX_FAILURES
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.pin_pad import PinPadScreen
from kiosk.ui.widgets.long_press import HOLD_MS
from tests.support.kiosk import Kiosk
from tests.support.officials import NAME, PIN, actions, add_official, enter_pin, sign_in
from tests.support.touch import Finger, open_window, pause
from tests.ui.conftest import RecordingPrinter, services_for

pytestmark = pytest.mark.gui


@pytest.fixture
def finger() -> Finger:
    return Finger()


@pytest.fixture
def official(backend: Kiosk) -> None:
    add_official(backend)


def hold(widget: object, ms: int) -> None:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    spot = widget.rect().center()
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, pos=spot)
    pause(ms)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=spot)


def type_key(widget: PinPadScreen, text: str, key: int = 0) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key or Qt.Key.Key_unknown,
                                                 Qt.KeyboardModifier.NoModifier, text))


def test_holding_the_communes_name_three_seconds_opens_the_pin_pad(
    kiosk: tuple[MainWindow, Navigator], official: None,
) -> None:
    window, navigator = kiosk
    hold(navigator.home.site_name, HOLD_MS + 400)
    assert window.stack.currentWidget() is navigator.official.pad


def test_a_short_press_on_the_communes_name_does_nothing(
    kiosk: tuple[MainWindow, Navigator], official: None,
) -> None:
    window, navigator = kiosk
    hold(navigator.home.site_name, 400)
    pause(HOLD_MS)  # well past the hold: the release cancelled it
    assert window.stack.currentWidget() is navigator.home


def test_cancel_on_the_pad_goes_back_where_it_was_opened(
    kiosk: tuple[MainWindow, Navigator], finger: Finger,
) -> None:
    window, navigator = kiosk
    navigator.request_official()
    finger.tap_text(navigator.official.pad, "Huỷ")
    assert window.stack.currentWidget() is navigator.home


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.text(max_size=20))
def test_the_pad_takes_only_ascii_digits_from_a_keyboard(qtbot: QtBot, keys: str) -> None:
    pad = PinPadScreen()
    qtbot.addWidget(pad)
    for char in keys:
        type_key(pad, char)
    expected = min(8, sum(1 for c in keys if "0" <= c <= "9"))
    assert pad.entered == expected
    assert all(c in "●○" for c in pad.dots.text())  # masked: never the digits
    for letter in "aZ٣²":
        type_key(pad, letter)
    assert pad.entered == expected


def test_the_right_pin_opens_the_dashboard_and_is_audited(
    kiosk: tuple[MainWindow, Navigator], official: None, finger: Finger, backend: Kiosk,
) -> None:
    window, navigator = kiosk
    sign_in(finger, window, navigator)
    assert NAME in navigator.official.dashboard.who.text()
    session = navigator.official.session
    assert session is not None and session.staff_id == "CB-012"
    assert actions(backend)[-1] == "signin_ok"


def test_a_wrong_pin_says_how_many_tries_are_left(
    kiosk: tuple[MainWindow, Navigator], official: None, finger: Finger,
) -> None:
    window, navigator = kiosk
    navigator.request_official()
    pad = navigator.official.pad
    finger.wait(pad.sign_in_button.isEnabled)
    enter_pin(finger, pad, "111222")
    finger.wait(lambda: "Còn" in pad.message.text())
    assert pad.message.text() == f"Mã PIN không đúng. Còn {MAX_FAILURES - 1} lần thử."
    assert window.stack.currentWidget() is pad


def test_five_wrong_pins_lock_the_pad_and_the_lock_survives_a_new_window(
    qtbot: QtBot, qapp: QApplication, kiosk: tuple[MainWindow, Navigator], official: None,
    finger: Finger, backend: Kiosk, printer: RecordingPrinter,
) -> None:
    _window, navigator = kiosk
    navigator.request_official()
    pad = navigator.official.pad
    for attempt in range(MAX_FAILURES):
        finger.wait(pad.sign_in_button.isEnabled)
        enter_pin(finger, pad, f"90817{attempt}")
        finger.wait(lambda: "Còn" in pad.message.text() or "thử lại sau" in pad.message.text())
    assert "Đã nhập sai quá nhiều lần. Xin thử lại sau" in pad.message.text()
    assert not pad.keys["1"].isEnabled() and not pad.sign_in_button.isEnabled()
    assert actions(backend).count("signin_failed") == MAX_FAILURES
    assert "signin_lock" in actions(backend)
    navigator.shutdown()

    # The kiosk restarts on the same database: the pad is still locked, even for the right PIN.
    _again, fresh = open_window(qtbot, qapp, services_for(backend, printer))
    try:
        fresh.request_official()
        fresh_pad = fresh.official.pad
        finger.wait(lambda: "thử lại sau" in fresh_pad.message.text())
        assert not fresh_pad.sign_in_button.isEnabled()
        assert backend.office.officials.sign_in(PIN, backend.clock()).ok is False
    finally:
        fresh.shutdown()


def test_the_idle_timeout_signs_the_official_out_and_is_audited(
    kiosk: tuple[MainWindow, Navigator], official: None, finger: Finger, backend: Kiosk,
) -> None:
    window, navigator = kiosk
    sign_in(finger, window, navigator)
    assert navigator.idle.active  # the dashboard is watched like every screen but Home
    navigator.idle.timed_out.emit()  # the timer itself is tested in test_idle
    assert window.stack.currentWidget() is navigator.home
    assert not navigator.official.signed_in
    finger.wait(lambda: actions(backend)[-1] == "signout")
    assert backend.office.audit.entries(1)[0].detail == {"reason": "idle"}


def test_sign_out_goes_home_and_is_audited(
    kiosk: tuple[MainWindow, Navigator], official: None, finger: Finger, backend: Kiosk,
) -> None:
    window, navigator = kiosk
    sign_in(finger, window, navigator)
    finger.tap_text(navigator.official.dashboard, "Đăng xuất")
    assert window.stack.currentWidget() is navigator.home
    finger.wait(lambda: actions(backend)[-1] == "signout")
    # Signed out: a finished filing would no longer come back to the dashboard.
    navigator.end_session()
    assert window.stack.currentWidget() is navigator.home
