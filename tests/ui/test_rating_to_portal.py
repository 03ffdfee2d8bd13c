"""A resident's faces reach the portal: tapped on the rating screen, sent by the sync worker
to the real simulator under the key chosen on the screen, held there once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.demo.simulator import PortalSimulator
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from tests.support.kiosk import Kiosk
from tests.support.touch import Finger
from tests.sync.conftest import kiosk_client

pytestmark = pytest.mark.gui


@pytest.fixture
def portal(tmp_path: Path, backend: Kiosk) -> Iterator[PortalSimulator]:
    with PortalSimulator(tmp_path / "portal.sqlite3", step_seconds=60,
                         clock=backend.clock) as sim:
        yield sim


def test_a_two_with_its_reasons_reaches_the_portal_once(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
    portal: PortalSimulator,
) -> None:
    window, navigator = kiosk
    (dossier,) = backend.seal_births(1)
    navigator.wizard.sealed.emit(dossier)  # as when the wizard has sealed it
    finger = Finger()
    finger.tap_text(navigator.done, "Về trang chủ")
    rating = navigator.rating
    finger.tap(rating.faces[2])
    finger.tap(rating.reasons["thai_do_ho_tro"])
    send = rating.send
    QTest.mouseClick(send, Qt.MouseButton.LeftButton)
    QTest.mouseClick(send, Qt.MouseButton.LeftButton)  # a second, impatient tap
    qtbot.waitUntil(lambda: window.stack.currentWidget() is navigator.home, timeout=10_000)

    for _ in range(2):  # two passes: the second finds nothing left to send
        client = kiosk_client(backend, portal.url)
        backend.sync_worker(client, jitter=lambda: 0.0, ratings=backend.office.ratings)\
            .run_once()
        client.close()
    answer = requests.get(f"{portal.url}/_sim/ratings",
                          params={"kiosk": backend.runtime.config.kiosk.id}, timeout=10)
    (held,) = answer.json()["items"]
    assert (held["MaHoSo"], held["MucDo"], held["LyDo"]) == (dossier.code, 2,
                                                             ["thai_do_ho_tro"])
    summary = backend.office.ratings.summary(backend.clock() - timedelta(days=1))
    assert summary.by_level == {2: 1}  # and the kiosk counted it once too
