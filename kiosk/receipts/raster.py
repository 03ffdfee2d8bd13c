"""PDF pages to grey images, through poppler's ``pdftoppm`` in a subprocess.

Why pdftoppm: reportlab's own bitmap renderer needs a C extension that is not
installed, and Qt's PDF module is a separate wheel that ``kiosk/receipts``
could not import anyway (Qt stays in ``kiosk/ui``).  poppler-utils is a
system package on every Linux kiosk image; the subprocess has a timeout so a
stuck renderer cannot hang printing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from kiosk.receipts.errors import print_error

PDFTOPPM = "pdftoppm"
RENDER_TIMEOUT_SECONDS = 30.0
# One PGM image: magic, width, height, max value, one whitespace, then the pixels.
_PGM_HEADER = re.compile(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s")


@dataclass(frozen=True)
class GreyPage:
    """One page as 8-bit grey pixels, row by row, 0 = black."""

    width: int
    height: int
    pixels: bytes


def rasterize_pdf(
    pdf: bytes,
    *,
    dpi: float | None = None,
    width_px: int | None = None,
    timeout: float = RENDER_TIMEOUT_SECONDS,
) -> list[GreyPage]:
    """Every page of ``pdf`` at ``dpi``, or scaled to exactly ``width_px`` pixels wide."""
    args = [_pdftoppm(), "-gray"]
    if width_px is not None:
        args += ["-scale-to-x", str(width_px), "-scale-to-y", "-1"]
    else:
        args += ["-r", f"{dpi or 300:g}"]
    try:
        done = subprocess.run([*args, "-"], input=pdf, capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise print_error("render_timeout") from exc
    if done.returncode != 0:
        raise print_error("render_failed", detail=done.stderr.decode(errors="replace")[-200:])
    return parse_pgm_stream(done.stdout)


def parse_pgm_stream(data: bytes) -> list[GreyPage]:
    """Split pdftoppm's output (one binary PGM per page, back to back) into pages."""
    pages = []
    pos = 0
    while pos < len(data):
        header = _PGM_HEADER.match(data, pos)
        if header is None or int(header[3]) != 255:
            raise print_error("render_failed", detail="unexpected image format")
        width, height = int(header[1]), int(header[2])
        start = header.end()
        end = start + width * height
        if end > len(data):
            raise print_error("render_failed", detail="truncated image")
        pages.append(GreyPage(width, height, data[start:end]))
        pos = end
    return pages


def _pdftoppm() -> str:
    found = shutil.which(PDFTOPPM)
    if found is None:
        raise print_error("no_renderer")
    return found

