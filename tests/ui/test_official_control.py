"""The kiosk's control from the dashboard only: leaving full screen (no key does it), restart and
shut down after a confirmation, settings applied at once — each audited."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.ui import theme
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.official_session import EXIT_RESTART, EXIT_SHUTDOWN
from tests.support.kiosk import Kiosk
from tests.support.officials import actions, add_official, sign_in
from tests.support.touch import Finger

pytestmark = pytest.mark.gui

KEYS_THAT_MUST_NOT_LEAVE = (Qt.Key.Key_Escape, Qt.Key.Key_F11, Qt.Key.Key_F4, Qt.Key.Key_Q,
                            Qt.Key.Key_W)


@pytest.fixture
def finger() -> Finger:
    return Finger()


@pytest.fixture
def desk(kiosk: tuple[MainWindow, Navigator], backend: Kiosk, finger: Finger
         ) -> tuple[MainWindow, Navigator]:
    window, navigator = kiosk
    add_official(backend)
    sign_in(finger, window, navigator)
    finger.tap_text(navigator.official.dashboard, "Cài đặt")
    return window, navigator


def test_no_key_leaves_full_screen_only_the_dashboards_button_does_and_it_is_audited(
    kiosk: tuple[MainWindow, Navigator], backend: Kiosk, finger: Finger, qtbot: QtBot,
) -> None:
    window, navigator = kiosk
    window.show_for_kiosk(windowed=False)
    qtbot.waitUntil(window.isFullScreen)
    for key in KEYS_THAT_MUST_NOT_LEAVE:
        for modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.AltModifier,
                          Qt.KeyboardModifier.ControlModifier):
            QTest.keyClick(window, key, modifiers)
    assert window.isFullScreen() and window.isVisible()
    add_official(backend)
    sign_in(finger, window, navigator)
    finger.tap_text(navigator.official.dashboard, "Cài đặt")
    finger.tap_text(navigator.official.dashboard, "Thoát toàn màn hình")
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.isVisible()
    finger.wait(lambda: "exit_fullscreen" in actions(backend))
    assert backend.office.audit.entries(1)[0].actor == "CB-012"


@pytest.mark.parametrize(("button", "action", "code"), [
    ("Khởi động lại ứng dụng", "restart", EXIT_RESTART),
    ("Tắt ứng dụng", "shutdown", EXIT_SHUTDOWN),
])
def test_restart_and_shutdown_ask_first_then_quit_with_their_code_after_the_audit(
    desk: tuple[MainWindow, Navigator], backend: Kiosk, finger: Finger, qtbot: QtBot,
    button: str, action: str, code: int,
) -> None:
    window, navigator = desk
    settings = navigator.official.dashboard.settings
    codes: list[int] = []
    assert not window.close()  # nobody closes the kiosk's window but the kiosk
    navigator.quit_requested.connect(codes.append)
    finger.tap_text(settings, button)
    assert settings.yes.isVisible() and not codes  # nothing yet: the official must confirm
    finger.tap(settings.no)
    assert not settings.yes.isVisible()
    finger.tap_text(settings, button)
    finger.tap(settings.yes)
    finger.wait(lambda: codes == [code])
    assert window.close()  # the kiosk itself is quitting now
    assert action in actions(backend)  # written before the quit was asked for
    assert backend.office.audit.entries(1)[0].detail == {"exit_code": code}


def test_the_default_text_size_is_saved_audited_and_the_next_resident_starts_with_it(
    desk: tuple[MainWindow, Navigator], backend: Kiosk, finger: Finger,
) -> None:
    window, navigator = desk
    settings = navigator.official.dashboard.settings
    finger.tap(settings.choices[("text_size", "large")])
    finger.wait(lambda: backend.office.settings.get("text_size") == "large")
    assert "setting_change" in actions(backend)
    finger.wait(settings.choices[("text_size", "large")].isChecked)
    finger.tap_text(navigator.official.dashboard, "Đăng xuất")
    assert window.stack.currentWidget() is navigator.home
    # The saved setting reaches the navigator when the save job's answer is back on the GUI
    # thread, which under load can be after the sign-out: Home takes it at once then.
    finger.wait(lambda: navigator.text_size is theme.TextSize.LARGE)
    assert not navigator.idle.active  # an untouched Home at the office's size is not watched


def test_the_idle_time_is_chosen_from_a_list_and_applies_at_once(
    desk: tuple[MainWindow, Navigator], backend: Kiosk, finger: Finger,
) -> None:
    _window, navigator = desk
    finger.tap(navigator.official.dashboard.settings.choices[("idle_seconds", "60")])
    finger.wait(lambda: navigator.idle.wait_ms == 60_000)
    assert backend.office.settings.get("idle_seconds") == "60"
    entry = backend.office.audit.entries(1)[0]
    assert (entry.action, entry.target, entry.detail["new"]) == (
        "setting_change", "idle_seconds", "60")


def test_the_printer_test_page_prints_a_sample_slip(
    desk: tuple[MainWindow, Navigator], backend: Kiosk, finger: Finger,
    printer: object,
) -> None:
    _window, navigator = desk
    finger.tap_text(navigator.official.dashboard, "In trang thử")
    finger.wait(lambda: len(printer.printed) == 1)  # type: ignore[attr-defined]
    finger.wait(lambda: "printer_test" in actions(backend))
    # the job's answer (the message) is delivered after its audit row is written
    finger.wait(lambda: "trang thử" in navigator.official.dashboard.message.text())


def test_saved_settings_are_applied_when_the_kiosk_starts(
    qtbot: QtBot, backend: Kiosk,
) -> None:
    from PySide6.QtWidgets import QApplication

    from tests.support.touch import open_window
    from tests.ui.conftest import services_for

    backend.office.settings.set("idle_seconds", "120", backend.clock(), "cli:test")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window, navigator = open_window(qtbot, app, services_for(backend))
    try:
        Finger().wait(lambda: navigator.idle.wait_ms == 120_000)
        assert window.stack.currentWidget() is navigator.home
    finally:
        navigator.shutdown()
