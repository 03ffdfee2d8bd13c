"""Whole submissions through the real window: taps, the on-screen keyboard and number pad,
a CCCD read by a USB scanner, documents from a USB stick, the declaration, the Done screen
and the printed receipt — then the wipe, the idle timeout and the error screen.
"""

from __future__ import annotations

import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.demo.scanner import FakeScanner
from kiosk.domain.states import DossierState
from kiosk.ui.errors import install_exception_hook
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from tests.support import residents
from tests.support.kiosk import Kiosk
from tests.support.residents import CCCD, CCCD_NAME
from tests.support.touch import Finger, any_text_contains, assert_nothing_left, open_window
from tests.ui.conftest import RecordingPrinter, services_for

pytestmark = pytest.mark.gui


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    return residents.usb_stick(tmp_path / "usb")


@pytest.fixture
def finger() -> Finger:
    return Finger()


@pytest.fixture
def flow(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk, printer: RecordingPrinter, usb: Path
) -> Iterator[tuple[MainWindow, Navigator]]:
    services = services_for(backend, printer, open_scanner=FakeScanner, usb_root=usb)
    window, navigator = open_window(qtbot, qapp, services)
    yield window, navigator
    navigator.shutdown()


# ---------------------------------------------------------------- the tests


def test_a_birth_registration_by_touch_ends_queued_with_a_receipt(
    finger: Finger, flow: tuple[MainWindow, Navigator], backend: Kiosk,
    printer: RecordingPrinter, tmp_path: Path,
) -> None:
    window, navigator = flow
    code = residents.birth_registration(finger, window, navigator)

    detail = backend.queue.find(code)
    assert detail is not None and detail.dossier.state is DossierState.PENDING
    assert detail.payload["ChuHoSo"]["HoTen"] == CCCD_NAME
    assert detail.payload["ChuHoSo"]["SoDienThoai"] == "0912345678"
    form_values = detail.payload["DuLieuBieuMau"]
    assert form_values["ho_ten_tre"] == unicodedata.normalize("NFC", "Nguyễn Minh Đức")
    assert form_values["quoc_tich"] == "Việt Nam"
    assert [a.component_code for a in detail.attachments] == ["TK", "GCS"]
    finger.wait(lambda: len(printer.printed) == 1, 20_000)
    slip = tmp_path / "slip.pdf"
    slip.write_bytes(printer.printed[0])
    text = subprocess.run(["pdftotext", str(slip), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert code in text and CCCD_NAME in text

    finger.tap_text(window, "Về trang chủ")
    assert window.stack.currentWidget() is navigator.rating
    finger.tap_text(window, "Bỏ qua")
    assert window.stack.currentWidget() is navigator.home
    assert_nothing_left(window, code)


def test_a_certified_copy_typed_by_hand_is_charged_by_page_and_copy(
    finger: Finger, flow: tuple[MainWindow, Navigator], backend: Kiosk
) -> None:
    window, navigator = flow
    code = residents.certified_copy(finger, window, navigator)
    detail = backend.queue.find(code)
    assert detail is not None
    assert detail.payload["ChuHoSo"]["HoTen"] == unicodedata.normalize("NFC", "Phạm Văn Hưởng")
    # 2.000 đ for pages 1–2, 1.000 đ for page 3: 5.000 đ a copy, two copies.
    assert [f["Gia"] for f in detail.payload["DanhSachLePhi"]] == [10_000]


def test_a_bad_phone_number_stops_the_step_with_a_vietnamese_message(
    finger: Finger, flow: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = flow
    residents.begin(finger, window, navigator, residents.BIRTH)
    applicant = residents.applicant(navigator)
    finger.scanner(CCCD)
    finger.wait(lambda: residents.card_read(applicant, CCCD_NAME), 5_000)
    finger.pad(applicant, "so_dien_thoai", "0123")
    finger.go_on(navigator)
    assert navigator.wizard.index == 2
    assert "điện thoại" in applicant.fields.editors["so_dien_thoai"].error.text()


def test_an_idle_timeout_wipes_everything_and_returns_home(
    finger: Finger, flow: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = flow
    residents.begin(finger, window, navigator, residents.BIRTH)
    finger.scanner(CCCD)
    finger.wait(lambda: navigator.wizard.state.applicant != {}
                or any_text_contains(window, CCCD_NAME), 5_000)
    assert navigator.idle.active
    navigator.idle.timed_out.emit()  # the timer's own behaviour is tested in test_idle
    assert window.stack.currentWidget() is navigator.home
    assert_nothing_left(window, CCCD_NAME)


class WindowsShown(QObject):
    """Every top-level window shown while installed, except ``main``."""

    def __init__(self, main: QWidget) -> None:
        super().__init__()
        self._main = main
        self.others: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Show and isinstance(watched, QWidget)
                and watched.isWindow() and watched is not self._main):
            self.others.append(f"{type(watched).__name__} {watched.objectName()}")
        return False


def test_no_screen_opens_a_window_of_its_own_so_scanned_keys_always_arrive(
    finger: Finger, qapp: QApplication, flow: tuple[MainWindow, Navigator]
) -> None:
    # A widget shown before it has a parent is a window: it takes the activation, and
    # when it is parented the kiosk's window is left inactive with no focus, so a USB
    # scanner's keys (a CCCD, a slip's code on Track) go nowhere.
    window, navigator = flow
    shown = WindowsShown(window)
    qapp.installEventFilter(shown)
    try:
        residents.birth_registration(finger, window, navigator)
        residents.done_and_home(finger, window, navigator)
        finger.tap_text(window, "Tra cứu hồ sơ")
    finally:
        qapp.removeEventFilter(shown)
    assert shown.others == []
    assert QApplication.activeWindow() is window
    assert QApplication.focusWidget() is navigator.track.code


@pytest.mark.qt_no_exception_capture
@pytest.mark.logs_errors
def test_an_unexpected_error_shows_the_friendly_page_and_wipes(
    finger: Finger, qtbot: QtBot, flow: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = flow
    uninstall = install_exception_hook(navigator.show_error)
    try:
        finger.tap_text(window, "Nộp hồ sơ")
        finger.tap(navigator.wizard.frames[0].content.cards[0])  # type: ignore[attr-defined]

        def broken() -> None:
            raise RuntimeError("a bug somewhere")

        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is navigator.error, timeout=5_000)
    finally:
        uninstall()
    text = " ".join(label.text() for label in navigator.error.findChildren(QLabel))
    assert "cán bộ" in text and "Traceback" not in text
    assert navigator.wizard.state.procedure is None
    finger.tap_text(window, "Về trang chủ")
    assert window.stack.currentWidget() is navigator.home
