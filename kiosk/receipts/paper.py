"""Paper sizes the slip is laid out for, and the bundled fonts it is set in."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kiosk.domain.errors import ValidationError
from kiosk.paths import resource

REGULAR = "NotoSans"
BOLD = "NotoSans-Bold"

# A thermal head prints 8 dots per mm (203 dpi); 576 dots = 72 mm on an 80 mm roll.
THERMAL_DOT = 0.125 * mm

EMBEDDING = threading.Lock()
"""Held while a PDF embedding the bundled fonts is written out.

reportlab's TrueType face reads its glyph table through one shared cursor, so
two threads subsetting it at once read each other's glyphs: an IndexError, or
worse a wrong glyph printed without a word. A seal (tờ khai, runner thread)
can meet a slip being printed; they take turns here.
"""


@dataclass(frozen=True)
class PaperSpec:
    name: str
    width: float  # points
    height: float | None  # points; None: as tall as the content (a roll)
    margin_x: float
    margin_y: float
    body: float  # font sizes in points
    small: float
    heading: float
    title: float
    code_max: float
    qr_size: float
    barcode_height: float
    barcode_full_width: bool  # a roll's unprinted edges serve as the quiet zone
    wide: bool  # room to set the QR beside the code
    dot: float | None = None  # printer dot to snap barcode modules to, if known

    @property
    def frame_width(self) -> float:
        return self.width - 2 * self.margin_x


PAPERS: dict[str, PaperSpec] = {
    "80mm": PaperSpec(
        name="80mm", width=72 * mm, height=None, margin_x=2 * mm, margin_y=3 * mm,
        body=9, small=8, heading=9.5, title=11, code_max=18, qr_size=32 * mm,
        barcode_height=11 * mm, barcode_full_width=True, wide=False, dot=THERMAL_DOT,
    ),
    "a5": PaperSpec(
        name="a5", width=A5[0], height=A5[1], margin_x=12 * mm, margin_y=8 * mm,
        body=10, small=8.5, heading=10.5, title=13, code_max=22, qr_size=30 * mm,
        barcode_height=11 * mm, barcode_full_width=False, wide=True,
    ),
    "a4": PaperSpec(
        name="a4", width=A4[0], height=A4[1], margin_x=18 * mm, margin_y=15 * mm,
        body=12, small=10, heading=12.5, title=16, code_max=26, qr_size=42 * mm,
        barcode_height=14 * mm, barcode_full_width=False, wide=True,
    ),
}

_MESSAGES = {"paper": "Khổ giấy '{paper}' không được hỗ trợ (chỉ 80mm, a5, a4)."}


def paper_spec(paper: str) -> PaperSpec:
    """The spec for "80mm", "a5" or "a4" (case-insensitive)."""
    spec = PAPERS.get(paper.strip().lower())
    if spec is None:
        raise ValidationError("paper", _MESSAGES["paper"].format(paper=paper), field="paper")
    return spec


@cache
def register_fonts() -> None:
    """Register the bundled Noto Sans with reportlab, once per process.

    Embedded TrueType is the only way Vietnamese diacritics survive every
    printer: a printer's own code page would mangle them (DOMAIN §9).
    """
    pdfmetrics.registerFont(TTFont(REGULAR, str(resource("fonts", "NotoSans-Regular.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(resource("fonts", "NotoSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )
