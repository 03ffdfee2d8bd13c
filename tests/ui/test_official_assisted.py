"""Filing on a resident's behalf: from the dashboard, and by taking over a resident's call for
help where they stopped.  The dossier reaches the real portal simulator with NguoiHoTro."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.demo.scanner import FakeScanner
from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.states import DossierState
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from tests.support import residents
from tests.support.kiosk import Kiosk
from tests.support.officials import (
    HELPER,
    LABEL,
    PIN,
    WIRE,
    actions,
    add_official,
    enter_pin,
    sign_in,
)
from tests.support.residents import CCCD_NAME
from tests.support.touch import Finger, open_window
from tests.sync.conftest import kiosk_client
from tests.ui.conftest import RecordingPrinter, services_for

pytestmark = pytest.mark.gui


@pytest.fixture
def finger() -> Finger:
    return Finger()


@pytest.fixture
def flow(qtbot: QtBot, qapp: QApplication, backend: Kiosk, printer: RecordingPrinter,
         tmp_path: Path) -> Iterator[tuple[MainWindow, Navigator]]:
    add_official(backend)
    usb = residents.usb_stick(tmp_path / "usb")
    services = services_for(backend, printer, open_scanner=FakeScanner, usb_root=usb)
    window, navigator = open_window(qtbot, qapp, services)
    yield window, navigator
    navigator.shutdown()


def birth_after_choosing(finger: Finger, window: MainWindow, navigator: Navigator) -> str:
    """From the procedure list on: the birth registration, as tests/support/residents does."""
    wizard = navigator.wizard
    (card,) = [c for c in wizard.frames[0].content.cards  # type: ignore[attr-defined]
               if c.procedure.code == residents.BIRTH]
    finger.tap(card)
    finger.go_on(navigator)
    residents.applicant_by_scanner(finger, navigator, "0912345678")
    residents.birth_form(finger, navigator)
    residents.birth_documents(finger, navigator, camera=False)
    return residents.finish(finger, window, navigator)


def portal_body(portal: PortalSimulator, code: str) -> dict[str, object]:
    with sqlite3.connect(portal.db_path) as db:  # what the portal itself stored
        (body,) = db.execute("SELECT body FROM dossiers WHERE kiosk_code = ?", (code,)).fetchone()
    return dict(json.loads(body))


def test_an_assisted_filing_names_the_official_on_the_receipt_and_at_the_portal(
    flow: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk,
    printer: RecordingPrinter, tmp_path: Path,
) -> None:
    window, navigator = flow
    sign_in(finger, window, navigator)
    finger.tap_text(navigator.official.dashboard, "Nộp hồ sơ giúp người dân")
    assert navigator.wizard.index == 0 and navigator.wizard.state.assisted_by == HELPER
    code = birth_after_choosing(finger, window, navigator)

    detail = backend.queue.find(code)
    assert detail is not None and detail.payload["NguoiHoTro"] == WIRE
    finger.wait(lambda: len(printer.printed) == 1, 20_000)
    slip = tmp_path / "slip.pdf"
    slip.write_bytes(printer.printed[0])
    text = subprocess.run(["pdftotext", str(slip), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Cán bộ hỗ trợ" in text and "CB-012" in text and LABEL in " ".join(text.split())
    assert "assisted_start" in actions(backend)

    finger.tap_text(window, "Về trang chủ")  # done: the rating, then back to the dashboard
    finger.tap(navigator.rating.skip)
    assert window.stack.currentWidget() is navigator.official.dashboard
    assert navigator.wizard.state.assisted_by is None  # the next filing is not assisted



def test_an_assisted_filing_reaches_the_portal_with_nguoihotro(
    flow: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk, tmp_path: Path,
) -> None:
    window, navigator = flow
    sign_in(finger, window, navigator)
    finger.tap_text(navigator.official.dashboard, "Nộp hồ sơ giúp người dân")
    code = birth_after_choosing(finger, window, navigator)
    with PortalSimulator(tmp_path / "portal.sqlite3", step_seconds=60,
                         clock=backend.clock) as portal:
        client = kiosk_client(backend, portal.url)
        try:
            backend.sync_worker(client, jitter=lambda: 0.5).run_once()
        finally:
            client.close()
        sent = backend.queue.find(code)
        assert sent is not None
        assert sent.dossier.state is DossierState.SENT, sent.dossier.last_error_message
        assert portal_body(portal, code)["NguoiHoTro"] == WIRE


def test_taking_over_a_call_keeps_the_residents_answers_and_sets_the_helper(
    flow: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk,
) -> None:
    window, navigator = flow
    residents.begin(finger, window, navigator, residents.BIRTH)
    screen = residents.applicant(navigator)
    finger.scanner(residents.CCCD)
    finger.wait(lambda: residents.card_read(screen, CCCD_NAME), 5_000)
    # The resident taps «Gọi cán bộ hỗ trợ»; the official who comes taps «Dành cho cán bộ»
    # on the waiting screen and signs in there.
    finger.tap_text(window, "Gọi cán bộ hỗ trợ")
    finger.wait(lambda: navigator.open_help_call is not None)
    assert window.stack.currentWidget() is navigator.help_wait
    (call,) = backend.office.help_calls.open_calls()
    finger.tap_text(window, "Dành cho cán bộ")
    pad = navigator.official.pad
    assert window.stack.currentWidget() is pad
    finger.wait(pad.sign_in_button.isEnabled)  # the lock check answered
    enter_pin(finger, pad, PIN)
    finger.wait(lambda: window.stack.currentWidget() is navigator.official.dashboard)
    banner = navigator.official.dashboard.banner
    finger.wait(banner.isVisible)
    finger.tap(banner.take)
    frame = navigator.wizard.frames[2]
    finger.wait(lambda: window.stack.currentWidget() is frame)
    assert navigator.wizard.index == 2
    assert residents.card_read(screen, CCCD_NAME)  # where the resident stopped, as they left it
    assert navigator.wizard.state.assisted_by == HELPER
    taken = backend.office.help_calls.open_calls()[0]
    assert (taken.state, taken.taken_by) == ("taken", "CB-012")
    entry = backend.office.audit.entries(1)[0]
    assert (entry.action, entry.actor, entry.target) == ("takeover", "CB-012", str(call.id))

    residents.applicant_by_scanner(finger, navigator, "0912345678")
    residents.birth_form(finger, navigator)
    residents.birth_documents(finger, navigator, camera=False)
    code = residents.finish(finger, window, navigator)
    detail = backend.queue.find(code)
    assert detail is not None and detail.payload["NguoiHoTro"] == WIRE
    assert detail.payload["ChuHoSo"]["HoTen"] == CCCD_NAME

    finger.tap_text(window, "Về trang chủ")  # the filing is over: the call is answered
    finger.tap(navigator.rating.skip)
    assert window.stack.currentWidget() is navigator.official.dashboard
    finger.wait(lambda: not backend.office.help_calls.open_calls())
    finger.wait(lambda: not banner.isVisible())
    assert "help_close" in actions(backend)
