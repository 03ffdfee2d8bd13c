"""The thermal-printer path: a 576-dot raster in GS v 0 commands, and sending it raw."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageOps

from kiosk.receipts.errors import PrintError
from kiosk.receipts.escpos import (
    FEED_AND_CUT,
    INIT,
    MAX_BAND_ROWS,
    render_escpos_raster,
    send_raw,
)
from kiosk.receipts.layout import receipt_from_dossier, render_pdf
from kiosk.receipts.raster import parse_pgm_stream, rasterize_pdf

from . import samples
from .pdftools import decode_image, needs_poppler


def slip_pdf() -> bytes:
    return render_pdf(receipt_from_dossier(samples.detail(), samples.config(bank=False)), "80mm")


def split_bands(commands: bytes) -> list[tuple[int, int, bytes]]:
    """(bytes per row, rows, bits) of each GS v 0 band, checking the framing on the way."""
    assert commands.startswith(INIT) and commands.endswith(FEED_AND_CUT)
    body = commands[len(INIT) : -len(FEED_AND_CUT)]
    bands, pos = [], 0
    while pos < len(body):
        assert body[pos : pos + 4] == b"\x1dv0\x00", f"no raster header at {pos}"
        row_bytes = int.from_bytes(body[pos + 4 : pos + 6], "little")
        rows = int.from_bytes(body[pos + 6 : pos + 8], "little")
        start = pos + 8
        bands.append((row_bytes, rows, body[start : start + row_bytes * rows]))
        pos = start + row_bytes * rows
    assert pos == len(body)
    return bands


@needs_poppler
def test_the_raster_is_576_dots_wide_and_as_tall_as_the_slip() -> None:
    pdf = slip_pdf()
    bands = split_bands(render_escpos_raster(pdf))
    page = rasterize_pdf(pdf, width_px=576)[0]
    assert page.width == 576
    assert {row_bytes for row_bytes, _, _ in bands} == {576 // 8}
    assert sum(rows for _, rows, _ in bands) == page.height
    assert all(rows <= MAX_BAND_ROWS for _, rows, _ in bands)
    assert all(len(bits) == 72 * rows for _, rows, bits in bands)


@needs_poppler
def test_the_raster_of_the_data_equals_the_raster_of_its_pdf() -> None:
    data = receipt_from_dossier(samples.detail(), samples.config(bank=False))
    assert render_escpos_raster(data) == render_escpos_raster(render_pdf(data, "80mm"))


@needs_poppler
def test_the_thermal_print_still_scans_as_the_dossier_code() -> None:
    bands = split_bands(render_escpos_raster(slip_pdf()))
    bits = b"".join(b for _, _, b in bands)
    height = sum(rows for _, rows, _ in bands)
    # 1 = a black dot in ESC/POS, the reverse of an image's 1 = white.
    image = Image.frombytes("1", (576, height), bits).convert("L")
    paper = ImageOps.expand(ImageOps.invert(image), border=32, fill=255)  # the roll's margins
    assert sorted(decode_image(paper)) == [("Code128", samples.CODE), ("QRCode", samples.CODE)]


@needs_poppler
def test_a_narrower_head_gets_its_own_width() -> None:
    bands = split_bands(render_escpos_raster(slip_pdf(), width_dots=384))
    assert {row_bytes for row_bytes, _, _ in bands} == {48}


def test_raw_bytes_reach_a_device_path_unchanged(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.touch()
    payload = INIT + bytes(range(256)) * 300 + FEED_AND_CUT
    send_raw(payload, str(device))
    assert device.read_bytes() == payload


def test_a_missing_device_fails_with_a_vietnamese_message(tmp_path: Path) -> None:
    with pytest.raises(PrintError) as caught:
        send_raw(b"\x1b@", str(tmp_path / "no-such-printer"))
    assert caught.value.code == "device_unwritable"
    assert "máy in nhiệt" in caught.value.message


def test_without_pdftoppm_rendering_fails_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(PrintError) as caught:
        rasterize_pdf(b"%PDF-1.4", dpi=100)
    assert caught.value.code == "no_renderer" and "poppler-utils" in caught.value.message


@needs_poppler
def test_a_broken_pdf_fails_cleanly() -> None:
    with pytest.raises(PrintError) as caught:
        rasterize_pdf(b"not a pdf", dpi=100)
    assert caught.value.code == "render_failed"


def test_the_pgm_reader_splits_pages_and_refuses_garbage() -> None:
    two = b"P5\n2 1\n255\n\x00\xff" + b"P5 1 2 255 \x10\x20"
    pages = parse_pgm_stream(two)
    assert [(p.width, p.height, p.pixels) for p in pages] == [
        (2, 1, b"\x00\xff"), (1, 2, b"\x10\x20")]
    for garbage in (b"P6\n1 1\n255\n\x00\x00\x00", b"P5\n4 4\n255\n\x00"):
        with pytest.raises(PrintError):
            parse_pgm_stream(garbage)
