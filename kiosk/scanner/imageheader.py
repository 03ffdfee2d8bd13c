"""An image's width and height, read from its header before any decoder sees it.

A 875 KB PNG can announce 30000 × 30000 pixels, and a decoder allocates what
the header announces: the size is checked here first, for every format the
kiosk lets OpenCV decode (PNG, JPEG with any SOFn frame marker, GIF, BMP,
TIFF, WebP, PNM).  Anything else OpenCV could open (JPEG 2000, OpenEXR, HDR,
AVIF, …) is refused: a format nobody checked is not decoded.  Pure Python, no
decoding, reads only the first bytes; a header that cannot be read is ``None``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from kiosk.scanner.filetypes import Kind, sniff_kind


@dataclass(frozen=True)
class ImageHeader:
    kind: Kind
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


class HeaderError(ValueError):
    """The header is unreadable (``unknown``: the format is not one we check)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# JPEG frame markers: SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})
_TIFF_WIDTH, _TIFF_HEIGHT = 256, 257
_TIFF_SHORT, _TIFF_LONG = 3, 4
_PNM_HEAD = 1024


def read_header(data: bytes) -> ImageHeader:
    """The kind and size the header announces; ``HeaderError`` if it is not readable."""
    kind = sniff_kind(data)
    reader = _READERS.get(kind) if kind is not None else None
    if kind is None or reader is None:
        raise HeaderError("unknown")
    try:
        width, height = reader(data)
    except (struct.error, IndexError, ValueError):
        raise HeaderError("corrupt") from None
    if width <= 0 or height <= 0:
        raise HeaderError("corrupt")
    return ImageHeader(kind, width, height)


def _png(data: bytes) -> tuple[int, int]:
    if data[12:16] != b"IHDR":
        raise ValueError("IHDR is not the first chunk")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg(data: bytes) -> tuple[int, int]:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError("not a marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):
            break  # end of image or start of scan before any frame header
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return int(width), int(height)  # a height of 0 (set later by DNL) is refused
        if length < 2:
            raise ValueError("bad segment length")
        pos += 2 + length
    raise ValueError("no frame header")


def _gif(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack("<HH", data[6:10])
    return int(width), int(height)


def _bmp(data: bytes) -> tuple[int, int]:
    (size,) = struct.unpack("<I", data[14:18])
    if size == 12:  # OS/2 BITMAPCOREHEADER
        width, height = struct.unpack("<HH", data[18:22])
        return int(width), int(height)
    if size < 16:
        raise ValueError("unknown DIB header")
    width, height = struct.unpack("<ii", data[18:26])
    return int(width), abs(int(height))  # a negative height is a top-down bitmap


def _tiff(data: bytes) -> tuple[int, int]:
    order = "<" if data[:2] == b"II" else ">"
    (ifd,) = struct.unpack(order + "I", data[4:8])
    (count,) = struct.unpack(order + "H", data[ifd:ifd + 2])
    found: dict[int, int] = {}
    for index in range(count):
        entry = data[ifd + 2 + 12 * index:ifd + 14 + 12 * index]
        tag, kind, _n = struct.unpack(order + "HHI", entry[:8])
        if tag in (_TIFF_WIDTH, _TIFF_HEIGHT):
            fmt = {_TIFF_SHORT: "H", _TIFF_LONG: "I"}.get(kind)
            if fmt is None:
                raise ValueError("bad size type")
            found[tag] = int(struct.unpack(order + fmt, entry[8:8 + struct.calcsize(fmt)])[0])
    return found[_TIFF_WIDTH], found[_TIFF_HEIGHT]


def _webp(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            raise ValueError("no VP8 start code")
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        if data[20] != 0x2F:
            raise ValueError("no VP8L signature")
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        if len(data) < 30:
            raise ValueError("short VP8X")
        return width, height
    raise ValueError("unknown WebP chunk")


def _pnm(data: bytes) -> tuple[int, int]:
    """P1–P6: white-space separated numbers after the magic, ``#`` comments to end of line."""
    tokens: list[bytes] = []
    for line in data[2:_PNM_HEAD].split(b"\n"):
        tokens += line.split(b"#", 1)[0].split()
        if len(tokens) >= 2:
            break
    width, height = tokens[0], tokens[1]
    if not (width.isdigit() and height.isdigit()) or len(width) > 9 or len(height) > 9:
        raise ValueError("bad PNM size")
    return int(width), int(height)


_READERS = {Kind.PNG: _png, Kind.JPEG: _jpeg, Kind.GIF: _gif, Kind.BMP: _bmp,
            Kind.TIFF: _tiff, Kind.WEBP: _webp, Kind.PNM: _pnm}
