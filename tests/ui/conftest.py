"""A real kiosk behind the window: temp data dir, migrated database, shipped catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.app import build_window
from kiosk.ui.context import UiServices
from kiosk.ui.main_window import MainWindow, Navigator
from tests.support.kiosk import Kiosk, open_kiosk


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Kiosk]:
    kiosk = open_kiosk(tmp_path / "kiosk")
    yield kiosk
    kiosk.close()


@pytest.fixture
def kiosk(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk
) -> Iterator[tuple[MainWindow, Navigator]]:
    services = UiServices(backend.runtime.config, backend.catalogue, backend.queue,
                          backend.submitter, backend.clock)
    window, navigator = build_window(qapp, services, windowed=True)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window, navigator
    navigator.shutdown()
