"""The signature table: a kind only from bytes at offset 0, whatever follows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.scanner.filetypes import PDF_WHITESPACE, SIGNATURES, Kind, sniff_kind
from kiosk.scanner.usbcheck import FileKind, sniff
from tests.scanner import hostile

FEW = settings(max_examples=50, deadline=None)
PDF = hostile.pdf_claiming(1)


@pytest.mark.parametrize(("kind", "magic"), SIGNATURES)
def test_each_signature_gives_its_kind(kind: Kind, magic: bytes) -> None:
    assert sniff_kind(magic + b"\x00" * 32) is kind


def test_formats_outside_the_table_are_unknown() -> None:
    assert sniff_kind(b"") is None
    assert sniff_kind("\ufeff%PDF-1.4".encode()) is None  # a byte-order mark is not white space
    assert sniff_kind(b"\x00%PDF-1.4") is None
    assert sniff_kind(b"\x00\x00\x00\x0cjP  \r\n\x87\n") is None  # JPEG 2000
    assert sniff_kind(b"v/1\x01") is None  # OpenEXR
    assert sniff_kind(b"P7\nWIDTH 3\n") is None  # PAM is not read
    assert sniff_kind(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None


def test_pdf_may_follow_white_space_only_within_the_first_kilobyte() -> None:
    assert sniff_kind(b" \r\n\t\f%PDF-1.7") is Kind.PDF
    assert sniff_kind(b"\n" * 1019 + b"%PDF-") is Kind.PDF
    assert sniff_kind(b"\n" * 1020 + b"%PDF-") is None


def test_polyglots_are_what_their_first_bytes_say() -> None:
    archive = hostile.zip_stored({"../../evil.pdf": PDF})
    assert b"%PDF-" in archive[:1024] and sniff(archive) is FileKind.ZIP
    program = hostile.exe_pdf_polyglot(PDF)
    assert sniff_kind(program) is Kind.EXE and sniff(program) is None
    assert sniff(b"\x7fELF\x02\x01\x01" + PDF) is None


@FEW
@given(st.binary(max_size=64))
def test_any_bytes_give_a_kind_whose_signature_starts_them(data: bytes) -> None:
    kind = sniff_kind(data)
    if kind is Kind.PDF:
        assert data.lstrip(PDF_WHITESPACE).startswith(b"%PDF-")
    elif kind is Kind.WEBP:
        assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    elif kind is Kind.PNM:
        assert data[:1] == b"P" and data[1:2] in (b"1", b"2", b"3", b"4", b"5", b"6")
    elif kind is not None:
        assert any(data.startswith(m) for k, m in SIGNATURES if k is kind)


@FEW
@given(st.sampled_from([m for _k, m in SIGNATURES]), st.binary(max_size=1024))
def test_a_pdf_after_another_signature_is_never_a_pdf(magic: bytes, filler: bytes) -> None:
    assert sniff_kind(magic + filler + PDF) is not Kind.PDF
