"""PDFs through pypdf: pages from the real tree, lies and junk refused (in-process, cheap)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.demo import synthetic
from kiosk.scanner.assemble import assemble_pdf
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.pdfinfo import MAX_PAGES, check_pdf
from tests.scanner import hostile

FEW = settings(max_examples=40, deadline=None)
REAL = assemble_pdf([synthetic.render_page(np.random.default_rng(4), width=60)] * 2).data


def refused(data: bytes) -> str:
    with pytest.raises(CaptureError) as caught:
        check_pdf(data)
    assert caught.value.message
    return caught.value.code


def test_pages_are_counted_from_the_tree_not_from_count() -> None:
    assert check_pdf(REAL) == 2
    assert check_pdf(hostile.pdf_claiming(5000, real_pages=3)) == 3
    assert check_pdf(hostile.pdf_claiming(2**63)) == 1
    assert check_pdf(hostile.pdf_claiming(-1)) == 1


def test_a_tiny_pdf_claiming_thousands_of_pages_has_none() -> None:
    tiny = hostile.pdf_tiny(5000)
    assert len(tiny) < 200
    assert refused(tiny) in ("pdf_empty", "pdf_corrupt")  # no page, and no xref either
    assert refused(hostile.pdf_tiny(2**63)) in ("pdf_empty", "pdf_corrupt")
    assert refused(hostile.pdf_claiming(5000, real_pages=0)) == "pdf_empty"
    assert refused(hostile.pdf_claiming(2**63, real_pages=0)) == "pdf_empty"


def test_the_page_budget() -> None:
    assert check_pdf(hostile.pdf_claiming(1, real_pages=MAX_PAGES)) == MAX_PAGES
    assert refused(hostile.pdf_claiming(1, real_pages=MAX_PAGES + 1)) == "pdf_too_many_pages"


def test_cycles_encryption_truncation_and_foreign_headers_are_refused() -> None:
    assert refused(hostile.pdf_cycle()) == "pdf_corrupt"
    assert refused(hostile.encrypted_pdf()) == "pdf_encrypted"
    assert refused(REAL[:-400]) == "pdf_corrupt"
    assert refused(hostile.exe_pdf_polyglot(REAL)) == "pdf_corrupt"


@FEW
@given(st.binary(max_size=400))
def test_random_bytes_after_a_header_are_refused(body: bytes) -> None:
    refused(b"%PDF-1.4\n" + body + b"\n%%EOF\n")


@FEW
@given(st.data())
def test_a_mutated_real_pdf_gives_pages_or_a_typed_error(data: st.DataObject) -> None:
    mutated = bytearray(REAL)
    for _ in range(data.draw(st.integers(1, 8))):
        mutated[data.draw(st.integers(0, len(mutated) - 1))] = data.draw(st.integers(0, 255))
    try:
        pages = check_pdf(bytes(mutated))
    except CaptureError as error:
        assert error.code in ("pdf_corrupt", "pdf_empty", "pdf_encrypted", "pdf_too_many_pages")
        return
    assert 1 <= pages <= MAX_PAGES
