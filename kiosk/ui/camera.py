"""Codes from the camera, read on a thread of its own: preview frames and texts by signal.

Opening a camera and decoding frames never happen on the GUI thread, and
neither does waiting for them: ``stop()`` only raises the run's stop flag and
returns, the thread closes its source by itself.  Each ``start()`` gets a fresh
thread, which first waits (on its own thread) for the device to be free: the
factory is an ``ExclusiveCamera``, so the applicant, documents and Track
screens, and a restart of one of them, never have the device open twice.

The thread touches no Qt object: it leaves what it found in its run's mailbox
(only the newest preview is kept) and the worker, on the GUI thread, takes it
on a timer and emits its signals.  So a worker deleted with its screen is
never emitted into from a thread, and nothing from a stopped run ever reaches
a screen.  Each text is reported once while the camera runs, so a card or slip
left in view does not trigger a lookup per frame (or overwrite what the
resident typed).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Protocol

import cv2
import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from kiosk.domain.errors import DomainError
from kiosk.scanner.arrays import Frame, u8
from kiosk.scanner.barcodes import CodeReader
from kiosk.scanner.frames import CAMERA_FPS, ExclusiveCamera, FrameSource
from kiosk.scanner.livecode import LiveCodeReader

PREVIEW_WIDTH = 480
DECODE_EVERY = 1  # frames: every one (tune clips 52 → 60 % read within 1 s; an unreadable
# frame costs ≈ 11 ms CPU, 0.17 cores at 15 fps; bench_camera code_cores 0.05 → 0.09)
DELIVER_MS = 15  # the GUI takes what the thread found a few times per frame
# A video file (the demo camera) would play as fast as it decodes, and every frame costs
# detection: 15 frames/s looks live and leaves most of a core to the rest of the kiosk.
MIN_FRAME_SECONDS = 1 / CAMERA_FPS

TEXTS = {"no_camera": "Không mở được camera. Xin dùng máy quét mã hoặc nhập mã bằng bàn phím."}

log = logging.getLogger(__name__)


def shrink(frame: Frame, width: int) -> Frame:
    """``frame`` scaled to ``width`` pixels across; ``frame`` itself if it fits already.

    Area averaging keeps fine print from shimmering but OpenCV does it fast only
    by whole factors: so a whole factor first, the rest (under 1.5×) bilinear."""
    height, across = frame.shape[:2]
    factor = across // width
    if factor >= 2:
        whole = across % factor == 0 and height % factor == 0
        size = (across // factor, height // factor) if whole else _size(frame, width)
        frame = u8(cv2.resize(frame, size, interpolation=cv2.INTER_AREA))
    if frame.shape[1] == width:
        return frame
    return u8(cv2.resize(frame, _size(frame, width), interpolation=cv2.INTER_LINEAR))


def _size(frame: Frame, width: int) -> tuple[int, int]:
    return width, max(1, round(frame.shape[0] * width / frame.shape[1]))


def bgr_qimage(frame: Frame) -> QImage:
    """A QImage of its own (safe to hand to the GUI thread) from a BGR or gray frame: Qt
    reads BGR as it is, so no colour conversion."""
    height, width = frame.shape[:2]
    kind = QImage.Format.Format_Grayscale8 if frame.ndim == 2 else QImage.Format.Format_BGR888
    pixels = np.ascontiguousarray(frame)
    return QImage(pixels.data, width, height, pixels.strides[0], kind).copy()  # detach


def to_qimage(frame: Frame, width: int = PREVIEW_WIDTH) -> QImage:
    """A small copy of a BGR frame for the preview, safe to hand to the GUI thread."""
    return bgr_qimage(shrink(frame, width))


class Waiter(Protocol):
    def wait(self, timeout: float | None = None) -> bool: ...


class FramePacer:
    """Frames ``seconds`` apart on average, never closer on average: a webcam paces itself,
    a video file does not, and an unpaced demo camera keeps a whole core busy all day.

    A frame that took long (a detection on a busy kiosk) is made up by shorter
    waits after it, so the rate holds at 15 a second while the average frame fits;
    a stall of a whole frame or more is not made up by a burst."""

    def __init__(self, seconds: float = MIN_FRAME_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._due = -math.inf

    def wait(self, stop: Waiter) -> None:
        now = self._clock()
        if self._due > now:
            stop.wait(self._due - now)
            now = self._clock()
        late = now - self._due  # 0 or less when the wait above ran
        self._due = (self._due if late < self._seconds else now) + self._seconds


class CameraRun:
    """One start-to-stop of a camera: its thread's stop flag and its mailbox to the GUI."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.ended = threading.Event()  # the thread has closed its source and posts no more
        self._lock = threading.Lock()
        self._mail: list[tuple[str, object]] = []

    def post(self, signal: str, value: object, *, newest_only: bool = False) -> None:
        """Leave ``value`` for the worker's ``signal``; a stopped run's mail is dropped."""
        if self.stop.is_set():
            return
        with self._lock:
            if newest_only:  # a preview the GUI has not shown yet is stale: never a backlog
                self._mail = [item for item in self._mail if item[0] != signal]
            self._mail.append((signal, value))

    def take(self) -> list[tuple[str, object]]:
        with self._lock:
            mail, self._mail = self._mail, []
        return mail


def _stop_all(live: list[tuple[threading.Thread, CameraRun]]) -> None:
    for _thread, run in live:
        run.stop.set()


class CameraWorker(QObject):
    """A camera read on a thread of its own; subclasses say what each frame is for."""

    failed = Signal(str)
    thread_name = "camera"
    no_camera_text = TEXTS["no_camera"]

    def __init__(self, open_source: Callable[[], FrameSource], parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        # Shared with the other screens when the kiosk gave one; else this worker's own, so
        # that at least its own restarts take turns with the thread still closing.
        self._camera = (open_source if isinstance(open_source, ExclusiveCamera)
                        else ExclusiveCamera(open_source))
        self._run: CameraRun | None = None
        self._live: list[tuple[threading.Thread, CameraRun]] = []  # threads maybe still going
        self._timer = QTimer(self)
        self._timer.setInterval(DELIVER_MS)
        self._timer.timeout.connect(self._deliver)
        # Deleted with its screen while running (no stop): the threads must still end.
        self.destroyed.connect(partial(_stop_all, self._live))

    @property
    def running(self) -> bool:
        """Started, and neither stopped nor ended by itself (it may still be opening)."""
        return self._run is not None

    def start(self) -> None:
        """A fresh thread that opens the camera once it is free; returns at once."""
        if self._run is not None:
            return
        run = CameraRun()
        thread = threading.Thread(target=self._thread_main, args=(run,),
                                  name=self.thread_name, daemon=True)
        self._prune()
        self._live.append((thread, run))
        self._run = run
        thread.start()
        self._timer.start()

    def stop(self) -> None:
        """Tell the thread to end and return at once; it closes the camera by itself."""
        run, self._run = self._run, None
        self._timer.stop()
        if run is not None:
            run.stop.set()

    def wait(self, timeout: float) -> bool:
        """Block until every thread of this worker has ended (shutdown and tests only)."""
        deadline = time.monotonic() + timeout
        for thread, _run in self._live:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._prune()
        return not self._live

    def _prune(self) -> None:
        # In place: the ``destroyed`` hook holds this very list.
        self._live[:] = [item for item in self._live if item[0].is_alive()]

    def _deliver(self) -> None:
        """On the GUI thread: emit what the running thread left; forget a run that ended."""
        run = self._run
        if run is None:
            return
        ended = run.ended.is_set()  # read first: everything it posted is in this take
        for signal, value in run.take():
            if self._run is not run:  # a slot stopped the camera: the rest is stale
                return
            getattr(self, signal).emit(value)
        if ended and self._run is run:
            self._run = None
            self._timer.stop()

    # --- on the camera's thread: no Qt object is touched here -----------------------

    def _thread_main(self, run: CameraRun) -> None:
        try:
            self._use_camera(run)
        except Exception:  # the error boundary: a bad frame must not end the kiosk's day
            log.exception("camera thread %s failed", self.thread_name)
            run.post("failed", self.no_camera_text)
        finally:
            run.ended.set()

    def _use_camera(self, run: CameraRun) -> None:
        try:
            source = self._camera.open(run.stop.is_set)  # may wait, then take seconds
        except (DomainError, OSError):
            run.post("failed", self.no_camera_text)
            return
        if source is None:  # stopped while another run still held the device
            return
        try:
            self._loop(source, run)
        finally:
            source.close()

    def _loop(self, source: FrameSource, run: CameraRun) -> None:
        raise NotImplementedError


class CameraCodeReader(CameraWorker):
    """Codes read across the camera's frames by a ``LiveCodeReader`` (it tracks the code's
    region from frame to frame); ``reader`` is the single-frame reader it builds on."""

    preview = Signal(QImage)
    decoded = Signal(str)

    def __init__(
        self, open_source: Callable[[], FrameSource], parent: QObject | None = None,
        reader: CodeReader | None = None,
    ) -> None:
        super().__init__(open_source, parent)
        self._reader = reader or CodeReader("zxing")

    def _loop(self, source: FrameSource, run: CameraRun) -> None:
        seen: set[str] = set()
        live = LiveCodeReader(self._reader)  # one per run: nothing tracked from a past one
        count = 0
        pacer = FramePacer()
        while not run.stop.is_set():
            pacer.wait(run.stop)
            frame = source.read()
            if frame is None:
                run.stop.wait(0.03)
                continue
            count += 1
            run.post("preview", to_qimage(frame), newest_only=True)
            if count % DECODE_EVERY == 0:
                self._report(live, frame, seen, run)

    def _report(self, live: LiveCodeReader, frame: Frame, seen: set[str], run: CameraRun
                ) -> None:
        for code in live.feed(frame):
            if code.text not in seen:
                seen.add(code.text)
                run.post("decoded", code.text)
