"""Following a page across live frames: smoothing, short dropouts, and "steady for ~1 s".

Detection on a single frame jitters by a pixel or two and now and then misses
(a hand passes over the page).  The tracker smooths corners while the page
stays put, keeps the last outline through a few missed frames so the preview
does not flicker, and counts consecutive still frames.  Time is counted in
frames (the camera's rate is known), so the logic is tested without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.scanner.arrays import Points

STEADY_FRAMES = 30  # about 1 s of a 30 frames/s webcam


@dataclass(frozen=True)
class TrackState:
    """What the preview shows after a frame: the outline (if any) and whether to capture."""

    corners: Points | None
    steady_frames: int
    steady: bool


class PageTracker:
    """Feed it each frame's detection (or ``None``); it answers with a smoothed ``TrackState``.

    ``still_share`` is how far (as a share of the frame diagonal) a corner may
    move between frames and still count as still; ``jump_share`` is the move
    beyond which the page is taken to be a new one and smoothing restarts.
    """

    def __init__(
        self, diagonal: float, *, steady_frames: int = STEADY_FRAMES, smoothing: float = 0.5,
        still_share: float = 0.004, jump_share: float = 0.05, hold_frames: int = 5,
    ) -> None:
        self.steady_frames = steady_frames
        self._alpha = smoothing
        self._still = still_share * diagonal
        self._jump = jump_share * diagonal
        self._hold = hold_frames
        self._corners: Points | None = None
        self._missed = 0
        self._still_count = 0

    def update(self, corners: Points | None) -> TrackState:
        if corners is None:
            return self._miss()
        self._missed = 0
        if self._corners is None or self._moved(corners) > self._jump:
            self._corners = corners.astype(np.float32)
            self._still_count = 0
            return self._state()
        moved = self._moved(corners)
        blended = self._alpha * self._corners + (1 - self._alpha) * corners
        self._corners = blended.astype(np.float32)
        self._still_count = self._still_count + 1 if moved <= self._still else 0
        return self._state()

    def reset(self) -> None:
        """Forget the page (after a capture, so the same page is not taken twice at once)."""
        self._corners = None
        self._still_count = 0
        self._missed = 0

    def _miss(self) -> TrackState:
        self._missed += 1
        self._still_count = 0
        if self._missed > self._hold:
            self._corners = None
        return self._state()

    def _moved(self, corners: Points) -> float:
        assert self._corners is not None
        return float(np.max(np.linalg.norm(corners - self._corners, axis=1)))

    def _state(self) -> TrackState:
        steady = self._corners is not None and self._still_count >= self.steady_frames
        return TrackState(self._corners, self._still_count, steady)
