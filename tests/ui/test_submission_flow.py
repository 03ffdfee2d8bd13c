"""Whole submissions through the real window: taps, the on-screen keyboard and number pad,
a CCCD read by a USB scanner, documents from a USB stick, the declaration, the Done screen
and the printed receipt — then the wipe, the idle timeout and the error screen.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.app import build_window
from kiosk.domain.states import DossierState
from kiosk.receipts.service import ReceiptPrinter
from kiosk.scanner.sane import FakeScanner
from kiosk.ui.context import UiServices
from kiosk.ui.errors import install_exception_hook
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.applicant import ApplicantScreen
from kiosk.ui.screens.documents import DocumentsScreen
from kiosk.ui.screens.form import FormScreen
from tests.support.kiosk import Kiosk
from tests.ui.conftest import RecordingPrinter

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CCCD = ("030195012345||Nguyễn Thị Ánh|08031995|Nữ|"
        "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng|15082021")


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    root = tmp_path / "usb"
    root.mkdir()
    for name in ("to-khai-khai-sinh.pdf", "giay-chung-sinh.png", "ban-chinh.png"):
        shutil.copy(EXAMPLES / "files" / name, root / name)
    return root


@pytest.fixture
def flow(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk, printer: RecordingPrinter, usb: Path
) -> Iterator[tuple[MainWindow, Navigator]]:
    receipts = ReceiptPrinter(backend.runtime.config, printer)
    services = UiServices(backend.runtime.config, backend.catalogue, backend.queue,
                          backend.submitter, backend.clock, print_receipt=receipts.print,
                          open_scanner=FakeScanner, usb_root=usb)
    window, navigator = build_window(qapp, services, windowed=True)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window, navigator
    navigator.shutdown()


# ---------------------------------------------------------------- a finger on the screen


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tap_text(qtbot: QtBot, parent: QWidget, text: str) -> None:
    found = [b for b in parent.findChildren(QPushButton) if b.isVisible() and b.text() == text]
    assert found, f"no visible button {text!r}"
    tap(qtbot, found[0])


def go_on(qtbot: QtBot, navigator: Navigator) -> None:
    tap(qtbot, navigator.wizard.frames[navigator.wizard.index].next_button)


def usb_scanner(text: str) -> None:
    """A QR scanner in keyboard mode: one key event per character, then Enter."""
    for char in [*text, "\r"]:
        key = Qt.Key.Key_Return if char == "\r" else Qt.Key.Key_unknown
        target = QApplication.focusWidget() or QApplication.activeWindow()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                     char))


def keyboard(qtbot: QtBot, screen: ApplicantScreen | FormScreen, name: str, *keys: str) -> None:
    tap(qtbot, screen.fields.editors[name].editor)
    for key in (*keys, "done"):
        tap(qtbot, screen.dock.keyboard.key(key))


def pad(qtbot: QtBot, screen: ApplicantScreen | FormScreen, name: str, digits: str) -> None:
    tap(qtbot, screen.fields.editors[name].editor)
    for key in (*digits, "done"):
        tap(qtbot, screen.dock.pad.key(key))


def choose(
    qtbot: QtBot, screen: ApplicantScreen | FormScreen, name: str, choice: str
) -> None:
    tap(qtbot, screen.fields.editors[name].choices[choice])


def from_usb(qtbot: QtBot, documents: DocumentsScreen, code: str, file_name: str) -> None:
    tap_text(qtbot, documents.rows[code], "Từ USB")
    assert documents.usb is not None
    qtbot.waitUntil(lambda: any(file_name in b.text()
                                for b in documents.usb.findChildren(QPushButton)), timeout=10_000)
    (button,) = [b for b in documents.usb.findChildren(QPushButton) if file_name in b.text()]
    tap(qtbot, button)
    qtbot.waitUntil(lambda: documents.rows[code].tile_count() == 1
                    and all(p.jobs == 0 for p in documents._papers.values()), timeout=10_000)


def submit_and_wait(qtbot: QtBot, window: MainWindow, navigator: Navigator) -> str:
    declaration = navigator.wizard.frames[7].content
    tap(qtbot, declaration.declare)  # type: ignore[attr-defined]
    go_on(qtbot, navigator)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is navigator.done, timeout=20_000)
    code_label = navigator.done.findChild(QLabel, "dossierCode")
    assert code_label is not None
    return str(code_label.text())


# ---------------------------------------------------------------- the tests


def test_a_birth_registration_by_touch_ends_queued_with_a_receipt(
    qtbot: QtBot, flow: tuple[MainWindow, Navigator], backend: Kiosk,
    printer: RecordingPrinter, tmp_path: Path,
) -> None:
    window, navigator = flow
    tap_text(qtbot, window, "Nộp hồ sơ")
    wizard = navigator.wizard
    (card,) = [c for c in wizard.frames[0].content.cards  # type: ignore[attr-defined]
               if c.procedure.code == "1.001193"]
    tap(qtbot, card)
    assert wizard.index == 1  # the details of Đăng ký khai sinh
    go_on(qtbot, navigator)

    applicant = wizard.frames[2].content
    assert isinstance(applicant, ApplicantScreen)
    usb_scanner(CCCD)
    qtbot.waitUntil(lambda: applicant.fields.editors["ho_ten"].value() == "Nguyễn Thị Ánh",
                    timeout=5_000)
    pad(qtbot, applicant, "so_dien_thoai", "0912345678")
    go_on(qtbot, navigator)

    form = wizard.frames[3].content
    assert isinstance(form, FormScreen)
    keyboard(qtbot, form, "ho_ten_tre", "shift", *"tran", "circumflex", "huyen", "space",
             "shift", *"minh", "space", "shift", *"duc", "stroke", "horn", "sac")
    pad(qtbot, form, "ngay_sinh", "20112026")
    choose(qtbot, form, "gioi_tinh", "Nam")
    keyboard(qtbot, form, "noi_sinh", "shift", *"tram", "space", *"y", "space", *"te")
    keyboard(qtbot, form, "dan_toc", "shift", *"kinh")
    keyboard(qtbot, form, "quoc_tich", "shift", *"viet", "circumflex", "nang", "space",
             "shift", *"nam")
    keyboard(qtbot, form, "ho_ten_me", "shift", *"nguyen", "circumflex", "nga", "space",
             "shift", *"thi", "nang", "space", "shift", *"anh", "sac")
    choose(qtbot, form, "quan_he_nguoi_khai", "Mẹ")
    go_on(qtbot, navigator)

    documents = wizard.frames[4].content
    assert isinstance(documents, DocumentsScreen)
    from_usb(qtbot, documents, "TK", "to-khai-khai-sinh.pdf")
    from_usb(qtbot, documents, "GCS", "giay-chung-sinh.png")
    go_on(qtbot, navigator)
    go_on(qtbot, navigator)  # result at the office, fee at the office (it is free)
    assert wizard.index == 6
    go_on(qtbot, navigator)  # the review
    code = submit_and_wait(qtbot, window, navigator)

    detail = backend.queue.find(code)
    assert detail is not None and detail.dossier.state is DossierState.PENDING
    assert detail.payload["ChuHoSo"]["HoTen"] == "Nguyễn Thị Ánh"
    assert detail.payload["ChuHoSo"]["SoDienThoai"] == "0912345678"
    form_values = detail.payload["DuLieuBieuMau"]
    assert form_values["ho_ten_tre"] == unicodedata.normalize("NFC", "Trần Minh Đức")
    assert form_values["quoc_tich"] == "Việt Nam"
    assert [a.component_code for a in detail.attachments] == ["TK", "GCS"]
    qtbot.waitUntil(lambda: len(printer.printed) == 1, timeout=20_000)
    slip = tmp_path / "slip.pdf"
    slip.write_bytes(printer.printed[0])
    text = subprocess.run(["pdftotext", str(slip), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert code in text and "Nguyễn Thị Ánh" in text

    tap_text(qtbot, window, "Về trang chủ")
    assert window.stack.currentWidget() is navigator.home
    assert_nothing_left(window, code)


def test_a_certified_copy_typed_by_hand_is_charged_by_page_and_copy(
    qtbot: QtBot, flow: tuple[MainWindow, Navigator], backend: Kiosk
) -> None:
    window, navigator = flow
    tap_text(qtbot, window, "Nộp hồ sơ")
    wizard = navigator.wizard
    (card,) = [c for c in wizard.frames[0].content.cards  # type: ignore[attr-defined]
               if c.procedure.code == "2.000815"]
    tap(qtbot, card)
    go_on(qtbot, navigator)
    applicant = wizard.frames[2].content
    assert isinstance(applicant, ApplicantScreen)
    keyboard(qtbot, applicant, "ho_ten", "shift", *"pham", "nang", "space", "shift",
             *"van", "breve", "space", "shift", *"huong", "horn", "hoi")
    pad(qtbot, applicant, "ngay_sinh", "12061958")
    choose(qtbot, applicant, "gioi_tinh", "Nam")
    pad(qtbot, applicant, "so_dinh_danh", "030058004321")
    keyboard(qtbot, applicant, "dia_chi", "shift", *"thon", "space", "shift", *"dong")
    pad(qtbot, applicant, "so_dien_thoai", "0387654321")
    go_on(qtbot, navigator)
    form = wizard.frames[3].content
    assert isinstance(form, FormScreen)
    keyboard(qtbot, form, "ten_giay_to", "shift", *"bang", "space", *"tot", "space",
             *"nghiep")
    pad(qtbot, form, "so_trang", "3")
    pad(qtbot, form, "so_ban", "2")
    go_on(qtbot, navigator)
    documents = wizard.frames[4].content
    assert isinstance(documents, DocumentsScreen)
    from_usb(qtbot, documents, "BC", "ban-chinh.png")
    for _ in range(3):
        go_on(qtbot, navigator)
    code = submit_and_wait(qtbot, window, navigator)
    detail = backend.queue.find(code)
    assert detail is not None
    assert detail.payload["ChuHoSo"]["HoTen"] == unicodedata.normalize("NFC", "Phạm Văn Hưởng")
    # 2.000 đ for pages 1–2, 1.000 đ for page 3: 5.000 đ a copy, two copies.
    assert [f["Gia"] for f in detail.payload["DanhSachLePhi"]] == [10_000]


def test_a_bad_phone_number_stops_the_step_with_a_vietnamese_message(
    qtbot: QtBot, flow: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = flow
    tap_text(qtbot, window, "Nộp hồ sơ")
    wizard = navigator.wizard
    tap(qtbot, wizard.frames[0].content.cards[0])  # type: ignore[attr-defined]
    go_on(qtbot, navigator)
    applicant = wizard.frames[2].content
    assert isinstance(applicant, ApplicantScreen)
    usb_scanner(CCCD)
    qtbot.waitUntil(lambda: applicant.fields.editors["ho_ten"].value() != "", timeout=5_000)
    pad(qtbot, applicant, "so_dien_thoai", "0123")
    go_on(qtbot, navigator)
    assert wizard.index == 2
    assert "điện thoại" in applicant.fields.editors["so_dien_thoai"].error.text()


def test_an_idle_timeout_wipes_everything_and_returns_home(
    qtbot: QtBot, flow: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = flow
    tap_text(qtbot, window, "Nộp hồ sơ")
    tap(qtbot, navigator.wizard.frames[0].content.cards[0])  # type: ignore[attr-defined]
    go_on(qtbot, navigator)
    usb_scanner(CCCD)
    qtbot.waitUntil(lambda: navigator.wizard.state.applicant != {}
                    or _any_text_contains(window, "Nguyễn Thị Ánh"), timeout=5_000)
    assert navigator.idle.active
    navigator.idle.timed_out.emit()  # the timer's own behaviour is tested in test_idle
    assert window.stack.currentWidget() is navigator.home
    assert_nothing_left(window, "Nguyễn Thị Ánh")


@pytest.mark.qt_no_exception_capture
@pytest.mark.logs_errors
def test_an_unexpected_error_shows_the_friendly_page_and_wipes(
    qtbot: QtBot, flow: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = flow
    uninstall = install_exception_hook(navigator.show_error)
    try:
        tap_text(qtbot, window, "Nộp hồ sơ")
        tap(qtbot, navigator.wizard.frames[0].content.cards[0])  # type: ignore[attr-defined]

        def broken() -> None:
            raise RuntimeError("a bug somewhere")

        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is navigator.error, timeout=5_000)
    finally:
        uninstall()
    text = " ".join(label.text() for label in navigator.error.findChildren(QLabel))
    assert "cán bộ" in text and "Traceback" not in text
    assert navigator.wizard.state.procedure is None
    tap_text(qtbot, window, "Về trang chủ")
    assert window.stack.currentWidget() is navigator.home


def _any_text_contains(window: MainWindow, needle: str) -> bool:
    texts = [w.text() for w in window.findChildren(QLineEdit)]
    texts += [w.toPlainText() for w in window.findChildren(QPlainTextEdit)]
    texts += [w.text() for w in window.findChildren(QLabel)]
    return any(needle in t for t in texts)


def assert_nothing_left(window: MainWindow, *needles: str) -> None:
    """No widget anywhere in the window still shows the previous resident's data."""
    for needle in needles:
        assert not _any_text_contains(window, needle), needle
    assert all(not w.text() for w in window.findChildren(QLineEdit))
    assert all(not w.toPlainText() for w in window.findChildren(QPlainTextEdit))
