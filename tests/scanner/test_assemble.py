"""PDF assembly: pages in order, the per-page size budget, readable text; PDF page counting."""

from __future__ import annotations

import hashlib
import re
import struct
import zlib

import cv2
import numpy as np

from kiosk.demo import synthetic
from kiosk.scanner.arrays import Frame, u8
from kiosk.scanner.assemble import PAGE_BUDGET, assemble_pdf
from kiosk.scanner.barcodes import CodeReader
from kiosk.scanner.pdfinfo import check_pdf

A4_200DPI = (1654, 2339)


def hard_page(seed: int, marker: str) -> Frame:
    """An A4 page at 200 dpi, gray, with scanner noise (hard to compress) and a small QR code."""
    rng = np.random.default_rng(seed)
    page = cv2.cvtColor(synthetic.render_page(rng, width=A4_200DPI[0]), cv2.COLOR_BGR2GRAY)
    noisy = u8(np.clip(page + rng.normal(0, 12, page.shape), 0, 255))
    code = synthetic.code_image(marker, module_px=4)  # ≈ 0.5 mm modules at 200 dpi
    noisy[200:200 + code.shape[0], 200:200 + code.shape[1]] = code
    return noisy


def embedded_jpegs(pdf: bytes) -> list[bytes]:
    """The page images as stored: reportlab writes ASCII85 around the DCT (JPEG) data."""
    import base64

    found = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        body = match.group(1).strip()
        if body.endswith(b"~>"):
            raw = base64.a85decode(body, adobe=True)
            if raw.startswith(b"\xff\xd8"):
                found.append(raw)
    return found


def test_each_a4_page_stays_within_the_budget_and_stays_readable() -> None:
    pages = [hard_page(i, f"trang-{i + 1}") for i in range(3)]
    result = assemble_pdf(pages)
    assert result.page_count == 3
    assert len(result.data) <= 3 * PAGE_BUDGET
    jpegs = embedded_jpegs(result.data)
    reader = CodeReader("zxing")
    # Pages in order, and the small print (a QR of half-millimetre modules) survives.
    for number, jpeg in enumerate(jpegs, start=1):
        image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
        assert [c.text for c in reader.decode(image)] == [f"trang-{number}"]


def test_page_size_in_the_pdf_is_a4_at_200_dpi() -> None:
    result = assemble_pdf([hard_page(0, "a")])
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)", result.data)
    assert box is not None
    assert abs(float(box.group(1)) - 595.3) < 1.0 and abs(float(box.group(2)) - 841.9) < 1.0


def test_hash_and_count_describe_the_bytes_and_are_reproducible() -> None:
    pages = [hard_page(5, "x"), hard_page(6, "y")]
    first, second = assemble_pdf(pages), assemble_pdf(pages)
    assert first.sha256 == hashlib.sha256(first.data).hexdigest()
    assert first.data == second.data
    assert check_pdf(first.data) == 2


def _object_stream_pdf(pages: int) -> bytes:
    """A PDF 1.5 whose catalog, page tree and pages all sit in one compressed object stream,
    found through a cross-reference stream (as Word's and LibreOffice's exports write them)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>",
              f"<< /Type /Pages /Count {pages} /Kids [{kids}] >>".encode()]
    bodies += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    offsets = [sum(len(b) + 1 for b in bodies[:i]) for i in range(len(bodies))]
    header = " ".join(f"{n} {off}" for n, off in enumerate(offsets, start=1)).encode() + b" "
    packed = zlib.compress(header + b"\n".join(bodies) + b"\n")
    stream_number, xref_number = len(bodies) + 1, len(bodies) + 2
    out = bytearray(b"%PDF-1.5\n")
    stream_at = len(out)
    out += (f"{stream_number} 0 obj\n<< /Type /ObjStm /N {len(bodies)} /First {len(header)} "
            f"/Filter /FlateDecode /Length {len(packed)} >>\nstream\n").encode()
    out += packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [struct.pack(">BHB", 0, 0, 255)]
    rows += [struct.pack(">BHB", 2, stream_number, i) for i in range(len(bodies))]
    rows += [struct.pack(">BHB", 1, stream_at, 0), struct.pack(">BHB", 1, xref_at, 0)]
    table = zlib.compress(b"".join(rows))
    out += (f"{xref_number} 0 obj\n<< /Type /XRef /Size {xref_number + 1} /W [1 2 1] "
            f"/Root 1 0 R /Filter /FlateDecode /Length {len(table)} >>\nstream\n").encode()
    out += table + b"\nendstream\nendobj\n" + f"startxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def test_pages_inside_compressed_object_streams_are_counted() -> None:
    assert check_pdf(_object_stream_pdf(3)) == 3
