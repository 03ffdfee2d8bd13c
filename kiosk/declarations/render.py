"""Painting a laid-out tờ khai onto PDF pages (reportlab's canvas), A4."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

from PIL import Image, ImageOps
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kiosk.declarations.layout import PAGE_H, PAGE_W, Box, Page
from kiosk.receipts.paper import EMBEDDING, register_fonts

log = logging.getLogger(__name__)


def paint(pages: Sequence[Page], signature_png: bytes | None, title: str,
          author: str, signature_box: int = 0) -> bytes:
    """The PDF bytes; the finger signature goes in signature box ``signature_box``."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=True, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("commune-kiosk")
    image = _image(signature_png)
    seen = 0
    for page in pages:
        for run in page.runs:
            canvas.setFont(run.font.name, run.font.size)
            canvas.drawString(run.x, run.baseline, run.text)
        _dots(canvas, page)
        for box in page.boxes:
            if box.kind == "signature":
                if image is not None and seen == signature_box:
                    canvas.drawImage(image, box.x, box.y, box.w, box.h, mask="auto",
                                     preserveAspectRatio=True, anchor="c")
                seen += 1
            else:
                _box(canvas, box)
        canvas.showPage()
    with EMBEDDING:
        canvas.save()
    return buffer.getvalue()


def _image(png: bytes | None) -> ImageReader | None:
    """The signature cropped to its ink (the pad is mostly blank), or None."""
    if not png:
        return None
    try:
        with Image.open(io.BytesIO(png)) as opened:
            rgba = opened.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba)  # transparent strokes' background is paper
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        # A broken PNG leaves the box to be signed by hand at the office.
        log.warning("signature image unreadable: %s", type(error).__name__)
        return None
    ink = ImageOps.invert(image.convert("L")).point(lambda v: 255 if v > 40 else 0).getbbox()
    if ink is None:
        return None
    margin = 6
    left, top, right, bottom = ink
    box = (max(left - margin, 0), max(top - margin, 0), min(right + margin, image.width),
           min(bottom + margin, image.height))
    return ImageReader(image.crop(box))


def _dots(canvas: Canvas, page: Page) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.9)
    canvas.setLineCap(1)
    canvas.setDash([0.01, 2.8])
    for dots in page.dots:
        canvas.line(dots.x0, dots.baseline + 0.5, dots.x1, dots.baseline + 0.5)
    canvas.restoreState()


def _box(canvas: Canvas, box: Box) -> None:
    canvas.setLineWidth(0.6)
    if box.kind == "rule":
        canvas.line(box.x, box.y, box.x + box.w, box.y)
        return
    canvas.rect(box.x, box.y, box.w, box.h)
    if box.kind == "tick":
        canvas.line(box.x + 1.5, box.y + 1.5, box.x + box.w - 1.5, box.y + box.h - 1.5)
        canvas.line(box.x + 1.5, box.y + box.h - 1.5, box.x + box.w - 1.5, box.y + 1.5)
