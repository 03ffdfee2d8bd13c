"""Codes from the camera, read on a thread of its own: preview frames and texts by signal.

Opening a camera and decoding frames never happen on the GUI thread.  Each text
is reported once while the camera runs, so a card or slip left in view does
not trigger a lookup per frame (or overwrite what the resident typed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import cv2
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.domain.errors import DomainError
from kiosk.scanner.arrays import Frame
from kiosk.scanner.barcodes import CodeReader
from kiosk.scanner.frames import FrameSource

PREVIEW_WIDTH = 480
DECODE_EVERY = 2  # frames; decoding every frame is not needed to feel instant

TEXTS = {"no_camera": "Không mở được camera. Xin dùng máy quét mã hoặc nhập mã bằng bàn phím."}


def to_qimage(frame: Frame, width: int = PREVIEW_WIDTH) -> QImage:
    """A small RGB copy of a BGR frame, safe to hand to the GUI thread."""
    height = max(1, round(frame.shape[0] * width / frame.shape[1]))
    small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer


class CameraWorker(QObject):
    """A camera read on a thread of its own; subclasses say what each frame is for."""

    failed = Signal(str)
    thread_name = "camera"
    no_camera_text = TEXTS["no_camera"]

    def __init__(self, open_source: Callable[[], FrameSource], parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self._open_source = open_source
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._thread = None

    def _run(self) -> None:
        try:
            source = self._open_source()  # opening a camera can take seconds: not on the GUI
        except (DomainError, OSError):
            self.failed.emit(self.no_camera_text)
            return
        try:
            self._loop(source)
        finally:
            source.close()

    def _loop(self, source: FrameSource) -> None:
        raise NotImplementedError


class CameraCodeReader(CameraWorker):
    preview = Signal(QImage)
    decoded = Signal(str)

    def __init__(
        self, open_source: Callable[[], FrameSource], parent: QObject | None = None,
        reader: CodeReader | None = None,
    ) -> None:
        super().__init__(open_source, parent)
        self._reader = reader or CodeReader("zxing")

    def _loop(self, source: FrameSource) -> None:
        seen: set[str] = set()
        count = 0
        while not self._stop.is_set():
            frame = source.read()
            if frame is None:
                self._stop.wait(0.03)
                continue
            count += 1
            self.preview.emit(to_qimage(frame))
            if count % DECODE_EVERY == 0:
                self._report(frame, seen)

    def _report(self, frame: Frame, seen: set[str]) -> None:
        for code in self._reader.decode(frame):
            if code.text not in seen:
                seen.add(code.text)
                self.decoded.emit(code.text)
