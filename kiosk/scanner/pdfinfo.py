"""A PDF checked by a kept library (pypdf), its pages counted from the real page tree.

Run inside the cage (``kiosk.scanner.cage``): pypdf is not hardened against
hostile files, the child's limits are.  The page count is the number of page
leaves reached from ``/Root /Pages`` through ``/Kids``, never the ``/Count`` a
file claims (a 74-byte file can claim 5,000 or 2^63 pages).  The walk stops
at ``max_pages`` + 1 leaves, refuses a cycle and a tree deeper than any real
one.  Encrypted files are refused rather than read; a file without ``%%EOF``
near its end was cut short in copying.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from kiosk.scanner.cage import check_error
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.filetypes import is_pdf_header

MESSAGES: dict[str, str] = {
    "pdf_corrupt": "Tệp PDF bị hỏng hoặc chưa chép xong. Xin chép lại tệp vào USB.",
    "pdf_encrypted": (
        "Tệp PDF có mật khẩu nên kiosk không mở được. Xin dùng tệp không đặt mật khẩu."
    ),
    "pdf_empty": "Tệp PDF không có trang nào.",
    "pdf_too_many_pages": "Tệp PDF có quá nhiều trang (tối đa {limit} trang). Xin tách tệp ra.",
}

MAX_PAGES = 200
_MAX_DEPTH = 32
_EOF_WINDOW = 2048


def check_pdf(data: bytes, *, max_pages: int = MAX_PAGES) -> int:
    """Validate a PDF and return its page count; raise ``CaptureError`` if unusable."""
    # A file cut short in copying loses its trailer: "%%EOF" sits in the last bytes.
    if not is_pdf_header(data) or b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise _error("pdf_corrupt")
    pages = count_pages(data, max_pages=max_pages)
    if pages < 1:
        raise _error("pdf_empty")
    return pages


def count_pages(data: bytes, *, max_pages: int = MAX_PAGES) -> int:
    """Page leaves of the page tree (0 if it has none); over ``max_pages`` is refused."""
    from pypdf import PdfReader  # imported here: the cage's child loads it only for PDFs

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about every oddity it repairs
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _error("pdf_encrypted")
            root: Any = reader.trailer["/Root"].get_object()
            return _leaves(root["/Pages"], max_pages)
    except CaptureError:
        raise
    except MemoryError:
        raise  # the cage's child reports it as such
    except Exception:  # pypdf raises many kinds (PdfReadError, KeyError, ValueError, …)
        raise _error("pdf_corrupt") from None


def _leaves(top: Any, max_pages: int) -> int:
    """Walk ``/Kids`` iteratively: every node once, leaves counted up to the budget."""
    seen: set[int] = set()
    count = 0
    stack: list[tuple[Any, int]] = [(top, 0)]
    while stack:
        ref, depth = stack.pop()
        node = ref.get_object()
        if id(node) in seen or depth > _MAX_DEPTH or not hasattr(node, "get"):
            raise _error("pdf_corrupt")
        seen.add(id(node))
        kids = node.get("/Kids")
        if kids is None:
            if node.get("/Type") not in ("/Page", None):
                raise _error("pdf_corrupt")
            count += 1
            if count > max_pages:
                raise _error("pdf_too_many_pages", limit=max_pages)
            continue
        kids = kids.get_object()
        if not isinstance(kids, list):
            raise _error("pdf_corrupt")
        if len(kids) > max_pages or len(seen) > 4 * max_pages + 64:
            raise _error("pdf_too_many_pages", limit=max_pages)
        stack.extend((kid, depth + 1) for kid in reversed(kids))
    return count


def _error(code: str, **params: object) -> CaptureError:
    return check_error(MESSAGES, code, **params)
