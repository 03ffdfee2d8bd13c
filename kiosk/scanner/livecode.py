"""Reading a code across the frames of live video, not one frame at a time.

A card brought up to a webcam is small, blurred or half out of frame for a
while, then readable in some frames and not others (hand shake, autofocus,
compression).  ``LiveCodeReader`` keeps what it learnt from earlier frames:

- the code's region (from the last read, else the best code-like region found),
  tried first in the next frame, so the search starts where the code was;
- which crop variant it is at: each frame starts the region's list of
  enlargements and binarisations at the next one, so a few frames try them all
  while each frame stays within its budget;
- a running average of the region's crop, aligned frame to frame by phase
  correlation, which evens out sensor noise and JPEG blocks that no single
  frame is free of (reset when the code moves away or changes size).

``feed`` never raises on a bad frame.  Each frame runs the full-frame decode,
the region search and one attempt on the running average (the across-frames
path: a loaded machine must not starve it); further crop attempts start only
while ``budget_ms`` is not yet spent.
No Qt here: ``kiosk.ui.camera.CameraCodeReader`` runs it on the camera thread.
"""

from __future__ import annotations

import time

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.scanner.arrays import Frame, f32, u8
from kiosk.scanner.barcodes import (
    BUDGET_MS,
    Box,
    CodeReader,
    code_regions,
    rescaled,
    usable_gray,
)
from kiosk.scanner.codebackends import Decoded

KEEP_FRAMES = 15  # a region neither read nor seen again is forgotten after a second at 15 fps
_FUSE_WEIGHT = 0.35  # weight of the newest crop in the running average
_MAX_SHIFT = 0.15  # of the crop's side: more between frames and the average restarts


class LiveCodeReader:
    """Feed it frames; it returns the codes it read in each, using what earlier frames showed."""

    def __init__(self, reader: CodeReader | None = None, *, budget_ms: float = BUDGET_MS) -> None:
        self.reader = reader or CodeReader("zxing", budget_ms=budget_ms)
        self.budget_ms = budget_ms
        self.region: Box | None = None
        self._age = 0
        self._turn = 0
        self._fused: npt.NDArray[np.float32] | None = None
        self._shape: tuple[int, ...] = ()

    def reset(self) -> None:
        """Forget the tracked region (a new resident, a restarted camera)."""
        self.region, self._age, self._fused = None, 0, None

    def feed(self, frame: Frame) -> list[Decoded]:
        """The codes read in ``frame`` (an empty list when none); never raises on a bad frame."""
        start = time.perf_counter()
        prepared = usable_gray(frame)
        if prepared is None:
            return []
        gray, factor = prepared
        if self.region is not None and self._shape != gray.shape:
            self.reset()  # another camera or resolution: the old region means nothing here
        self._shape = gray.shape
        return rescaled(self._feed(gray, start), factor)

    def _feed(self, gray: Frame, start: float) -> list[Decoded]:
        self._turn += 1
        found = self.reader.backend.decode(gray)
        if found:
            self._track_read(found, gray.shape)
            return found
        fresh = code_regions(gray)[:2]
        regions = [self.region] if self.region is not None else []
        regions += [box for box in fresh if self.region is None or _overlap(box, self.region) < 0.5]
        found = self._fused_read(gray, start)
        if not found:
            found = self.reader.decode_regions(gray, regions[:3], start=start, first=self._turn,
                                               budget_ms=self.budget_ms, strict=True)
        if found:
            self._track_read(found, gray.shape)
            return found
        self._age += 1
        best = fresh[0] if fresh else None
        if best is not None and (self.region is None or _overlap(best, self.region) < 0.6):
            self.region, self._age, self._fused = best, 0, None  # first sight, or it moved
        elif best is not None:
            self._age = 0  # still where it was: keep the box steady for the average
        if self._age > KEEP_FRAMES:
            self.reset()
        return []

    def _fused_read(self, gray: Frame, start: float) -> list[Decoded]:
        """Add the tracked region's crop to the running average and try to read that."""
        if self.region is None:
            return []
        x, y, w, h = self.region
        crop = gray[y:y + h, x:x + w].astype(np.float32)
        if crop.shape[0] < 16 or crop.shape[1] < 16:
            return []
        fused = self._fused
        if fused is None or fused.shape != crop.shape:
            self._fused = crop
            return []
        window = cv2.createHanningWindow((w, h), cv2.CV_32F)
        (dx, dy), _response = cv2.phaseCorrelate(fused, crop, window)
        if max(abs(dx), abs(dy)) > _MAX_SHIFT * max(w, h):
            self._fused = crop
            return []
        back = f32([[1, 0, -dx], [0, 1, -dy]])
        aligned = np.asarray(cv2.warpAffine(crop, back, (w, h), borderMode=cv2.BORDER_REPLICATE),
                             np.float32)
        self._fused = np.asarray((1 - _FUSE_WEIGHT) * fused + _FUSE_WEIGHT * aligned, np.float32)
        average = u8(np.clip(self._fused, 0, 255))
        return self.reader.decode_regions(average, [(0, 0, w, h)], start=start, first=self._turn,
                                          budget_ms=self.budget_ms, max_attempts=2,
                                          offset=(x, y))

    def _track_read(self, found: list[Decoded], shape: tuple[int, ...]) -> None:
        corners = np.array([p for code in found for p in code.corners], np.float32)
        self._age = 0
        if len(corners) == 0:
            return
        x0, y0 = corners.min(axis=0)
        x1, y1 = corners.max(axis=0)
        margin = 0.25 * max(x1 - x0, y1 - y0) + 8
        left, top = max(0, int(x0 - margin)), max(0, int(y0 - margin))
        right, bottom = min(shape[1], int(x1 + margin)), min(shape[0], int(y1 + margin))
        box = (left, top, right - left, bottom - top)
        if self.region is None or _overlap(box, self.region) < 0.8:
            self._fused = None
        self.region = box


def _overlap(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    return inter / max(aw * ah + bw * bh - inter, 1)
