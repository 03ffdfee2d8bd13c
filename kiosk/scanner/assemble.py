"""Pages in, one PDF per document component out: bounded size, readable text, hashed.

Each page image is JPEG-encoded at the highest quality that fits the per-page
budget (300 KB for an A4 page at 200 dpi gray); if even a low quality does not
fit, the image is scaled down step by step.  The page is laid out at the
image's own size at ``dpi``, so a 200 dpi A4 image makes an A4 PDF page.
reportlab embeds the JPEG bytes unchanged (DCTDecode) but wraps them in
ASCII85, which adds a quarter; the JPEG's own budget is cut to match rather
than changing reportlab's process-wide ``rl_config``, which the receipt printer
shares.  ``invariant`` output makes the same pages give the same bytes and hash.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from kiosk.domain.errors import error_from_table
from kiosk.scanner.arrays import Frame, u8
from kiosk.scanner.errors import CaptureError

MESSAGES: dict[str, str] = {
    "no_pages": "Chưa có trang nào để ghép thành tệp.",
    "page_too_big": "Không thu nhỏ được trang {number} cho vừa dung lượng cho phép.",
}

PAGE_BUDGET = 300_000
_A85_GROWTH = 1.25  # ASCII85 writes 5 characters for every 4 bytes
_PAGE_OVERHEAD = 2_000  # page object, content stream, image dictionary
_QUALITIES = (85, 75, 65, 55, 45, 38, 30)
_MIN_SIDE = 300
POINTS_PER_INCH = 72


@dataclass(frozen=True)
class AssembledPdf:
    """A finished document: the PDF bytes, its page count and SHA-256 (hex)."""

    data: bytes
    page_count: int
    sha256: str


def fit_jpeg(page: Frame, budget: int = PAGE_BUDGET, *, number: int = 1) -> tuple[bytes, float]:
    """The page as JPEG within ``budget`` bytes, and the scale it had to be shrunk by."""
    scale = 1.0
    image = page
    while True:
        for quality in _QUALITIES:
            ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality,
                                                      cv2.IMWRITE_JPEG_OPTIMIZE, 1])
            if ok and len(encoded) <= budget:
                return encoded.tobytes(), scale
        if min(image.shape[:2]) * 0.8 < _MIN_SIDE:
            break
        scale *= 0.8
        image = u8(cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    raise error_from_table(CaptureError, MESSAGES, "page_too_big", number=number)


def assemble_pdf(
    pages: Sequence[Frame], *, dpi: int = 200, page_budget: int = PAGE_BUDGET,
    title: str = "",
) -> AssembledPdf:
    """One PDF of ``pages`` in order (gray or BGR images), each within ``page_budget``."""
    if not pages:
        raise error_from_table(CaptureError, MESSAGES, "no_pages")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True, pageCompression=1)
    pdf.setTitle(title)
    for number, page in enumerate(pages, start=1):
        jpeg_budget = int((page_budget - _PAGE_OVERHEAD) / _A85_GROWTH)
        jpeg, _scale = fit_jpeg(page, jpeg_budget, number=number)
        # The page keeps its physical size when the image had to shrink.
        width = page.shape[1] / dpi * POINTS_PER_INCH
        height = page.shape[0] / dpi * POINTS_PER_INCH
        pdf.setPageSize((width, height))
        pdf.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=width, height=height)
        pdf.showPage()
    pdf.save()
    data = buffer.getvalue()
    return AssembledPdf(data, len(pages), hashlib.sha256(data).hexdigest())
