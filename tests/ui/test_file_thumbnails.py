"""A USB picture's thumbnail: its size read from the header first, never a huge decode."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from kiosk.scanner.usb import FileKind, ImportedFile
from kiosk.ui.widgets.document_row import THUMB_PIXELS, THUMB_SOURCE_PIXELS, file_thumbnail

pytestmark = pytest.mark.gui


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def blank_png(width: int, height: int) -> bytes:
    """A complete, valid 1-bit PNG: a few kilobytes on the stick, width × height pixels."""
    row = b"\x00" + bytes((width + 7) // 8)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height, 9)) + chunk(b"IEND", b""))


def picture(kind: FileKind, data: bytes) -> ImportedFile:
    return ImportedFile(f"anh.{kind.value}", kind, data, 1)


@pytest.mark.parametrize(("kind", "suffix"), [(FileKind.PNG, ".png"), (FileKind.JPEG, ".jpg")])
def test_a_picture_gets_a_thumbnail_of_thumbnail_height(kind: FileKind, suffix: str) -> None:
    page = np.full((1200, 900, 3), 230, np.uint8)
    cv2.putText(page, "CCCD", (100, 600), cv2.FONT_HERSHEY_SIMPLEX, 6, (20, 20, 20), 12)
    ok, encoded = cv2.imencode(suffix, page)
    assert ok
    thumb = file_thumbnail(picture(kind, encoded.tobytes()))
    assert thumb is not None and thumb.height() == THUMB_PIXELS
    assert thumb.width() == THUMB_PIXELS * 900 // 1200


def test_a_picture_too_large_for_its_header_is_not_decoded_at_all() -> None:
    width, height = 10_000, 6_000  # 60 megapixels in ~10 KB
    assert width * height > THUMB_SOURCE_PIXELS
    bomb = blank_png(width, height)
    assert len(bomb) < 100_000
    assert file_thumbnail(picture(FileKind.PNG, bomb)) is None
    small = file_thumbnail(picture(FileKind.PNG, blank_png(400, 300)))  # the same, but small
    assert small is not None and not small.isNull()
