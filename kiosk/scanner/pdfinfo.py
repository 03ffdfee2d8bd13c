"""Just enough PDF reading to check a file and count its pages, with no new dependency.

A PDF's page tree has a root ``/Type /Pages`` node whose ``/Count`` is the
number of pages; every intermediate node has a smaller count, so the largest
``/Count`` of a ``/Pages`` node is the page count.  PDF 1.5+ may keep those
objects inside compressed object streams, so Flate streams marked ``/ObjStm``
are inflated (with a size cap, against bombs) and searched too.  When no
``/Pages`` count is readable, the ``/Type /Page`` leaves are counted instead.

Limits, on purpose: no cross-reference parsing, so incremental updates that
delete pages are not seen (the count can only be too high, never crash), and
encrypted files are refused rather than read.
"""

from __future__ import annotations

import re
import zlib

from kiosk.domain.errors import error_from_table
from kiosk.scanner.errors import CaptureError

MESSAGES: dict[str, str] = {
    "pdf_corrupt": "Tệp PDF bị hỏng hoặc chưa chép xong. Xin chép lại tệp vào USB.",
    "pdf_encrypted": (
        "Tệp PDF có mật khẩu nên kiosk không mở được. Xin dùng tệp không đặt mật khẩu."
    ),
    "pdf_empty": "Tệp PDF không có trang nào.",
}

MAX_INFLATED = 64 * 1024 * 1024  # all object streams of one file together
_PAGES_COUNT = re.compile(
    rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S
)
_PAGE_LEAF = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_OBJSTM = re.compile(
    rb"<<(?:(?!>>).){0,400}?/Type\s*/ObjStm(?:(?!stream).){0,400}?stream\r?\n", re.S
)


def check_pdf(data: bytes) -> int:
    """Validate a PDF's outline and return its page count; raise ``CaptureError`` if unusable."""
    if not data[:1024].lstrip().startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        _fail("pdf_corrupt")
    # A file cut short in copying loses its trailer: "%%EOF" sits in the last bytes.
    if b"%%EOF" not in data[-2048:]:
        _fail("pdf_corrupt")
    if re.search(rb"/Encrypt\s", data):
        _fail("pdf_encrypted")
    pages = count_pages(data)
    if pages < 1:
        _fail("pdf_empty")
    return pages


def count_pages(data: bytes) -> int:
    """The page count, from the page tree root, else from the page leaves (0 if neither)."""
    bodies = [data, *_object_streams(data)]
    counts = [int(a or b) for body in bodies for a, b in _PAGES_COUNT.findall(body)]
    if counts:
        return max(counts)
    return sum(len(_PAGE_LEAF.findall(body)) for body in bodies)


def _object_streams(data: bytes) -> list[bytes]:
    inflated: list[bytes] = []
    budget = MAX_INFLATED
    for match in _OBJSTM.finditer(data):
        if b"/FlateDecode" not in match.group(0) or budget <= 0:
            continue
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(data[match.end():match.end() + budget], budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        inflated.append(chunk)
    return inflated


def _fail(code: str) -> None:
    raise error_from_table(CaptureError, MESSAGES, code, field="file")
