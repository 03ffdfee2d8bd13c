"""What a file is, from the bytes at fixed offsets from its start: one explicit table.

The type of an untrusted file is never taken from its name, and never from a
signature found somewhere inside it: a ZIP whose first entry is ``x.pdf`` holds
``%PDF-`` in its first kilobyte, and so may a Windows program.  Each kind below
is recognised only by bytes at offset 0 (WebP also by its form type at offset
8, inside the RIFF header).

PDF's tolerance, decided: ISO 32000 wants ``%PDF-`` as the first line; readers
(Acrobat's implementation note) accept junk in the first 1024 bytes.  We accept
only PDF white space (space, tab, CR, LF, form feed) before ``%PDF-``, within
that window: no byte-order mark, no NUL, no other byte, so no polyglot whose
first bytes belong to another format can pass as a PDF.

Executables are named (``EXE``, ``ELF``) so they can be refused by name; they
are never accepted anywhere.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    BMP = "bmp"
    TIFF = "tiff"
    WEBP = "webp"
    PNM = "pnm"
    OLE = "ole"  # Word 97-2003 (and every other OLE2 compound file)
    ZIP = "zip"  # also DOCX, which is a ZIP with a Word document inside
    EXE = "exe"
    ELF = "elf"


# (kind, signature at offset 0); the first match wins, and no two overlap.
SIGNATURES: tuple[tuple[Kind, bytes], ...] = (
    (Kind.JPEG, b"\xff\xd8\xff"),
    (Kind.PNG, b"\x89PNG\r\n\x1a\n"),
    (Kind.GIF, b"GIF87a"),
    (Kind.GIF, b"GIF89a"),
    (Kind.BMP, b"BM"),
    (Kind.TIFF, b"II*\x00"),
    (Kind.TIFF, b"MM\x00*"),
    (Kind.OLE, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    (Kind.ZIP, b"PK\x03\x04"),
    (Kind.ZIP, b"PK\x05\x06"),  # an empty archive
    (Kind.EXE, b"MZ"),
    (Kind.ELF, b"\x7fELF"),
)

IMAGE_KINDS = frozenset({Kind.JPEG, Kind.PNG, Kind.GIF, Kind.BMP, Kind.TIFF, Kind.WEBP,
                         Kind.PNM})
PDF_MAGIC = b"%PDF-"
PDF_WHITESPACE = b" \t\r\n\f"
PDF_WINDOW = 1024
_PNM_KINDS = b"123456"
_PNM_SEPARATORS = b" \t\r\n#"


def sniff_kind(data: bytes) -> Kind | None:
    """The kind the first bytes say, or ``None`` for anything not in the table."""
    for kind, magic in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Kind.WEBP
    if len(data) >= 3 and data[:1] == b"P" and data[1] in _PNM_KINDS \
            and data[2] in _PNM_SEPARATORS:
        return Kind.PNM
    if is_pdf_header(data):
        return Kind.PDF
    return None


def is_pdf_header(data: bytes) -> bool:
    """``%PDF-`` at offset 0, or after PDF white space only, within the first 1024 bytes."""
    head = data[:PDF_WINDOW]
    start = len(head) - len(head.lstrip(PDF_WHITESPACE))
    return head.startswith(PDF_MAGIC, start)
