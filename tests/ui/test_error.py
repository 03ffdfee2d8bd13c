"""The friendly error page and the one exception hook: a log entry, never a traceback."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import QCoreApplication, QThread, QTimer
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.ui.errors import install_exception_hook
from kiosk.ui.screens.error import ErrorScreen

pytestmark = pytest.mark.gui


def test_the_error_page_asks_the_resident_to_see_an_official(qtbot: QtBot) -> None:
    screen = ErrorScreen()
    qtbot.addWidget(screen)
    text = " ".join(label.text() for label in screen.findChildren(QLabel))
    assert text == ("Xin lỗi, kiosk gặp sự cố. Xin mời Ông/Bà đến quầy Một cửa để cán bộ hỗ trợ.")
    (home,) = [b for b in screen.findChildren(QPushButton) if b.text() == "Về trang chủ"]
    with qtbot.waitSignal(screen.home_requested, timeout=1_000):
        home.click()


@pytest.mark.logs_errors
def test_the_hook_logs_and_reports_an_uncaught_error(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[BaseException] = []
    uninstall = install_exception_hook(seen.append)
    error = RuntimeError("boom")
    try:
        with caplog.at_level(logging.ERROR, logger="kiosk.ui.errors"):
            sys.excepthook(RuntimeError, error, None)
    finally:
        uninstall()
    assert seen == [error]
    assert caplog.records[-1].exc_info is not None


def test_uninstall_puts_the_previous_hooks_back() -> None:
    before = sys.excepthook, threading.excepthook
    uninstall = install_exception_hook(lambda _e: None)
    assert sys.excepthook is not before[0]
    uninstall()
    assert (sys.excepthook, threading.excepthook) == before


@pytest.mark.qt_no_exception_capture
@pytest.mark.logs_errors
def test_an_error_in_a_slot_reaches_the_hook(qtbot: QtBot) -> None:
    seen: list[BaseException] = []
    uninstall = install_exception_hook(seen.append)

    def broken() -> None:
        raise ValueError("in a slot")

    try:
        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: bool(seen), timeout=2_000)
    finally:
        uninstall()
    assert isinstance(seen[0], ValueError)


@pytest.mark.logs_errors
def test_an_error_in_a_background_thread_is_logged_and_never_touches_the_screen(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture,
) -> None:
    shown: list[BaseException] = []
    uninstall = install_exception_hook(shown.append)

    def broken() -> None:
        raise ValueError("in a thread")

    try:
        worker = threading.Thread(target=broken, name="sync")
        worker.start()
        worker.join()
        qtbot.wait(100)  # a queued call to the GUI thread would have arrived by now
    finally:
        uninstall()
    assert shown == []
    logged = [r for r in caplog.records if "background thread sync" in r.getMessage()]
    assert logged and logged[0].exc_info is not None


class BrokenWorker(QThread):
    """A Qt worker thread whose run escapes: PySide6 reports it to ``sys.excepthook``, on the
    worker thread itself."""

    def run(self) -> None:
        raise ValueError("in a Qt thread")


@pytest.mark.qt_no_exception_capture
@pytest.mark.logs_errors
def test_an_error_escaping_a_qt_worker_thread_is_logged_and_never_wipes_the_resident(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture,
) -> None:
    shown: list[BaseException] = []
    uninstall = install_exception_hook(shown.append)
    worker = BrokenWorker()
    worker.setObjectName("camera")
    try:
        with caplog.at_level(logging.ERROR, logger="kiosk.ui.errors"):
            worker.start()
            assert worker.wait(10_000)
            QCoreApplication.processEvents()  # a queued call to the friendly page, had it been made
            QCoreApplication.processEvents()
    finally:
        uninstall()
    assert shown == []
    logged = [r for r in caplog.records if "background thread" in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert isinstance(logged[0].exc_info[1], ValueError)


@pytest.mark.logs_errors
def test_an_error_in_the_handler_does_not_loop() -> None:
    calls: list[int] = []

    def failing(_error: BaseException) -> None:
        calls.append(1)
        sys.excepthook(RuntimeError, RuntimeError("again"), None)

    uninstall = install_exception_hook(failing)
    try:
        sys.excepthook(RuntimeError, RuntimeError("first"), None)
    finally:
        uninstall()
    assert calls == [1]
