"""The slip's fast QR codes are reportlab's: the same modules, drawn in the same place."""

from __future__ import annotations

import io
import random
import string

import numpy as np
import pytest
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.receipts.layout import receipt_from_dossier, render_pdf
from kiosk.receipts.qr import QrFlowable, qr_matrix
from kiosk.receipts.raster import rasterize_pdf

from . import samples
from .pdftools import decode_codes, decode_image, grey_image, needs_poppler

VIETQR = ("00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
          "5303704540460005802VN62500125000.00.00.H23-261124-10010817Le phi ho so 1001"
          "63046B4F")


def payloads() -> list[str]:
    """Numeric, alphanumeric and byte data (Vietnamese too), versions 1 to about 13."""
    rnd = random.Random(13)
    alphabet = string.ascii_letters + string.digits + " .,-/:&<>ăâđêôơưỳẠỆ"
    values = [samples.CODE, VIETQR, "0", "HELLO WORLD", "Nguyễn Thị Ánh"]
    values += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 320)))
               for _ in range(24)]
    values += [str(rnd.randrange(10 ** rnd.randint(1, 60))) for _ in range(6)]
    values += ["".join(rnd.choice("ABCXYZ0189 $%*+-./:") for _ in range(rnd.randint(1, 300)))
               for _ in range(6)]
    return values


def reportlab_modules(value: str, level: str) -> np.ndarray:
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    code.addData(value)
    code.make()  # reportlab's own version, codewords and mask choice
    return np.array(code.modules, dtype=bool)


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_the_matrix_is_module_for_module_the_one_reportlab_encodes(level: str) -> None:
    values = payloads()
    versions = set()
    for value in values:
        expected = reportlab_modules(value, level)
        versions.add((expected.shape[0] - 17) // 4)
        assert np.array_equal(qr_matrix(value, level), expected), (level, value)
    assert max(versions) >= 7  # version information blocks are covered too


def one_code_pdf(draw: str, value: str, size: float) -> bytes:
    """A page holding one QR code at (10 mm, 10 mm), by reportlab's widget or ours."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(size + 20 * mm, size + 20 * mm), invariant=True)
    if draw == "widget":
        drawing = Drawing(size, size)
        drawing.add(QrCodeWidget(value, barLevel="M", barWidth=size, barHeight=size))
        renderPDF.draw(drawing, canvas, 10 * mm, 10 * mm)
    else:
        QrFlowable(value, size).drawOn(canvas, 10 * mm, 10 * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def ink(pdf: bytes, dpi: int) -> np.ndarray:
    page = rasterize_pdf(pdf, dpi=dpi)[0]
    return np.frombuffer(page.pixels, dtype=np.uint8).reshape(page.height, page.width) < 128


def near_an_edge(image: np.ndarray) -> np.ndarray:
    """Pixels within one pixel (8-neighbourhood) of a pixel whose 4-neighbour differs."""
    height, width = image.shape
    padded = np.pad(image, 1, mode="edge")
    centre = padded[1:-1, 1:-1]
    edge = ((centre != padded[:-2, 1:-1]) | (centre != padded[2:, 1:-1])
            | (centre != padded[1:-1, :-2]) | (centre != padded[1:-1, 2:]))
    grown = np.pad(edge, 1)
    near = np.zeros_like(edge)
    for dy in range(3):
        for dx in range(3):
            near |= grown[dy:dy + height, dx:dx + width]
    return np.asarray(near, dtype=bool)


@needs_poppler
@pytest.mark.parametrize(("value", "size_mm"), [(samples.CODE, 32), (VIETQR, 35.2)])
@pytest.mark.parametrize("dpi", [203, 600])
def test_the_one_path_code_prints_where_the_widget_printed_it(
    value: str, size_mm: float, dpi: int
) -> None:
    widget = ink(one_code_pdf("widget", value, size_mm * mm), dpi)
    ours = ink(one_code_pdf("path", value, size_mm * mm), dpi)
    assert widget.shape == ours.shape
    differing = widget != ours
    # Only antialiasing at module edges may differ: every differing pixel sits on
    # an edge of the widget's print, and hardly any do.
    assert not (differing & ~near_an_edge(widget)).any()
    assert differing.sum() < 0.05 * widget.sum()


@needs_poppler
@pytest.mark.parametrize("dpi", [203, 300])
def test_both_codes_of_the_roll_slip_decode_to_their_payloads(dpi: int) -> None:
    data = receipt_from_dossier(samples.detail(), samples.config(bank=True))
    assert data.vietqr is not None
    found = sorted(text for fmt, text in decode_codes(render_pdf(data, "80mm"), dpi=dpi)
                   if fmt == "QRCode")
    assert found == sorted([data.code, data.vietqr])


@needs_poppler
def test_a_drawn_code_reads_back_alone() -> None:
    page = rasterize_pdf(one_code_pdf("path", VIETQR, 35.2 * mm), dpi=203)[0]
    assert decode_image(grey_image(page)) == [("QRCode", VIETQR)]
