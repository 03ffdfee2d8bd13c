"""Printing the receipt slip: Qt print support for ordinary printers, raw ESC/POS for thermal ones.

No dialog is ever shown: the kiosk prints to the configured printer or the
system default.  The PDF's pages are rendered to grey images at the printer's
resolution (capped at 300 dpi, plenty for a slip) by poppler's ``pdftoppm``
and painted onto a ``QPrinter``; Qt hands the job to CUPS.  QtPdf would do the
rendering in-process, but it ships as its own wheel (PySide6-Pdf) since Qt
6.8, and pdftoppm is needed for the thermal raster anyway.

Everything here blocks (rendering, the spooler): call it from a background
worker, never on the GUI thread.  QPainter may paint a QPrinter from any thread.
Failures raise ``PrintError`` with a Vietnamese message; the dossier is
already sealed, so the caller keeps its code on screen and offers a reprint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.config import PrinterConfig
from kiosk.receipts.errors import print_error
from kiosk.receipts.escpos import render_escpos_raster, send_raw
from kiosk.receipts.raster import GreyPage, rasterize_pdf

DEFAULT_TITLE = "Phiếu tiếp nhận hồ sơ"
MIN_DPI = 150
MAX_DPI = 300
MM_PER_INCH = 25.4


def make_printer(config: PrinterConfig) -> Callable[[bytes], None]:
    """The function that prints a slip's PDF the way ``config`` says."""
    if config.mode == "escpos-raster":
        # The 80 mm layout is 576 dots wide; other papers are scaled to the roll.
        return lambda pdf: send_raw(render_escpos_raster(pdf), config.name)
    return lambda pdf: print_pdf(pdf, config.name or None)


def command_line_printer(config: PrinterConfig) -> Callable[[bytes], None]:
    """``make_printer`` for ``kiosk receipt --print``: Qt needs an application, not a screen."""
    if QCoreApplication.instance() is None:
        QGuiApplication(["kiosk", "-platform", "offscreen"])
    return make_printer(config)


def print_pdf(pdf: bytes, printer_name: str | None, *, title: str = DEFAULT_TITLE) -> None:
    """Print every page of ``pdf`` on ``printer_name`` (None: the default), without a dialog.

    Needs a QGuiApplication (offscreen is enough, e.g. for ``kiosk receipt --print``).
    """
    if QCoreApplication.instance() is None:
        # Without one Qt aborts the whole process inside QPrinter: fail as a bug instead.
        raise RuntimeError("print_pdf needs a QGuiApplication to exist first")
    printer = open_printer(printer_name)
    printer.setDocName(title)  # the job's name in the queue (cups-pdf names its file after it)
    dpi = min(MAX_DPI, max(MIN_DPI, printer.resolution()))
    pages = rasterize_pdf(pdf, dpi=dpi)
    if not pages:
        raise print_error("empty")
    _paint(printer, pages, dpi, printer.printerName())


def open_printer(name: str | None) -> QPrinter:
    """A QPrinter on the named printer or the system default, or PrintError."""
    if name:
        info = QPrinterInfo.printerInfo(name)
        if info.isNull():
            raise print_error("printer_not_found", name=name)
    else:
        info = QPrinterInfo.defaultPrinter()
        if info.isNull():
            raise print_error("no_printer")
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    # Full page, no margins: the PDF already carries its own margins.
    printer.setFullPage(True)
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    printer.setColorMode(QPrinter.ColorMode.GrayScale)
    return printer


def _paint(printer: QPrinter, pages: Sequence[GreyPage], dpi: float, name: str) -> None:
    printer.setPageSize(_page_size(pages[0], dpi))
    painter = QPainter()
    if not painter.begin(printer):
        raise print_error("printer_refused", name=name)
    try:
        for index, page in enumerate(pages):
            if index:
                printer.setPageSize(_page_size(page, dpi))
                if not printer.newPage():
                    raise print_error("printer_refused", name=name)
            painter.drawImage(_target(printer, page), _qimage(page))
    finally:
        finished = painter.end()
    if not finished or printer.printerState() == QPrinter.PrinterState.Error:
        raise print_error("printer_refused", name=name)


def _page_size(page: GreyPage, dpi: float) -> QPageSize:
    # A5/A4 images match the standard sizes (Qt snaps near matches to them);
    # a roll slip becomes a custom size as tall as its content.
    size = QSizeF(page.width / dpi * MM_PER_INCH, page.height / dpi * MM_PER_INCH)
    return QPageSize(size, QPageSize.Unit.Millimeter, DEFAULT_TITLE)


def _target(printer: QPrinter, page: GreyPage) -> QRectF:
    """Where the page goes: as large as the paper allows, aspect kept, from the top left.

    A printer that cannot take the custom size keeps its own paper; the slip
    is then scaled to fit rather than cut.
    """
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    scale = min(paper.width() / page.width, paper.height() / page.height)
    return QRectF(0, 0, page.width * scale, page.height * scale)


def _qimage(page: GreyPage) -> QImage:
    image = QImage(page.pixels, page.width, page.height, page.width,
                   QImage.Format.Format_Grayscale8)
    return image.copy()  # detach from the Python bytes, which Qt does not own
