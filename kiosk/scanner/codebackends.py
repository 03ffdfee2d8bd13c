"""The decoding libraries behind ``CodeBackend``: zxing-cpp and pyzbar over libzbar0.

zxing-cpp is the default (no system library, and it reads more webcam frames);
pyzbar is selectable, its text re-read from the raw bytes (``zbar_text``), since
zbar mangles a UTF-8 payload without an ECI marker.  ``kiosk.scanner.barcodes``
puts the preprocessing that wins hard frames around either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import zxingcpp

from kiosk.domain.errors import error_from_table
from kiosk.domain.textnorm import repair_mojibake
from kiosk.scanner.arrays import Frame
from kiosk.scanner.errors import CaptureError

MESSAGES: dict[str, str] = {
    "backend_unknown": "Không có bộ đọc mã tên {name}. Chọn zxing hoặc zbar.",
    "zbar_missing": "Máy chưa cài thư viện đọc mã zbar (gói libzbar0). Xin dùng bộ đọc zxing.",
}

QR = "QRCode"
CODE128 = "Code128"
BACKENDS = ("zxing", "zbar")
_BINARIZERS = {"global": zxingcpp.Binarizer.GlobalHistogram,
               "fixed": zxingcpp.Binarizer.FixedThreshold}


@dataclass(frozen=True)
class Decoded:
    """One code read from an image: its text (correct UTF-8 Vietnamese) and kind."""

    text: str
    format: str
    raw: bytes
    corners: tuple[tuple[int, int], ...] = ()


class CodeBackend(Protocol):
    """A decoding library: finds and decodes QR and Code128 symbols in a gray image."""

    name: str

    def decode(self, gray: Frame) -> list[Decoded]: ...


class ZxingBackend:
    """zxing-cpp: decodes UTF-8 QR payloads correctly by itself."""

    name = "zxing"

    def __init__(self) -> None:
        self._formats = zxingcpp.barcode_formats_from_str("QRCode,Code128")

    def decode(self, gray: Frame) -> list[Decoded]:
        found = zxingcpp.read_barcodes(gray, formats=self._formats)
        return [_from_zxing(code) for code in found if code.valid and code.text]

    def decode_enlarged(self, gray: Frame, *, binarise: str = "local") -> list[Decoded]:
        """``decode`` for an enlarged crop: no smaller copies tried, no light-on-dark.

        ``binarise`` "global" uses one histogram threshold for the crop, "fixed"
        the middle gray (for a crop already stretched and sharpened to 0…255),
        instead of zxing's local average (which a blurred module grid fools).
        """
        binarizer = _BINARIZERS.get(binarise, zxingcpp.Binarizer.LocalAverage)
        found = zxingcpp.read_barcodes(gray, formats=self._formats, try_downscale=False,
                                       try_invert=False, binarizer=binarizer)
        return [_from_zxing(code) for code in found if code.valid and code.text]


class ZbarBackend:
    """pyzbar over libzbar0; its text is re-read from the raw bytes (see ``zbar_text``)."""

    name = "zbar"

    def __init__(self) -> None:
        try:
            from pyzbar import pyzbar
        except (ImportError, OSError):  # OSError: the Python package is there, libzbar0 is not
            raise error_from_table(CaptureError, MESSAGES, "zbar_missing") from None
        self._pyzbar = pyzbar
        self._symbols = [pyzbar.ZBarSymbol.QRCODE, pyzbar.ZBarSymbol.CODE128]

    def decode(self, gray: Frame) -> list[Decoded]:
        found = self._pyzbar.decode(gray, symbols=self._symbols)
        results = []
        for code in found:
            kind = QR if code.type == "QRCODE" else CODE128
            corners = tuple((int(p.x), int(p.y)) for p in code.polygon)
            results.append(Decoded(zbar_text(code.data), kind, bytes(code.data), corners))
        return results


def make_backend(name: str = "zxing") -> CodeBackend:
    """The backend called ``name`` ("zxing" or "zbar"; "zbar" needs libzbar0)."""
    if name == "zxing":
        return ZxingBackend()
    if name in ("zbar", "pyzbar"):
        return ZbarBackend()
    raise error_from_table(CaptureError, MESSAGES, "backend_unknown", name=name)


def zbar_text(data: bytes) -> str:
    """The text zbar meant, whichever way it mangled a UTF-8 payload.

    zbar guesses the encoding of a QR code without an ECI marker and, depending
    on its version, hands back the UTF-8 bytes as they were, or re-encodes them
    to UTF-8 after reading them as Latin-1 or Shift-JIS.  Each undoing is tried
    and only kept if it gives strictly valid UTF-8, which mangled text never does
    by accident.
    """
    text = data.decode("utf-8", errors="replace")
    if "\ufffd" not in text and text.isascii():
        return text
    for codec in ("latin-1", "cp1252", "shift_jis"):
        try:
            undone = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if undone != text:
            return undone
    return repair_mojibake(text)


def _from_zxing(code: zxingcpp.Barcode) -> Decoded:
    position = code.position
    corners = tuple(
        (int(p.x), int(p.y))
        for p in (position.top_left, position.top_right, position.bottom_right,
                  position.bottom_left)
    )
    kind = QR if code.format == zxingcpp.BarcodeFormat.QRCode else CODE128
    return Decoded(code.text, kind, bytes(code.bytes), corners)
