"""Real printing: Qt print support → a private cupsd → cups-pdf, and raw ESC/POS through CUPS.

Needs the packages cups, cups-client, printer-driver-cups-pdf and poppler-utils,
and root (cups-pdf is a root-only backend).  Skipped, with the reason, only
when those are missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import QApplication

from kiosk.config import PrinterConfig
from kiosk.receipts.errors import PrintError
from kiosk.receipts.escpos import render_escpos_raster
from kiosk.receipts.layout import receipt_from_dossier, render_pdf
from kiosk.ui.printing import make_printer, print_pdf

from . import samples
from .cups import PrivateCups, RawReceiver, missing_requirements
from .pdftools import decode_codes

PDF_QUEUE = "kiosk-test-pdf"
RAW_QUEUE = "kiosk-test-raw"


@pytest.fixture(scope="module")
def cups() -> Iterator[PrivateCups]:
    reason = missing_requirements()
    if reason:
        pytest.skip(f"real CUPS printing test: {reason}")
    server = PrivateCups()
    with pytest.MonkeyPatch.context() as env:
        # libcups (inside Qt, lp and lpstat) finds the scheduler through this variable.
        env.setenv("CUPS_SERVER", str(server.socket))
        env.delenv("PRINTER", raising=False)
        env.delenv("LPDEST", raising=False)
        try:
            server.start()
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def pdf_out(cups: PrivateCups) -> Path:
    return cups.add_pdf_queue(PDF_QUEUE)


@pytest.fixture
def printers(qapp: QApplication, pdf_out: Path) -> Path:
    # libcups reads CUPS_SERVER once per thread; if something in this process
    # asked the system scheduler first, say so instead of failing obscurely.
    if PDF_QUEUE not in QPrinterInfo.availablePrinterNames():
        pytest.fail("Qt does not see the private CUPS queue: libcups was already "
                    "connected to another scheduler in this process")
    for old in pdf_out.iterdir():
        old.unlink()
    return pdf_out


def slip(paper: str) -> bytes:
    return render_pdf(receipt_from_dossier(samples.detail(), samples.config(bank=False)), paper)


def printed_file(cups: PrivateCups, out: Path) -> Path:
    cups.wait_for_jobs()
    produced = sorted(out.rglob("*.pdf"))
    assert len(produced) == 1, f"cups-pdf produced {produced}\n{cups.error_log()}"
    return produced[0]


def pdf_title(path: Path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return next(line.split(":", 1)[1].strip() for line in info.stdout.splitlines()
                if line.startswith("Title:"))


@pytest.mark.parametrize("paper", ["80mm", "a5"])
def test_a_receipt_printed_through_cups_carries_the_dossier_code(
    cups: PrivateCups, printers: Path, paper: str
) -> None:
    print_pdf(slip(paper), PDF_QUEUE, title=samples.CODE)
    produced = printed_file(cups, printers)
    # The printed page is an image, so the code is read back the way the
    # kiosk's scanner reads it: from the QR and the barcode.
    codes = decode_codes(produced.read_bytes())
    assert sorted(codes) == [("Code128", samples.CODE), ("QRCode", samples.CODE)]
    assert samples.CODE in pdf_title(produced)


def test_the_configured_printer_prints_through_the_same_path(
    cups: PrivateCups, printers: Path
) -> None:
    make_printer(PrinterConfig(name=PDF_QUEUE, mode="system"))(slip("80mm"))
    produced = printed_file(cups, printers)
    assert ("QRCode", samples.CODE) in decode_codes(produced.read_bytes())


def test_an_unknown_printer_fails_with_a_vietnamese_message(printers: Path) -> None:
    with pytest.raises(PrintError) as caught:
        print_pdf(slip("80mm"), "khong-co-may-in", title=samples.CODE)
    assert caught.value.code == "printer_not_found"
    assert "Không tìm thấy máy in 'khong-co-may-in'" in caught.value.message


def test_no_default_printer_fails_cleanly(printers: Path) -> None:
    assert not QPrinterInfo.defaultPrinter().printerName()
    with pytest.raises(PrintError) as caught:
        print_pdf(slip("80mm"), None)
    assert caught.value.code == "no_printer"
    assert os.listdir(printers) == []


def test_escpos_raster_goes_through_a_raw_cups_queue_byte_for_byte(cups: PrivateCups) -> None:
    printer = RawReceiver()
    cups.add_socket_queue(RAW_QUEUE, printer)
    try:
        make_printer(PrinterConfig(name=RAW_QUEUE, mode="escpos-raster"))(slip("80mm"))
        assert printer.wait() == render_escpos_raster(slip("80mm"))
        cups.wait_for_jobs()
    finally:
        printer.close()
        cups.lpadmin("-x", RAW_QUEUE)


def test_printing_without_a_qt_application_is_refused_not_aborted() -> None:
    # Run apart: the test session's own QApplication must not exist there.
    code = ("from kiosk.ui.printing import print_pdf\n"
            "try:\n    print_pdf(b'%PDF', None)\n"
            "except RuntimeError as exc:\n    print('refused:', exc)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0 and "refused: print_pdf needs a QGuiApplication" in done.stdout
