"""Reading CCCD QR codes and receipt codes (QR, Code128) from camera frames.

Two decoding libraries sit behind ``CodeBackend`` (``kiosk.scanner.codebackends``):
zxing-cpp (the default: no system library, and it reads more webcam frames) and
pyzbar over libzbar0 (selectable).  ``CodeReader`` wraps either with preprocessing that wins hard
frames: first the plain frame (cheap, and enough for most), then the regions
that look like codes (dense, high-contrast texture), stretched to full contrast,
enlarged and strongly sharpened at the scale of a module (a webcam's blur spreads
2–3 px modules into each other), then with contrast evened out and binarised.
A crop that shows a clear motion streak (``kiosk.scanner.deblur``: a hand moving
the card while the shutter was open) is first Wiener-deconvolved along it.
Attempts stop at the first success, and none starts that would likely end past
the frame's time budget (each is expected to cost what the previous one did), so
a frame stays within the live rate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial

import cv2
import numpy as np

from kiosk.scanner import deblur
from kiosk.scanner.arrays import Frame, u8
from kiosk.scanner.codebackends import CodeBackend, Decoded, make_backend

_MAX_REGIONS = 3
MIN_SIDE = 16  # px: a smaller image holds no readable code (and breaks the region search)
MAX_SIDE = 4096  # px: a larger image is read shrunk to this (a 12 MP still fits; time bounded)
BUDGET_MS = 25.0  # no attempt starts that would end later (live video: 33 ms a frame)
# Sharpened enlargements of a code region, most successful first on blurred webcam
# frames: (longest side after enlarging, unsharp radius in source pixels, amount, then
# binarised by zxing's local average, its global histogram, its fixed mid-gray, or by Otsu).
_SHARPENED = ((800, 1.5, 8.0, "fixed"), (1100, 1.5, 8.0, "local"), (800, 1.0, 6.0, "local"),
              (600, 1.5, 4.0, "local"), (600, 2.0, 2.5, "otsu"), (600, 1.0, 2.0, "global"))
_CLAHE = cv2.createCLAHE(clipLimit=2.5, tileGridSize=(8, 8))
# A motion streak is undone only when it is clear (gradients across it at least this much
# stronger than along it, as a share of both) and long enough to hide modules.
_STREAK_ANISOTROPY = 0.3
_STREAK_MIN_PX = 4.0
_DEBLUR_NOISE = 0.01  # Wiener noise-to-signal: JPEG and sensor noise of a webcam frame
_DEBLUR_LONGEST = 800  # the deconvolved crop is enlarged up to this (at most twice)


class CodeReader:
    """Decode codes from live frames with a backend plus a capped preprocessing cascade."""

    def __init__(
        self, backend: CodeBackend | str = "zxing", *, max_attempts: int = 8,
        budget_ms: float = BUDGET_MS, deblur: bool = True,
    ) -> None:
        self.backend = make_backend(backend) if isinstance(backend, str) else backend
        self.max_attempts = max_attempts
        self.budget_ms = budget_ms
        self.deblur = deblur  # False: no motion streak is undone (for comparison)

    def decode(self, frame: Frame) -> list[Decoded]:
        """All codes found in the frame, or an empty list; never raises on a bad frame."""
        start = time.perf_counter()
        prepared = usable_gray(frame)
        if prepared is None:
            return []
        gray, factor = prepared
        found = self.backend.decode(gray)
        if not found:
            found = self.decode_regions(gray, code_regions(gray)[:_MAX_REGIONS], start=start)
        return rescaled(found, factor)

    def decode_regions(
        self, gray: Frame, regions: Sequence[Box], *, start: float | None = None,
        first: int = 0, budget_ms: float | None = None, max_attempts: int | None = None,
        offset: tuple[int, int] = (0, 0), strict: bool = False,
    ) -> list[Decoded]:
        """Codes read from enlarged, sharpened or binarised crops of ``regions`` of ``gray``.

        ``first`` rotates where in each region's list of variants the attempts
        begin (a live reader starts each frame at another one); ``start`` is
        when the frame's budget began (now if not given); ``offset`` is added to
        the corners found (``gray`` was itself a crop of the frame at ``offset``).
        ``strict`` (live video) starts no attempt once the budget is spent, not even
        the first enlarged crop: the next frame will try again.
        """
        start = time.perf_counter() if start is None else start
        budget = self.budget_ms if budget_ms is None else budget_ms
        most = self.max_attempts if max_attempts is None else max_attempts
        mark, last = time.perf_counter(), 0.0
        attempts = 1  # the plain frame (or, live, the tracked crop) was the first
        for image, binarise, scale, (x, y) in self._variants(gray, regions, first):
            attempts += 1
            now = time.perf_counter()
            if attempts > 2:  # the next attempt will cost about what the last one did
                last = (now - mark) * 1000
            mark = now
            # The first enlarged crop is always tried: a slow backend spends the
            # budget on the plain frame alone, and the crop is its best chance.
            spent = (now - start) * 1000
            late = (attempts > 2 and spent + last > budget) or (strict and spent >= budget)
            if attempts > most or late:
                break
            found = self._enlarged(image, binarise)
            if found:
                return [_to_frame(code, scale, (x + offset[0], y + offset[1])) for code in found]
        return []

    def _enlarged(self, image: Frame, binarise: str) -> list[Decoded]:
        # A backend may offer a quicker call for enlarged crops (zxing: no downscaling).
        enlarged = getattr(self.backend, "decode_enlarged", None)
        if enlarged is None:
            return self.backend.decode(image)
        return list(enlarged(image, binarise=binarise))

    def _variants(
        self, gray: Frame, regions: Sequence[Box], first: int,
    ) -> Iterator[tuple[Frame, str, float, tuple[int, int]]]:
        # Variant by variant across the regions: the best variant of each region is
        # tried before any region's second best (the code is not always the first region).
        # A variant that does not apply to its crop (no motion streak to undo) is skipped.
        lists = []
        for x, y, w, h in regions:
            if w < 1 or h < 1:
                continue
            makers = _region_variants(partial(_stretch, gray[y:y + h, x:x + w]), (w, h),
                                      deblurred=self.deblur)
            turn = first % len(makers)
            lists.append(((x, y), makers[turn:] + makers[:turn]))
        for rank in range(max((len(makers) for _, makers in lists), default=0)):
            for origin, makers in lists:
                made = makers[rank]()
                if made is not None:
                    image, binarise, scale = made
                    yield image, binarise, scale, origin


Box = tuple[int, int, int, int]


def to_gray(frame: Frame) -> Frame:
    return frame if frame.ndim == 2 else u8(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))


def usable_gray(frame: object) -> tuple[Frame, float] | None:
    """``frame`` as a contiguous 8-bit gray image and the factor it was shrunk by, or ``None``.

    ``None`` for what holds no code a camera could give: not an 8-bit array, not
    gray/BGR/BGRA, or under ``MIN_SIDE`` on a side.  An image over ``MAX_SIDE``
    is shrunk to it (corners found in it are divided by the factor).
    """
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8:
        return None
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[..., 0]
    if frame.ndim not in (2, 3) or min(frame.shape[:2]) < MIN_SIDE:
        return None
    if frame.ndim == 3:
        if frame.shape[2] not in (3, 4):
            return None
        code = cv2.COLOR_BGR2GRAY if frame.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        frame = u8(cv2.cvtColor(np.ascontiguousarray(frame), code))
    gray = u8(np.ascontiguousarray(frame))
    longest = max(gray.shape)
    if longest <= MAX_SIDE:
        return gray, 1.0
    factor = MAX_SIDE / longest
    small = u8(cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA))
    if min(small.shape) < MIN_SIDE:
        return None
    return small, factor


Variant = tuple[Frame, str, float]


def _region_variants(crop: Callable[[], Frame], size: tuple[int, int], *, deblurred: bool = True
                     ) -> list[Callable[[], Variant | None]]:
    """Ways to present one region's crop (made once, when first needed) to the decoder."""
    w, h = size
    crop = _once(crop)
    makers: list[Callable[[], Variant | None]] = []
    for longest, radius, amount, binarise in _SHARPENED:
        scale = float(np.clip(longest / max(w, h), 1.0, 5.0))
        makers.append(partial(_sharpened_variant, crop, scale, radius, amount, binarise))
    # A clear streak undone comes second: the first enlargement reads most crops that
    # need any help, and no sharpening reads a code smeared over whole modules.
    if deblurred:
        scale = float(np.clip(_DEBLUR_LONGEST / max(w, h), 1.0, 2.0))
        unblurred = _once_optional(partial(_deblurred, crop, scale))
        makers.insert(1, partial(_deblurred_variant, unblurred, scale, "local"))
        makers.append(partial(_deblurred_variant, unblurred, scale, "global"))
    scale = float(np.clip(480 / max(w, h), 1.0, 3.0))
    makers.append(partial(_even_variant, crop, scale, False))
    makers.append(partial(_even_variant, crop, scale, True))
    return makers


def _once_optional(make: Callable[[], Frame | None]) -> Callable[[], Frame | None]:
    made: list[Frame | None] = []

    def get() -> Frame | None:
        if not made:
            made.append(make())
        return made[0]
    return get


def _deblurred(crop: Callable[[], Frame], scale: float) -> Frame | None:
    """The crop enlarged by ``scale`` with its motion streak undone, or ``None`` if it has none.

    Enlarged first: deconvolving at 2–3 px a module rings over whole modules.
    """
    image = crop()
    small, factor = deblur.shrink_for(image)
    streak = deblur.estimate(small)
    if streak is None or streak.anisotropy < _STREAK_ANISOTROPY:
        return None
    length = streak.length / factor
    if length < _STREAK_MIN_PX or length > deblur.MAX_LENGTH:
        return None
    big = u8(cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
    return deblur.deconvolve(big, deblur.Streak(streak.degrees, length * scale,
                                                streak.anisotropy), noise=_DEBLUR_NOISE)


def _deblurred_variant(unblurred: Callable[[], Frame | None], scale: float, binarise: str
                       ) -> Variant | None:
    image = unblurred()
    return None if image is None else (image, binarise, scale)


def _once(make: Callable[[], Frame]) -> Callable[[], Frame]:
    made: list[Frame] = []

    def get() -> Frame:
        if not made:
            made.append(make())
        return made[0]
    return get


def _sharpened_variant(crop: Callable[[], Frame], scale: float, radius: float, amount: float,
                       binarise: str) -> Variant:
    return _sharpened(crop(), scale, radius, amount, binarise == "otsu"), binarise, scale


def _even_variant(crop: Callable[[], Frame], scale: float, adaptive: bool) -> Variant:
    big = cv2.resize(crop(), None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    even = u8(_CLAHE.apply(big))
    if adaptive:
        even = u8(cv2.adaptiveThreshold(even, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                        cv2.THRESH_BINARY, 31, 5))
    return even, "local", scale


def code_regions(gray: Frame) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h) around dense high-contrast texture, best first, with a margin.

    A QR code or barcode is the densest patch of strong gradients in a frame;
    text lines are thinner and a desk's grain is weaker.  Work is done at a
    quarter size to stay cheap.
    """
    scale = 0.25
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grad = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    _, strong = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    blob = cv2.morphologyEx(strong, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    blob = cv2.morphologyEx(blob, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < 5 or h < 5:
            continue
        density = float(strong[y:y + h, x:x + w].mean()) / 255
        squareness = min(w, h) / max(w, h)
        boxes.append((density * (0.5 + squareness) * np.sqrt(w * h), (x, y, w, h)))
    boxes.sort(key=lambda item: item[0], reverse=True)
    return [_grow(box, scale, gray.shape) for _, box in boxes]


def decode_image(frame: Frame, backend: str = "zxing") -> list[Decoded]:
    """One-shot convenience for the CLI and tests."""
    return CodeReader(backend).decode(frame)


def texts(found: Sequence[Decoded]) -> list[str]:
    return [code.text for code in found]


def _grow(
    box: tuple[int, int, int, int], scale: float, shape: tuple[int, ...]
) -> tuple[int, int, int, int]:
    x, y, w, h = (int(v / scale) for v in box)
    margin = int(0.25 * max(w, h)) + 8  # the quiet zone is needed to find the code
    x0, y0 = max(0, x - margin), max(0, y - margin)
    x1, y1 = min(shape[1], x + w + margin), min(shape[0], y + h + margin)
    return x0, y0, x1 - x0, y1 - y0


def _stretch(crop: Frame) -> Frame:
    """``crop`` with its gray levels spread over 0…255 (a code in dim light is gray on gray)."""
    low, high = float(crop.min()), float(crop.max())
    gain = 255.0 / max(high - low, 1.0)
    return u8(cv2.convertScaleAbs(crop, alpha=gain, beta=-low * gain))


def _sharpened(crop: Frame, scale: float, radius: float, amount: float, otsu: bool) -> Frame:
    """``crop`` enlarged by ``scale`` and unsharp-masked at ``radius`` source pixels."""
    big = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    blurred = cv2.GaussianBlur(big, (0, 0), radius * scale)
    sharp = u8(cv2.addWeighted(big, 1 + amount, blurred, -amount, 0))
    if otsu:
        sharp = u8(cv2.threshold(sharp, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1])
    return sharp


def rescaled(found: list[Decoded], factor: float) -> list[Decoded]:
    """Codes found in an image shrunk by ``factor`` (``usable_gray``), in the frame's pixels."""
    return found if factor == 1.0 else [_to_frame(code, factor, (0, 0)) for code in found]


def _to_frame(code: Decoded, scale: float, offset: tuple[int, int]) -> Decoded:
    """Map corners found in an enlarged crop back to frame pixels."""
    if scale == 1.0 and offset == (0, 0):
        return code
    corners = tuple((int(x / scale) + offset[0], int(y / scale) + offset[1])
                    for x, y in code.corners)
    return Decoded(code.text, code.format, code.raw, corners)
