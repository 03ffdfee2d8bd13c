"""An untrusted image checked before the kiosk decodes it: header size, completeness, decode.

``check_image`` runs in the cage's child: the size is read from the header
(``imageheader``) and refused over the pixel budget before any decoder runs;
a PNG must end in IEND and a JPEG in EOI (OpenCV turns a truncated file into
a half-gray picture); then the child decodes it at 1/8 scale, so a decoder
that misbehaves does so under the child's memory and CPU limits.  Only after
that may the parent decode the same bytes itself (``stills.load_still``).
"""

from __future__ import annotations

import json

from kiosk.scanner.cage import check_error
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.filetypes import Kind
from kiosk.scanner.imageheader import HeaderError, ImageHeader, read_header

MESSAGES: dict[str, str] = {
    "image_corrupt": "Ảnh {name} bị hỏng hoặc chưa chép xong. Xin chép lại tệp.",
    "image_too_large": (
        "Ảnh {name} quá lớn ({width} × {height} điểm ảnh; tối đa {limit_mp} triệu điểm ảnh). "
        "Xin chụp hoặc quét lại với độ phân giải thấp hơn."
    ),
    "image_type": (
        "Tệp {name} không phải loại ảnh kiosk đọc được (JPEG, PNG, GIF, BMP, TIFF, WebP, PNM)."
    ),
}

MAX_PIXELS = 50_000_000
_PNG_MAGIC_LENGTH = 8
_REDUCED = 8  # IMREAD_REDUCED_GRAYSCALE_8 divides each side by 8


def check_header(name: str, data: bytes, max_pixels: int = MAX_PIXELS) -> ImageHeader:
    """The header's size, inside the budget; every refusal is a typed error."""
    try:
        header = read_header(data)
    except HeaderError as error:
        raise _error("image_type" if error.reason == "unknown" else "image_corrupt",
                     name=name) from None
    if header.pixels > max_pixels:
        raise _error("image_too_large", name=name, width=header.width, height=header.height,
                     limit_mp=round(max_pixels / 1e6))
    if not _complete(header.kind, data):
        raise _error("image_corrupt", name=name)
    return header


def check_image(name: str, data: bytes, max_pixels: int = MAX_PIXELS) -> ImageHeader:
    """``check_header`` and then a real (reduced) decode: for the cage's child only."""
    import cv2  # the child loads OpenCV only when it has an image to decode
    import numpy as np

    header = check_header(name, data, max_pixels)
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_8)
    except cv2.error as error:
        if "memory" in str(error).lower():
            raise MemoryError from None
        raise _error("image_corrupt", name=name) from None
    if image is None or not _matches(header, image.shape[:2]):
        raise _error("image_corrupt", name=name)
    return header


def still_target(data: bytes, params: dict[str, object]) -> bytes:
    """The cage's entry for a still image: its checked header, as JSON."""
    name = str(params["name"])
    max_pixels = params.get("max_pixels", MAX_PIXELS)
    assert isinstance(max_pixels, int)
    header = check_image(name, data, max_pixels)
    return json.dumps({"kind": header.kind.value, "width": header.width,
                       "height": header.height}).encode()


def batch_target(data: bytes, params: dict[str, object]) -> bytes:
    """The cage's entry for many stills at once (a folder): each one's header or error code."""
    names, sizes, max_pixels = params["names"], params["sizes"], params["max_pixels"]
    assert isinstance(names, list) and isinstance(sizes, list) and isinstance(max_pixels, int)
    answers: list[dict[str, object]] = []
    offset = 0
    for name, size in zip(names, sizes, strict=True):
        part = data[offset:offset + int(size)]
        offset += int(size)
        try:
            header = check_image(str(name), part, max_pixels)
        except CaptureError as error:
            answers.append({"error": error.code})
            continue
        answers.append({"width": header.width, "height": header.height})
    return json.dumps(answers).encode()


def _matches(header: ImageHeader, shape: tuple[int, ...]) -> bool:
    """The decoded (reduced) size fits what the header said (EXIF may turn it a quarter)."""
    got = shape[0] * shape[1]
    want = -(-header.width // _REDUCED) * -(-header.height // _REDUCED)
    return got <= want + header.width + header.height


def _complete(kind: Kind, data: bytes) -> bool:
    if kind is Kind.JPEG:
        return b"\xff\xd9" in data[-16:]
    if kind is Kind.PNG:
        return png_complete(data)
    return True


def png_complete(data: bytes) -> bool:
    """Walk the chunks: each length must fit, and the last one must be IEND."""
    pos = _PNG_MAGIC_LENGTH
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos <= len(data)
    return False


def _error(code: str, **params: object) -> CaptureError:
    return check_error(MESSAGES, code, **params)
