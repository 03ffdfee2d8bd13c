"""Still images from outside (``kiosk decode``/``detect``, a folder camera, a scanner's output).

Read only as a regular file, bounded (``regularfile``); the header's size is
checked against the pixel budget here, cheaply, so an obvious bomb costs no
child; then the cage's child checks and decodes the bytes under limits
(``imagecheck.still_target``).  Only after the child said yes, and said the
same size, does this process decode the bytes itself.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np

from kiosk.domain.errors import error_from_table
from kiosk.scanner import cage, imagecheck, regularfile
from kiosk.scanner.arrays import Frame
from kiosk.scanner.cage import CageLimits, Cancel, run_caged
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.imageheader import ImageHeader

MESSAGES: dict[str, str] = {**regularfile.MESSAGES, **imagecheck.MESSAGES, **cage.MESSAGES}

MAX_STILL_BYTES = 128 * 1024 * 1024  # a 600 dpi colour A4 page as PNM is ~105 MB
_TARGET = "kiosk.scanner.imagecheck:still_target"
_BATCH = "kiosk.scanner.imagecheck:batch_target"
DEFAULT_CAGE = CageLimits()


def load_still(
    path: Path, *, max_pixels: int = imagecheck.MAX_PIXELS, limits: CageLimits = DEFAULT_CAGE,
    cancel: Cancel | None = None,
) -> Frame:
    """The image at ``path`` as BGR, once checked; raises ``CaptureError`` otherwise."""
    data = regularfile.read_regular(path, MAX_STILL_BYTES)
    return decode_still(path.name, data, max_pixels=max_pixels, limits=limits, cancel=cancel)


def decode_still(
    name: str, data: bytes, *, max_pixels: int = imagecheck.MAX_PIXELS,
    limits: CageLimits = DEFAULT_CAGE, cancel: Cancel | None = None,
) -> Frame:
    header = check_still(name, data, max_pixels=max_pixels, limits=limits, cancel=cancel)
    return decode_checked(name, data, header)


def check_still(
    name: str, data: bytes, *, max_pixels: int = imagecheck.MAX_PIXELS,
    limits: CageLimits = DEFAULT_CAGE, cancel: Cancel | None = None,
) -> ImageHeader:
    """The header, once the cage's child has checked and decoded the bytes."""
    header = imagecheck.check_header(name, data, max_pixels)
    answer = run_caged(_TARGET, data, {"name": name, "max_pixels": max_pixels}, name=name,
                       limits=limits, messages=MESSAGES, cancel=cancel)
    try:
        said = json.loads(answer)
        agrees = (said["width"], said["height"]) == (header.width, header.height)
    except (ValueError, KeyError, TypeError):
        agrees = False
    if not agrees:
        raise _error("file_check_failed", name=name)
    return header


def decode_checked(name: str, data: bytes, header: ImageHeader, flags: int = cv2.IMREAD_COLOR
                   ) -> Frame:
    """Decode bytes whose ``header`` was checked; the result may not exceed what it said."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if image is None or image.shape[0] * image.shape[1] > header.pixels:
        raise _error("image_corrupt", name=name)
    return np.asarray(image, dtype=np.uint8)


class CheckedStills:
    """Loads a folder's images, sending each distinct content through the cage only once.

    A looping folder camera reads the same files again and again: the digest of
    bytes that passed is remembered, so a file is checked again only if it changed.
    """

    def __init__(self, *, max_pixels: int = imagecheck.MAX_PIXELS) -> None:
        self.max_pixels = max_pixels
        self._passed: dict[str, ImageHeader] = {}

    def prepare(self, paths: list[Path]) -> None:
        """Check many files in one child (a folder's first read); on any trouble, skip it.

        Files refused or left out here are checked one by one when they are loaded.
        """
        batch: list[tuple[str, bytes, ImageHeader]] = []
        for path in paths:
            try:
                data = regularfile.read_regular(path, MAX_STILL_BYTES)
                batch.append((path.name, data, imagecheck.check_header(path.name, data,
                                                                       self.max_pixels)))
            except CaptureError:
                continue
        if batch:
            self._check_batch(batch)

    def _check_batch(self, batch: list[tuple[str, bytes, ImageHeader]]) -> None:
        params = {"names": [b[0] for b in batch], "sizes": [len(b[1]) for b in batch],
                  "max_pixels": self.max_pixels}
        limits = CageLimits(wall_seconds=20.0 + len(batch), cpu_seconds=10 + len(batch),
                            max_output=1024 + 100 * len(batch))
        try:
            answer = run_caged(_BATCH, b"".join(b[1] for b in batch), params, name="",
                               limits=limits, messages=MESSAGES)
            said = json.loads(answer)
        except (CaptureError, ValueError):
            return
        if not isinstance(said, list) or len(said) != len(batch):
            return
        for (_name, data, header), one in zip(batch, said, strict=True):
            if isinstance(one, dict) and (one.get("width"), one.get("height")) == (
                    header.width, header.height):
                self._passed[hashlib.sha256(data).hexdigest()] = header

    def load(self, path: Path) -> Frame | None:
        """The image, or ``None`` if it is refused (a folder source skips it)."""
        try:
            data = regularfile.read_regular(path, MAX_STILL_BYTES)
            digest = hashlib.sha256(data).hexdigest()
            header = self._passed.get(digest)
            if header is None:
                header = check_still(path.name, data, max_pixels=self.max_pixels)
                self._passed[digest] = header
            return decode_checked(path.name, data, header)
        except CaptureError:
            return None


def _error(code: str, **params: object) -> CaptureError:
    return error_from_table(CaptureError, MESSAGES, code, field="file", **params)
