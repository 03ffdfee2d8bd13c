"""Hostile files, built by the tests: bombs, polyglots, lying PDFs (no file is checked in)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import cv2
import numpy as np

BOMB = 30000  # the side of every image bomb: 900 million pixels


def small_image(width: int = 40, height: int = 30, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 255, (height, width, 3), dtype=np.uint8)


def encode(ext: str, image: np.ndarray | None = None, params: tuple[int, ...] = ()) -> bytes:
    ok, buffer = cv2.imencode(ext, small_image() if image is None else image, list(params))
    assert ok
    return buffer.tobytes()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side: int = BOMB) -> bytes:
    """A real, complete 1-bit PNG of side × side: ~110 KB that decode to side² bytes of gray."""
    row = b"\x00" + bytes((side + 7) // 8)
    packer = zlib.compressobj(1)
    body = b"".join(packer.compress(row * 1000) for _ in range(side // 1000)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", body)
            + png_chunk(b"IEND", b""))


def png_claiming(width: int, height: int) -> bytes:
    """A small real PNG whose IHDR (CRC fixed) claims another size."""
    data = encode(".png")
    ihdr = struct.pack(">II", width, height) + data[24:29]
    return data[:8] + png_chunk(b"IHDR", ihdr) + data[33:]


def jpeg_claiming(width: int, height: int, *, progressive: bool = False) -> bytes:
    params = (cv2.IMWRITE_JPEG_PROGRESSIVE, 1) if progressive else ()
    data = bytearray(encode(".jpg", params=params))
    sof = data.find(b"\xff\xc2" if progressive else b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def bmp_claiming(width: int, height: int) -> bytes:
    data = bytearray(encode(".bmp"))
    data[18:26] = struct.pack("<ii", width, height)
    return bytes(data)


def tiff_claiming(width: int, height: int, *, big_endian: bool = False) -> bytes:
    """A minimal uncompressed 8-bit gray TIFF: header, one IFD, a few bytes of strip."""
    order = ">" if big_endian else "<"
    tags = [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 8 + 2 + 12 * 8 + 4), (278, 4, height), (279, 4, 64)]
    ifd = struct.pack(order + "H", len(tags))
    for tag, kind, value in tags:
        packed = struct.pack(order + ("HH" if kind == 3 else "I"), *((value, 0) if kind == 3
                                                                     else (value,)))
        ifd += struct.pack(order + "HHI", tag, kind, 1) + packed
    head = (b"MM\x00*" if big_endian else b"II*\x00") + struct.pack(order + "I", 8)
    return head + ifd + b"\x00\x00\x00\x00" + bytes(64)


def webp_claiming(width: int, height: int, chunk: str) -> bytes:
    if chunk == "VP8X":
        body = b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") \
            + (height - 1).to_bytes(3, "little")
        payload = b"WEBP" + b"VP8X" + struct.pack("<I", len(body)) + body
        return b"RIFF" + struct.pack("<I", len(payload)) + payload
    quality = 101 if chunk == "VP8L" else 80
    data = bytearray(encode(".webp", params=(cv2.IMWRITE_WEBP_QUALITY, quality)))
    assert data[12:16].decode() == chunk
    if chunk == "VP8L":
        bits = (width - 1) | ((height - 1) << 14) | (data[24] >> 4 << 28)
        data[21:25] = struct.pack("<I", bits)
    else:
        data[26:30] = struct.pack("<HH", width, height)
    return bytes(data)


def gif_claiming(width: int, height: int) -> bytes:
    data = bytearray(encode(".gif"))
    data[6:10] = struct.pack("<HH", width, height)
    return bytes(data)


def pnm_claiming(width: int, height: int) -> bytes:
    return f"P5\n# quét\n{width} {height}\n255\n".encode() + bytes(256)


IMAGE_BOMBS = {
    "png": lambda: png_claiming(BOMB, BOMB),
    "jpeg": lambda: jpeg_claiming(BOMB, BOMB),
    "jpeg-progressive": lambda: jpeg_claiming(BOMB, BOMB, progressive=True),
    "bmp": lambda: bmp_claiming(BOMB, -BOMB),
    "tiff": lambda: tiff_claiming(BOMB, BOMB),
    "tiff-motorola": lambda: tiff_claiming(BOMB, BOMB, big_endian=True),
    "webp-vp8": lambda: webp_claiming(16383, 16383, "VP8 "),
    "webp-vp8l": lambda: webp_claiming(16384, 16384, "VP8L"),
    "webp-vp8x": lambda: webp_claiming(BOMB, BOMB, "VP8X"),
    "gif": lambda: gif_claiming(65535, 65535),
    "pnm": lambda: pnm_claiming(BOMB, BOMB),
}


# ---- PDFs ------------------------------------------------------------------------------


def pdf_of(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF with a correct cross-reference table around ``objects`` (numbered from 1)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)


def pdf_claiming(count: int | str, *, real_pages: int = 1) -> bytes:
    """A PDF whose root /Count says ``count`` while the tree holds ``real_pages`` leaves."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(real_pages))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>"] * real_pages
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Count %s /Kids [%s] >>" % (str(count).encode(), kids),
                   *pages])


def pdf_tiny(count: int) -> bytes:
    """The issue's case (~100 bytes): no page at all, a big /Count, no cross-reference table."""
    return (b"%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages"
            b"/Count %d/Kids[]>>endobj trailer<</Root 1 0 R>>\n%%%%EOF\n" % count)


def pdf_cycle() -> bytes:
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                   b"<< /Type /Pages /Count 1 /Kids [2 0 R] /Parent 2 0 R >>"])


def redos_pdf(size: int = 300 * 1024) -> bytes:
    """What made the old regexes backtrack: ``/Type /Pages`` over and over, no ``>>``."""
    unit = b"<< /Type /Pages "
    return b"%PDF-1.4\n" + unit * (size // len(unit)) + b"\n%%EOF\n"


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_stored(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def exe_pdf_polyglot(pdf: bytes) -> bytes:
    """A Windows executable's header, then a PDF inside the first kilobyte."""
    stub = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"This program cannot be run in DOS mode.\n"
    return stub + pdf
