"""Home is shown before the rest of the kiosk exists (issue 13): what happens in between.

In-process, with the real start-up thread, database and screens: a tap on Home
before the navigator is built is answered once it is, and a database that cannot
be opened still ends the start with the store's own error (``kiosk run`` prints it
in Vietnamese and exits 5, tests/test_store_faults_cli.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.app import StartUp
from kiosk.services import DATABASE_FILE, resolve_runtime
from kiosk.store.db import StoreError
from kiosk.ui import theme
from kiosk.ui.main_window import MainWindow
from kiosk.ui.screens.home import TEXTS, HomeScreen


@pytest.fixture
def started(tmp_path: Path, qtbot: QtBot) -> Iterator[tuple[StartUp, MainWindow]]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    runtime = resolve_runtime(str(tmp_path / "data"), None, {"HOME": str(tmp_path)})
    theme.load_fonts()
    theme.apply(app, theme.TextSize.NORMAL)
    window = MainWindow(windowed=True)
    home = HomeScreen.for_site(runtime.config.site)
    window.stack.addWidget(home)
    start_up = StartUp(app, window, home, runtime, {}, demo=False)
    window.show_for_kiosk(True)
    yield start_up, window
    start_up.close()
    window.allow_close()
    window.close()
    window.deleteLater()


class _ExitRecorder:
    """The application, but its ``exit`` recorded rather than done."""

    def __init__(self, app: QApplication, asked: list[int]) -> None:
        self._app, self._asked = app, asked

    def exit(self, code: int = 0) -> None:
        self._asked.append(code)

    def __getattr__(self, name: str) -> object:
        return getattr(self._app, name)


def button(home: HomeScreen, text: str) -> QPushButton:
    (found,) = [b for b in home.findChildren(QPushButton) if b.text() == text]
    return found


@pytest.mark.qt_log_ignore("pipewire")  # the real voice: QtMultimedia looks for PipeWire
def test_a_tap_on_home_before_the_rest_is_built_is_answered_once_it_is(
    started: tuple[StartUp, MainWindow], qtbot: QtBot,
) -> None:
    start, window = started
    home = window.stack.currentWidget()
    assert isinstance(home, HomeScreen)
    button(home, TEXTS["guide"]).click()  # nobody to answer yet: kept
    start.home_painted(1.0)  # the start-up thread: database, sync, the screens' modules
    qtbot.waitUntil(lambda: start.navigator is not None, timeout=120_000)
    navigator = start.navigator
    assert navigator is not None and navigator.home is home
    assert window.stack.currentWidget() is navigator.guide
    button(home, TEXTS["track"]).click()  # from now on answered by the navigator alone
    assert window.stack.currentWidget() is navigator.track
    assert start.error is None


@pytest.mark.logs_errors  # the store logs the corrupt file it moved aside
def test_a_database_that_cannot_be_opened_ends_the_start_with_the_store_error(
    started: tuple[StartUp, MainWindow], qtbot: QtBot, tmp_path: Path,
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    start, _window = started
    # The start asks the application to end with 1.  Run here with no event loop, Qt's own
    # exit() would leave the test process's later loops and timers broken: recorded instead.
    asked: list[int] = []
    monkeypatch.setattr(start, "_app", _ExitRecorder(start._app, asked))
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / DATABASE_FILE).write_bytes(b"\x13\x37 not SQLite " * 300)
    start.home_painted(1.0)
    qtbot.waitUntil(lambda: start.error is not None, timeout=120_000)
    assert isinstance(start.error, StoreError)
    assert start.error.code == "corrupt_moved"
    assert start.navigator is None  # nothing was built on a database that is not there
    assert asked == [1]
    assert any("moved aside" in r.getMessage() for r in caplog.records)
