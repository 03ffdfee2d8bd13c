"""ESC/POS thermal printers: the slip as a 1-bit raster image, and raw sending.

The slip is never sent as text: a printer's code page would mangle the
Vietnamese diacritics (DOMAIN §9).  It is the same PDF, rendered to a
576-dot-wide bitmap (72 mm at 8 dots/mm) and wrapped in ``GS v 0`` raster
commands, between an initialise (``ESC @``) and a feed-and-cut (``GS V 66 0``).
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time

from PIL import Image

from kiosk.receipts.data import ReceiptData
from kiosk.receipts.errors import print_error
from kiosk.receipts.layout import render_pdf
from kiosk.receipts.raster import GreyPage, rasterize_pdf

DEFAULT_WIDTH_DOTS = 576
INIT = b"\x1b@"  # ESC @: reset the printer to its defaults
RASTER = b"\x1dv0"  # GS v 0: print a raster bit image
NORMAL_DENSITY = 0  # m = 0: one dot per bit in both directions
FEED_AND_CUT = b"\x1dVB\x00"  # GS V 66 0: feed to the cutter, partial cut
# Cheap printers buffer little: bands of 256 rows stay inside every buffer
# we know of, where one image the length of the slip may overflow it.
MAX_BAND_ROWS = 256
SEND_TIMEOUT_SECONDS = 30.0
_INVERT = bytes(255 - b for b in range(256))


def render_escpos_raster(
    pdf_or_data: bytes | ReceiptData, width_dots: int = DEFAULT_WIDTH_DOTS
) -> bytes:
    """The printer commands that print the slip (a PDF, or data laid out for 80 mm)."""
    pdf = render_pdf(pdf_or_data, "80mm") if isinstance(pdf_or_data, ReceiptData) else pdf_or_data
    pages = rasterize_pdf(pdf, width_px=width_dots)
    if not pages:
        raise print_error("empty")
    body = b"".join(raster_commands(page) for page in pages)
    return INIT + body + FEED_AND_CUT


def raster_commands(page: GreyPage) -> bytes:
    """``GS v 0`` commands for one grey page, thresholded at mid-grey, in bands."""
    row_bytes = (page.width + 7) // 8
    ink = to_ink_bits(page)
    commands = []
    for top in range(0, page.height, MAX_BAND_ROWS):
        rows = min(MAX_BAND_ROWS, page.height - top)
        header = RASTER + bytes([NORMAL_DENSITY]) + _le16(row_bytes) + _le16(rows)
        commands.append(header + ink[top * row_bytes : (top + rows) * row_bytes])
    return b"".join(commands)


def to_ink_bits(page: GreyPage) -> bytes:
    """Rows of packed bits, most significant first, 1 = a black dot (ESC/POS order)."""
    image = Image.frombytes("L", (page.width, page.height), page.pixels)
    # No dithering: text and barcodes want hard edges, and the slip has no photos.
    mono = image.convert("1", dither=Image.Dither.NONE)
    return mono.tobytes().translate(_INVERT)  # Pillow packs 1 = white


def _le16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def send_raw(data: bytes, target: str, timeout: float = SEND_TIMEOUT_SECONDS) -> None:
    """Send printer commands as they are to a device path ("/dev/usb/lp0") or a CUPS queue.

    An empty ``target`` means the CUPS default queue.  Both ways are bounded
    by ``timeout``: a printer out of paper must not hang the kiosk.
    """
    if target.startswith("/"):
        _write_device(data, target, timeout)
    else:
        _submit_raw_job(data, target, timeout)


def _write_device(data: bytes, path: str, timeout: float) -> None:
    try:
        # Non-blocking so that a printer that stops reading cannot block us forever.
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise print_error("device_unwritable", name=path, detail=exc.strerror) from exc
    try:
        _write_all(fd, data, time.monotonic() + timeout, path)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes, deadline: float, path: str) -> None:
    view = memoryview(data)
    while view:
        remaining = deadline - time.monotonic()
        _, ready, _ = select.select([], [fd], [], max(remaining, 0))
        if not ready:
            raise print_error("device_unwritable", name=path, detail="hết thời gian chờ")
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue
        except OSError as exc:
            raise print_error("device_unwritable", name=path, detail=exc.strerror) from exc


def _submit_raw_job(data: bytes, queue: str, timeout: float) -> None:
    lp = shutil.which("lp")
    if lp is None:
        raise print_error("no_spooler")
    args = [lp, "-s", "-o", "raw"] + (["-d", queue] if queue else [])
    try:
        done = subprocess.run(args, input=data, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise print_error("spooler_timeout") from exc
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip()
        if not queue and "no default destination" in reason.lower():
            raise print_error("no_printer")
        raise print_error("printer_refused", name=queue or "mặc định")
