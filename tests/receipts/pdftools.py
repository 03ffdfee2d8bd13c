"""Reading a receipt back the way a person or a scanner would: its text, its codes."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape

import pytest
import zxingcpp
from PIL import Image, ImageOps

from kiosk.receipts.raster import GreyPage, rasterize_pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is not installed",
)

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True, timeout=30)
    return done.stdout.decode("utf-8")


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    page_width: float
    page_height: float


def pdf_words(pdf: bytes) -> list[Word]:
    """Every word with its box, in points, as pdftotext -bbox reports it."""
    done = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True, timeout=30)
    words = []
    for page in re.split(r"(?=<page )", done.stdout.decode("utf-8"))[1:]:
        size = _PAGE.match(page)
        assert size is not None
        for x0, y0, x1, y1, text in _WORD.findall(page):
            words.append(Word(unescape(text), float(x0), float(y0), float(x1), float(y1),
                              float(size[1]), float(size[2])))
    return words


def grey_image(page: GreyPage, border: int = 0) -> Image.Image:
    image = Image.frombytes("L", (page.width, page.height), page.pixels)
    # A roll's barcode spans the printable width; the paper's unprinted edge
    # is its quiet zone, which a page raster does not show: add it back.
    return ImageOps.expand(image, border=border, fill=255) if border else image


def decode_codes(pdf: bytes, dpi: int = 300) -> list[tuple[str, str]]:
    """(format, text) of every barcode on every page of ``pdf`` rendered at ``dpi``."""
    found = []
    for page in rasterize_pdf(pdf, dpi=dpi):
        for result in zxingcpp.read_barcodes(grey_image(page, border=dpi // 10)):
            found.append((result.format.name, result.text))
    return found


def decode_image(image: Image.Image) -> list[tuple[str, str]]:
    return [(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)]
