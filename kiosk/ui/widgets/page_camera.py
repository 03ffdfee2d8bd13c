"""The document camera on a thread of its own: preview with the page outline, auto-capture.

Opening the camera, page detection, tracking and the quality verdict all run
here, never on the GUI thread; the screen gets small preview images, a hint in
Vietnamese and, when the page has been still and sharp for about a second (or
when the resident taps "Chụp"), one full-size still with its corners.

After a capture the worker pauses (frames are still read, so the picture is
fresh when the resident goes on) and auto-capture stays disarmed until the
page is taken away or moved, so the page just photographed is not taken again.

A stopped run's thread may still be finishing a frame when the next run starts:
it neither takes the new run's "Chụp" request nor pauses or disarms it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.scanner.arrays import Frame, Points, u8
from kiosk.scanner.frames import FrameSource
from kiosk.scanner.pagedetect import detect_page
from kiosk.scanner.quality import MESSAGES as QUALITY_MESSAGES
from kiosk.scanner.quality import assess
from kiosk.scanner.tracking import STEADY_FRAMES, PageTracker, TrackState
from kiosk.scanner.warp import whole_frame
from kiosk.ui.camera import CameraRun, CameraWorker, FramePacer

PREVIEW_WIDTH = 960
ASSESS_EVERY = 5  # frames between quality verdicts (the hint need not change faster)
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


class PageCamera(CameraWorker):
    preview = Signal(QImage)
    hint = Signal(str)
    captured = Signal(object)  # Still
    thread_name = "page-camera"
    no_camera_text = TEXTS["no_camera"]

    def __init__(
        self, open_source: Callable[[], FrameSource], parent: QObject | None = None, *,
        preview_width: int = PREVIEW_WIDTH, steady_frames: int = STEADY_FRAMES,
    ) -> None:
        super().__init__(open_source, parent)
        self._preview_width = preview_width
        self._steady_frames = steady_frames
        self._paused = threading.Event()
        self._lock = threading.Lock()
        self._request: str | None = None  # "page" or "whole", taken by the next frame
        self._armed = True
        self._last_corners: Points | None = None

    def start(self) -> None:
        """Open the camera (on the worker thread) and show it live, auto-capture armed."""
        self.resume()
        super().start()

    def pause(self) -> None:
        self._paused.set()

    def resume(self, *, rearm: bool = True) -> None:
        """Live again after a still; ``rearm=False`` waits for the page to be moved first."""
        with self._lock:
            self._request = None
            self._armed = self._armed or rearm
        self._paused.clear()

    def capture(self, *, whole: bool = False) -> None:
        """Take the next frame now (the "Chụp" and "Dùng cả khung hình" buttons)."""
        with self._lock:
            self._request = "whole" if whole else "page"

    def _loop(self, source: FrameSource, run: CameraRun) -> None:
        tracker: PageTracker | None = None
        count = 0
        last_hint = ""
        pacer = FramePacer()
        while not run.stop.is_set():
            pacer.wait(run.stop)
            frame = source.read()
            if frame is None:
                run.stop.wait(0.03)
                continue
            if self._paused.is_set():
                continue
            if tracker is None:
                tracker = PageTracker(float(np.hypot(*frame.shape[:2])),
                                      steady_frames=self._steady_frames)
            found = detect_page(frame)
            state = tracker.update(found.corners if found is not None else None)
            count += 1
            if self._take_request(frame, state, run):
                tracker.reset()
                continue
            if count % ASSESS_EVERY == 0 or state.steady:
                message = assess(frame, state.corners).message
                if message != last_hint:
                    last_hint = message
                    run.post("hint", message)
            if self._auto_capture(frame, state, last_hint, run):
                tracker.reset()
                continue
            run.post("preview", preview_image(frame, state, self._preview_width),
                     newest_only=True)

    def _take_request(self, frame: Frame, state: TrackState, run: CameraRun) -> bool:
        with self._lock:
            if run.stop.is_set():  # the request is the next run's
                return False
            request, self._request = self._request, None
        if request is None:
            return False
        if request == "whole" or state.corners is None:
            self._emit_still(Still(frame.copy(), whole_frame(frame), False), run)
        else:
            self._emit_still(Still(frame.copy(), state.corners.copy(), True), run)
        return True

    def _auto_capture(self, frame: Frame, state: TrackState, hint: str, run: CameraRun
                      ) -> bool:
        with self._lock:
            if run.stop.is_set():
                return False
            if not self._armed:
                self._armed = self._rearm(frame, state)
                return False
        if not state.steady or state.corners is None or hint != QUALITY_MESSAGES["ok"]:
            return False
        if not assess(frame, state.corners).ok:
            return False
        self._emit_still(Still(frame.copy(), state.corners.copy(), True), run)
        return True

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
            self._paused.set()
        run.post("captured", still)


def preview_image(frame: Frame, state: TrackState, width: int) -> QImage:
    """A small RGB copy with the outline drawn: green when steady, orange while settling."""
    scale = width / frame.shape[1]
    height = max(1, round(frame.shape[0] * scale))
    small = u8(cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA))
    if small.ndim == 2:
        small = u8(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    if state.corners is not None:
        points = (state.corners * scale).astype(np.int32).reshape(-1, 1, 2)
        colour = OUTLINE_OK if state.steady_frames > 0 else OUTLINE_WAIT
        cv2.polylines(small, [points], True, colour, max(3, width // 200), cv2.LINE_AA)
    rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer
