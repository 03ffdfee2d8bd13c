"""Done screen: the code in red, the appointment, the receipt printed (or not), then home."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.config import Config, PaymentConfig, SessionConfig
from kiosk.domain.draft import Applicant, Delivery, Draft, DraftDocument, Payment
from kiosk.domain.forms import validate_form
from kiosk.receipts.errors import PrintError
from kiosk.receipts.service import ReceiptPrinter
from kiosk.store.records import QueuedDossier
from kiosk.ui.context import UiServices
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.done import DoneScreen
from tests.support.kiosk import Kiosk, open_kiosk, tiny_pdf
from tests.ui.conftest import RecordingPrinter

pytestmark = pytest.mark.gui

BANK = PaymentConfig(bank_bin="970403", account="0011012345678", account_name="UBND XA CONG LAC")
CONFIG = Config(payment=BANK)  # the default 60 s before going home


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Kiosk]:
    kiosk = open_kiosk(tmp_path / "kiosk", CONFIG)
    yield kiosk
    kiosk.close()


def build_done(qtbot: QtBot, site: Kiosk, printer: RecordingPrinter, runner: BackgroundRunner,
               config: Config = CONFIG, tick_ms: int = 1000,
               folder: Path | None = None) -> DoneScreen:
    receipts = ReceiptPrinter(config, printer, folder)
    services = UiServices(config, site.catalogue, site.queue, site.submitter, site.clock,
                          print_receipt=receipts.print, office=site.office)
    screen = DoneScreen(services, runner, tick_ms=tick_ms)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    return screen


@pytest.fixture
def runner() -> Iterator[BackgroundRunner]:
    runner = BackgroundRunner()
    yield runner
    runner.shutdown()  # the screens that asked are deleted after the test


@pytest.fixture
def done(qtbot: QtBot, site: Kiosk, printer: RecordingPrinter,
         runner: BackgroundRunner) -> DoneScreen:
    return build_done(qtbot, site, printer, runner)


def decoded(screen: DoneScreen, label: QLabel | None = None) -> str:
    image = (label or screen.qr).pixmap().toImage().convertToFormat(
        QImage.Format.Format_Grayscale8)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, : image.width()]
    framed = np.pad(array, 40, constant_values=255)  # the quiet zone the screen gives it
    return str(zxingcpp.read_barcodes(framed)[0].text)


def extract_paid_online(site: Kiosk) -> QueuedDossier:
    procedure = site.catalogue.get("2.000635")
    form, problems = validate_form(procedure.fields, {
        "loai_trich_luc": "Khai sinh", "ho_ten_nguoi_co_su_kien": "Trần Minh Đức",
        "ngay_sinh_nguoi_co_su_kien": "08/03/1995", "so_ban": "2"}, site.clock().date())
    assert problems.ok, problems.errors
    applicant = Applicant("Nguyễn Thị Ánh", date(1995, 3, 8), "Nữ", "030195012345",
                          "Thôn Cộng Lạc", "0912345678")
    papers = (DraftDocument("TK", "tk.pdf", "pdf", "application/pdf", tiny_pdf("TK"), 1),)
    return site.submitter.seal(Draft(procedure, applicant, form, papers, Delivery.AT_OFFICE,
                                     None, Payment.ONLINE, site.clock()))


def test_the_code_date_and_qr_are_shown_and_the_receipt_prints(
    qtbot: QtBot, done: DoneScreen, site: Kiosk, printer: RecordingPrinter,
) -> None:
    (dossier,) = site.seal_births(1)
    done.show_dossier(dossier)
    assert done.code.text() == dossier.code
    assert done.code.objectName() == "dossierCode"
    assert done.due.text() == "Hẹn trả kết quả: 17:00 ngày 27/11/2026"
    assert decoded(done) == dossier.code
    qtbot.waitUntil(lambda: "Đã in phiếu hẹn" in done.status.text(), timeout=10_000)
    assert len(printer.printed) == 1 and printer.printed[0].startswith(b"%PDF")
    assert not done.vietqr.isVisible()  # a free procedure: nothing to pay


def test_reprint_prints_again(qtbot: QtBot, done: DoneScreen, site: Kiosk,
                              printer: RecordingPrinter) -> None:
    (dossier,) = site.seal_births(1)
    done.show_dossier(dossier)
    qtbot.waitUntil(lambda: len(printer.printed) == 1, timeout=10_000)
    qtbot.waitUntil(done.reprint.isEnabled, timeout=10_000)
    assert done.reprint.text() == "Chưa nhận được phiếu? In lại"
    qtbot.mouseClick(done.reprint, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(printer.printed) == 2, timeout=10_000)


@pytest.mark.logs_errors
def test_a_print_failure_keeps_the_code_and_sends_to_an_official(
    qtbot: QtBot, done: DoneScreen, site: Kiosk, printer: RecordingPrinter,
) -> None:
    printer.fail_with = PrintError("printer_refused", "Máy in không nhận lệnh in.")
    (dossier,) = site.seal_births(1)
    done.show_dossier(dossier)
    qtbot.waitUntil(lambda: "Chưa in được" in done.status.text(), timeout=10_000)
    assert "quầy Một cửa" in done.status.text()
    assert done.code.text() == dossier.code
    assert done.reprint.isEnabled()


def test_an_online_fee_shows_its_vietqr(qtbot: QtBot, done: DoneScreen, site: Kiosk) -> None:
    done.show_dossier(extract_paid_online(site))
    qtbot.waitUntil(done.vietqr.isVisible, timeout=10_000)
    assert "16.000 đ" in done.pay.text()


def test_it_goes_home_by_itself_and_forgets_the_code(
    qtbot: QtBot, site: Kiosk, printer: RecordingPrinter, runner: BackgroundRunner,
) -> None:
    quick = replace(CONFIG, session=SessionConfig(done_return_seconds=3))
    done = build_done(qtbot, site, printer, runner, quick, tick_ms=10)
    (dossier,) = site.seal_births(1)
    with qtbot.waitSignal(done.home_requested, timeout=10_000):
        done.show_dossier(dossier)
        assert done.returning.text() == "Tự động về trang chủ sau 3 giây."
    assert done.code.text() == "" and done.due.text() == ""
    assert done.qr.pixmap().isNull()


def test_the_home_button_goes_home(qtbot: QtBot, done: DoneScreen, site: Kiosk) -> None:
    (dossier,) = site.seal_births(1)
    done.show_dossier(dossier)
    home = next(b for b in done.findChildren(type(done.reprint)) if b.text() == "Về trang chủ")
    with qtbot.waitSignal(done.home_requested, timeout=2_000):
        qtbot.mouseClick(home, Qt.MouseButton.LeftButton)
    assert done.code.text() == ""


def test_a_late_print_answer_does_not_touch_the_next_resident(
    qtbot: QtBot, done: DoneScreen, site: Kiosk, printer: RecordingPrinter,
) -> None:
    first, second = site.seal_births(2)
    done.show_dossier(first)
    done.show_dossier(second)
    qtbot.waitUntil(lambda: len(printer.printed) == 2, timeout=10_000)
    assert done.code.text() == second.code


def test_a_kiosk_without_a_printer_says_where_the_slip_was_saved(
    qtbot: QtBot, backend: Kiosk, tmp_path: Path
) -> None:
    folder = tmp_path / "receipts"
    saver = ReceiptPrinter(backend.runtime.config, lambda _pdf: None, folder)
    services = UiServices(backend.runtime.config, backend.catalogue, backend.queue,
                          backend.submitter, backend.clock, print_receipt=saver.print,
                          office=backend.office)
    runner = BackgroundRunner()
    done = DoneScreen(services, runner)
    qtbot.addWidget(done)
    (dossier,) = backend.seal_births(1)
    done.show_dossier(dossier)
    qtbot.waitUntil(lambda: "tệp PDF" in done.status.text(), timeout=20_000)
    assert str(folder / f"{dossier.code}.pdf") in done.status.text()
    assert (folder / f"{dossier.code}.pdf").read_bytes().startswith(b"%PDF")
    runner.shutdown()


def test_without_a_printer_the_saved_slip_itself_is_shown_with_its_qr(
    qtbot: QtBot, site: Kiosk, printer: RecordingPrinter, runner: BackgroundRunner,
    tmp_path: Path,
) -> None:
    done = build_done(qtbot, site, printer, runner, folder=tmp_path / "receipts")
    (dossier,) = site.seal_births(1)
    done.show_dossier(dossier)
    qtbot.waitUntil(done.receipt.isVisible, timeout=10_000)
    assert (tmp_path / "receipts" / f"{dossier.code}.pdf").is_file()
    assert "phiếu hẹn đã được lưu thành tệp PDF, hiện ở bên phải" in done.status.text()
    assert not done.qr.isVisible()  # the slip's own QR stands in its place
    assert decoded(done, done.receipt) == dossier.code
    assert done.receipt.width() >= 300 and done.receipt.pixmap().height() >= 300
    done.clear()
    assert not done.receipt.isVisible() and done.qr.isVisible()


def test_a_print_answer_still_on_its_way_at_shutdown_is_dropped_and_the_screen_can_go(
    qapp: QApplication, site: Kiosk, printer: RecordingPrinter, runner: BackgroundRunner,
) -> None:
    services = UiServices(CONFIG, site.catalogue, site.queue, site.submitter, site.clock,
                          print_receipt=ReceiptPrinter(CONFIG, printer).print,
                          office=site.office)
    done = DoneScreen(services, runner)  # deleted here, as the window's deletion does at exit
    (dossier,) = site.seal_births(1)
    done.show_dossier(dossier)
    assert runner.shutdown()  # the slip is printed; its answer waits for the event loop
    assert len(printer.printed) == 1
    done.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    qapp.processEvents()  # an answer reaching the deleted screen would raise here
    runner.submit(lambda: printer(b"late"), print, print)
    assert runner.wait() and len(printer.printed) == 1  # nothing runs after shutdown
