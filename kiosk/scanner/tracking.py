"""Following a page across live frames: smoothing, short dropouts, and "steady for ~1 s".

Detection on a single frame jitters by a pixel or two and now and then misses
(a hand passes over the page).  The tracker smooths corners while the page
stays put, keeps the last outline through a few missed frames so the preview
does not flicker, and counts consecutive still frames.  ``SteadyHold`` turns
"still and judged good" into the auto-capture countdown, in seconds of the
caller's clock, so both are tested without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.scanner.arrays import Points

STEADY_FRAMES = 30  # consecutive still frames: 2 s at the camera loops' 15 frames/s


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


HOLD_SECONDS = 1.5  # how long a good page must stay still before it is taken by itself
SETTLE_FRAMES = 3  # still frames before the hold (and its countdown) starts
HOLD_MIN_FRAMES = 5  # a stalled camera giving one frame a second does not count as held


@dataclass(frozen=True)
class Hold:
    """Where the countdown to an auto-capture stands after a frame."""

    holding: bool  # the page is still and good: the countdown runs
    seconds_left: float
    progress: float  # 0 … 1 of the hold
    done: bool  # take it now


class SteadyHold:
    """"Steady for ~1.5 s with a good verdict", on the caller's clock (tests pass the time).

    Frames are not a clock: page detection on a busy kiosk may run at 10 frames
    a second or at 30, and the resident is told "Giữ yên…" for a time, not a count.
    The hold breaks at once when the page moves, is lost, or the verdict turns bad.
    """

    def __init__(self, *, seconds: float = HOLD_SECONDS, settle_frames: int = SETTLE_FRAMES,
                 min_frames: int = HOLD_MIN_FRAMES) -> None:
        self.seconds = seconds
        self._settle = settle_frames
        self._min_frames = min_frames
        self._since: float | None = None
        self._frames = 0

    def update(self, now: float, state: TrackState, good: bool) -> Hold:
        if state.corners is None or state.steady_frames < self._settle or not good:
            self.reset()
            return Hold(False, self.seconds, 0.0, False)
        if self._since is None:
            self._since = now
        self._frames += 1
        held = max(0.0, now - self._since)
        left = max(0.0, self.seconds - held)
        done = left == 0.0 and self._frames >= self._min_frames
        return Hold(True, left, min(1.0, held / self.seconds), done)

    def reset(self) -> None:
        self._since = None
        self._frames = 0
