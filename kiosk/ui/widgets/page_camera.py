"""The document camera on a thread of its own: preview with the page outline, auto-capture.

Opening the camera, page detection, tracking and the quality verdict all run
here, never on the GUI thread; the screen gets small preview images, a hint in
Vietnamese, the auto-capture countdown ("Giữ yên…": whole seconds left, 0 when
none runs) and one full-size still with its corners: by itself once a good page
has been still for about 1.5 s (``SteadyHold``), at once on "Chụp", or for the
corner editor on "Chỉnh góc bằng tay".

Frames come at 15 a second; the page is detected on every third (5 a second)
and its outline followed in between by fitting each side to the edge near
where it was, which costs a tenth of a detection.  The quality verdict comes
with every third frame too, and on the frame the page settles.

After a capture the worker pauses: its thread blocks and reads nothing (a
webcam's driver keeps the picture coming, so it is fresh on resume) until the
screen resumes it, and auto-capture stays disarmed until the page is taken away
or moved, so the page just photographed is not taken again.

A stopped run's thread may still be finishing a frame when the next run starts:
it neither takes the new run's "Chụp" request nor pauses or disarms it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.scanner.arrays import Frame, Points, u8
from kiosk.scanner.frames import FrameSource
from kiosk.scanner.pagedetect import detect_page, refine_corners
from kiosk.scanner.quality import assess
from kiosk.scanner.tracking import (
    HOLD_SECONDS,
    SETTLE_FRAMES,
    STEADY_FRAMES,
    Hold,
    PageTracker,
    SteadyHold,
    TrackState,
)
from kiosk.scanner.warp import whole_frame
from kiosk.ui.camera import CameraRun, CameraWorker, FramePacer, bgr_qimage, shrink

PREVIEW_WIDTH = 960
DETECT_EVERY = 3  # frames: a detection 5 times a second, the outline followed in between
ASSESS_EVERY = 3  # frames between quality verdicts (the hint need not change faster)
PAUSED_POLL_SECONDS = 0.5  # a worker deleted unstopped only raises its flag: seen this soon
REARM_SHARE = 0.05  # of the diagonal: the page moved this far counts as a new page
OUTLINE_OK = (40, 160, 0)  # BGR green
OUTLINE_WAIT = (0, 140, 255)  # BGR orange

TEXTS = {"no_camera": "Không mở được camera. Xin dùng máy quét, tệp từ USB, "
                      "hoặc gọi cán bộ hỗ trợ."}


@dataclass(frozen=True)
class Still:
    """One captured frame and the page outline in it (the whole frame when none was found)."""

    frame: Frame
    corners: Points
    found: bool  # False: the corners are the frame's own edges
    manual: bool = False  # asked for the corner editor («Chỉnh góc bằng tay»)


class PageCamera(CameraWorker):
    preview = Signal(QImage)
    hint = Signal(str)
    captured = Signal(object)  # Still
    countdown = Signal(int)  # whole seconds left before the page is taken; 0: not holding
    thread_name = "page-camera"
    no_camera_text = TEXTS["no_camera"]

    def __init__(
        self, open_source: Callable[[], FrameSource], parent: QObject | None = None, *,
        preview_width: int = PREVIEW_WIDTH, steady_frames: int = STEADY_FRAMES,
        hold_seconds: float = HOLD_SECONDS, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(open_source, parent)
        self._preview_width = preview_width
        self._steady_frames = steady_frames
        self._hold_seconds = hold_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # resume and stop wake a paused thread
        self._paused = False
        self._request: str | None = None  # "page" or "manual", taken by the next frame
        self._armed = True
        self._last_corners: Points | None = None

    def start(self) -> None:
        """Open the camera (on the worker thread) and show it live, auto-capture armed."""
        self.resume()
        super().start()

    def stop(self) -> None:
        super().stop()
        with self._wake:
            self._wake.notify_all()  # a paused thread ends now, not at its next poll

    def pause(self) -> None:
        """Hold the thread: it reads no frame and analyses nothing until ``resume``."""
        with self._lock:
            self._paused = True

    def resume(self, *, rearm: bool = True) -> None:
        """Live again after a still; ``rearm=False`` waits for the page to be moved first."""
        with self._wake:
            self._request = None
            self._armed = self._armed or rearm
            self._paused = False
            self._wake.notify_all()

    def capture(self, *, manual: bool = False) -> None:
        """Take the next frame now: "Chụp", or "Chỉnh góc bằng tay" (``manual``)."""
        with self._lock:
            self._request = "manual" if manual else "page"

    def _loop(self, source: FrameSource, run: CameraRun) -> None:
        outline: Outline | None = None
        hold = SteadyHold(seconds=self._hold_seconds)
        count, last_hint, good, shown = 0, "", False, 0
        pacer = FramePacer()
        while not run.stop.is_set():
            if self._wait_while_paused(run):
                continue
            pacer.wait(run.stop)
            frame = source.read()
            if frame is None:
                run.stop.wait(0.03)
                continue
            if outline is None:
                outline = Outline(float(np.hypot(*frame.shape[:2])), self._steady_frames)
            state = outline.update(frame)
            count += 1
            if self._take_request(frame, state, run):
                outline.reset()
                hold.reset()
                shown = self._post_countdown(run, shown, 0)
                continue
            if count % ASSESS_EVERY == 0 or state.steady_frames == SETTLE_FRAMES:
                verdict = assess(frame, state.corners)
                good = verdict.ok
                if verdict.message != last_hint:
                    last_hint = verdict.message
                    run.post("hint", verdict.message)
            armed = self._armed_for(frame, state, run)  # also when bad: a page taken away
            now = hold.update(self._clock(), state, good and armed)
            shown = self._post_countdown(run, shown, math.ceil(now.seconds_left)
                                         if now.holding and not now.done else 0)
            if now.done:
                self._emit_still(Still(frame.copy(), _corners(state), True), run)
                outline.reset()
                hold.reset()
                continue
            run.post("preview", preview_image(frame, state, self._preview_width, now),
                     newest_only=True)

    def _wait_while_paused(self, run: CameraRun) -> bool:
        """Block, reading nothing, while paused; ``True`` if it did (look at stop again)."""
        with self._wake:
            if not self._paused:
                return False
            while self._paused and not run.stop.is_set():
                self._wake.wait(PAUSED_POLL_SECONDS)
        return True

    @staticmethod
    def _post_countdown(run: CameraRun, shown: int, seconds: int) -> int:
        if seconds != shown:
            run.post("countdown", seconds)
        return seconds

    def _take_request(self, frame: Frame, state: TrackState, run: CameraRun) -> bool:
        with self._lock:
            if run.stop.is_set():  # the request is the next run's
                return False
            request, self._request = self._request, None
        if request is None:
            return False
        manual = request == "manual"
        if state.corners is None:
            self._emit_still(Still(frame.copy(), whole_frame(frame), False, manual), run)
        else:
            self._emit_still(Still(frame.copy(), state.corners.copy(), True, manual), run)
        return True

    def _armed_for(self, frame: Frame, state: TrackState, run: CameraRun) -> bool:
        """Auto-capture may run: not the page just taken, still lying where it was."""
        with self._lock:
            if run.stop.is_set():
                return False
            if not self._armed:
                self._armed = self._rearm(frame, state)
            return self._armed

    def _rearm(self, frame: Frame, state: TrackState) -> bool:
        if state.corners is None:
            return True
        if self._last_corners is None:
            return True
        moved = float(np.max(np.linalg.norm(state.corners - self._last_corners, axis=1)))
        return moved > REARM_SHARE * float(np.hypot(*frame.shape[:2]))

    def _emit_still(self, still: Still, run: CameraRun) -> None:
        with self._lock:
            if run.stop.is_set():  # neither pause nor disarm the run that follows
                return
            self._armed = False
            self._last_corners = still.corners.copy()
            self._paused = True
        run.post("captured", still)


def _corners(state: TrackState) -> Points:
    assert state.corners is not None  # a hold runs only with an outline
    return state.corners.copy()


class Outline:
    """The page across frames: detected every ``DETECT_EVERY`` frames, followed in between.

    Following fits each side of the last outline to the strongest edge near it
    at full resolution, as detection itself finishes: a page lying still keeps
    its exact corners, one slid by a hand is followed, and one taken away is
    dropped at the next detection.  ``PageTracker`` smooths the result."""

    def __init__(self, diagonal: float, steady_frames: int = STEADY_FRAMES) -> None:
        self._tracker = PageTracker(diagonal, steady_frames=steady_frames)
        self._frames = 0
        self._last: Points | None = None  # the outline measured on the frame before

    def update(self, frame: Frame) -> TrackState:
        if self._frames % DETECT_EVERY == 0:
            found = detect_page(frame)
            self._last = None if found is None else found.corners
        elif self._last is not None:
            self._last = refine_corners(frame, self._last)
        self._frames += 1
        return self._tracker.update(self._last)

    def reset(self) -> None:
        """Forget the page; the next frame is a detection."""
        self._tracker.reset()
        self._frames = 0
        self._last = None


def preview_image(frame: Frame, state: TrackState, width: int, hold: Hold | None = None
                  ) -> QImage:
    """A small copy with the outline drawn: green while the countdown runs, orange
    otherwise, and along the bottom a bar that fills as the countdown runs out."""
    small = shrink(frame, width)
    if small.ndim == 2:
        small = u8(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    elif small is frame:  # already small: draw on a copy, never on the camera's frame
        small = frame.copy()
    scale = width / frame.shape[1]
    height = small.shape[0]
    if state.corners is not None:
        points = (state.corners * scale).astype(np.int32).reshape(-1, 1, 2)
        colour = OUTLINE_OK if hold is not None and hold.holding else OUTLINE_WAIT
        cv2.polylines(small, [points], True, colour, max(3, width // 200), cv2.LINE_AA)
    if hold is not None and hold.holding:
        bar = max(8, height // 40)
        cv2.rectangle(small, (0, height - bar), (round(width * hold.progress), height),
                      OUTLINE_OK, cv2.FILLED)
    return bgr_qimage(small)
