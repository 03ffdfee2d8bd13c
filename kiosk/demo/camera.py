"""The demo camera: a synthetic live feed for ``kiosk run --demo`` on a machine without a webcam.

It shows an A4 form and a CCCD-like card (with a real QR code of a sample
payload) on a wooden desk.  A hand holds the paper: it drifts for about two
seconds, then rests for about two seconds, so the preview outline, the
"steady" signal and auto-capture can all be seen working.  Time is counted in
frames, not read from a clock, so the feed is the same on every run.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from kiosk.demo import synthetic
from kiosk.scanner.arrays import Frame, Points, f32, u8
from kiosk.scanner.geometry import order_corners

_MOVE_FRAMES = 60
_REST_FRAMES = 60


class DemoCamera:
    """A ``FrameSource`` that never runs dry; frame ``n`` depends only on the seed and ``n``."""

    def __init__(
        self, *, size: tuple[int, int] = (1280, 720), seed: int = 7,
        payload: str = synthetic.SAMPLE_CCCD_PAYLOAD,
    ) -> None:
        self.size = size
        rng = np.random.default_rng(seed)
        width, height = size
        self._desk = synthetic.render_desk(rng, size, "wood")
        self._page = synthetic.render_page(rng, width=int(height * 0.8 * 210 / 297))
        self._card = synthetic.render_card(payload, rng, width=int(width * 0.3))
        page_h = height * 0.86
        page_w = page_h * 210 / 297
        self._page_rest = _rect(width * 0.08, height * 0.07, page_w, page_h, tilt=-4.0)
        card_w = width * 0.3
        self._card_rest = _rect(width * 0.6, height * 0.3, card_w, card_w * 53.98 / 85.6, tilt=6.0)
        self._noise = np.random.default_rng(seed + 1)
        self._count = 0
        self._closed = False

    @property
    def name(self) -> str:
        return "demo camera"

    @property
    def page_corners(self) -> Points:
        """Where the page is in the frame last read (TL, TR, BR, BL)."""
        return self._page_rest + self._offset(max(self._count - 1, 0))

    def read(self) -> Frame | None:
        if self._closed:
            return None
        offset = self._offset(self._count)
        self._count += 1
        frame = synthetic.place(self._desk, self._page, self._page_rest + offset, shadow=False)
        frame = synthetic.place(frame, self._card, self._card_rest + offset * 0.5, shadow=False)
        grain = self._noise.normal(0, 3.0, frame.shape[:2]).astype(np.float32)[..., None]
        return u8(np.clip(frame + grain, 0, 255))

    def close(self) -> None:
        self._closed = True

    def _offset(self, n: int) -> Points:
        """The hand's drift at frame ``n``: a slow wobble, then a rest at the last position."""
        cycle = _MOVE_FRAMES + _REST_FRAMES
        phase = min(n % cycle, _MOVE_FRAMES)
        t = (n // cycle) * _MOVE_FRAMES + phase
        shift = (12 * math.sin(t / 9.0), 8 * math.sin(t / 13.0 + 1.0))
        return f32([shift] * 4)


def _rect(x: float, y: float, w: float, h: float, *, tilt: float) -> Points:
    centre = (x + w / 2, y + h / 2)
    return order_corners(cv2.boxPoints((centre, (w, h), tilt)))
