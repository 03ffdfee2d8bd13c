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
import threading
import time
from collections.abc import Callable
from functools import partial

import cv2
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from kiosk.domain.errors import DomainError
from kiosk.scanner.arrays import Frame
from kiosk.scanner.barcodes import CodeReader
from kiosk.scanner.frames import ExclusiveCamera, FrameSource
from kiosk.scanner.livecode import LiveCodeReader

PREVIEW_WIDTH = 480
DECODE_EVERY = 2  # frames; decoding every frame is not needed to feel instant
DELIVER_MS = 15  # the GUI takes what the thread found about twice per frame at 30 fps
MIN_FRAME_SECONDS = 1 / 30  # a video file (the demo camera) would play as fast as it decodes

TEXTS = {"no_camera": "Không mở được camera. Xin dùng máy quét mã hoặc nhập mã bằng bàn phím."}

log = logging.getLogger(__name__)


def to_qimage(frame: Frame, width: int = PREVIEW_WIDTH) -> QImage:
    """A small RGB copy of a BGR frame, safe to hand to the GUI thread."""
    height = max(1, round(frame.shape[0] * width / frame.shape[1]))
    small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer


class FramePacer:
    """At most one frame per ``seconds``: a webcam paces itself, a video file does not, and
    an unpaced demo camera keeps a whole core busy all day."""

    def __init__(self, seconds: float = MIN_FRAME_SECONDS) -> None:
        self._seconds = seconds
        self._last = 0.0

    def wait(self, stop: threading.Event) -> None:
        stop.wait(max(0.0, self._last + self._seconds - time.monotonic()))
        self._last = time.monotonic()


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
