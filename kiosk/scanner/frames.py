"""Where camera frames come from: a webcam, a video file, a folder of images, the demo feed.

Every source satisfies ``FrameSource``: ``read()`` gives the next BGR frame or
``None`` when there is none right now (a webcam unplugged, a file at its end),
``close()`` lets go of the device.  ``read`` never raises for a device problem:
a kiosk whose camera cable is pulled keeps running and shows "no camera" while
the webcam source tries to reopen the device with a growing pause.

``ExclusiveCamera`` wraps the factory the kiosk opens its camera with, so the
screens that use the one device (applicant, documents, Track) take turns: a
second opener waits until the first source is closed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.domain.errors import error_from_table
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.stills import CheckedStills

Frame = npt.NDArray[np.uint8]
Clock = Callable[[], float]
CaptureFactory = Callable[[Any], Any]

MESSAGES: dict[str, str] = {
    "camera_missing": "Không mở được camera. Xin gọi cán bộ hỗ trợ kiểm tra dây cắm camera.",
    "video_missing": "Không mở được tệp video {path}.",
    "folder_empty": "Thư mục {path} không có ảnh nào.",
}

CAMERA_FPS = 15  # what the screens show and analyse; more only costs CPU
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
# After an unplug: first retry at once, then 0.5 s, 1 s, 2 s … up to 5 s.
_BACKOFF_START = 0.5
_BACKOFF_CAP = 5.0


class FrameSource(Protocol):
    """A live or recorded stream of BGR frames."""

    @property
    def name(self) -> str: ...

    def read(self) -> Frame | None:
        """The next frame, or ``None`` if none is available now."""
        ...

    def close(self) -> None: ...


class _Closing:
    """Context-manager and iteration helpers shared by the sources."""

    def read(self) -> Frame | None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def frames(self, limit: int | None = None) -> Iterator[Frame]:
        """Frames until the source runs dry (or ``limit`` frames)."""
        count = 0
        while limit is None or count < limit:
            frame = self.read()
            if frame is None:
                return
            count += 1
            yield frame


class WebcamSource(_Closing):
    """A ``cv2.VideoCapture`` device, reopened with backoff when it stops giving frames.

    ``capture_factory`` and ``clock`` are parameters so the reopen logic can be
    tested with a fake device; the kiosk passes nothing and gets OpenCV and
    ``time.monotonic``.  ``fps`` asks the device for that rate: a 30 frames/s webcam
    read at 15 keeps its buffers full of ever older frames, and the preview lags.
    """

    def __init__(
        self, index: int = 0, *, width: int = 1280, height: int = 720, fps: float | None = None,
        capture_factory: CaptureFactory = cv2.VideoCapture, clock: Clock = time.monotonic,
    ) -> None:
        self.index = index
        self.size = (width, height)
        self.fps = fps
        self._factory = capture_factory
        self._clock = clock
        self._capture: Any = None
        self._failures = 0
        self._next_try = 0.0
        self._closed = False
        self._open()

    @property
    def name(self) -> str:
        return f"webcam {self.index}"

    @property
    def is_open(self) -> bool:
        return self._capture is not None

    def read(self) -> Frame | None:
        if self._closed or (self._capture is None and not self._reopen_due()):
            return None
        if self._capture is None and not self._open():
            return None
        ok, frame = self._capture.read()
        if ok and frame is not None:
            self._failures = 0
            return np.asarray(frame, dtype=np.uint8)
        self._drop()
        return None

    def close(self) -> None:
        """Let go of the device for good (an unplug only releases it until the next retry)."""
        self._release()
        self._closed = True

    def _release(self) -> None:
        if self._capture is not None:
            self._capture.release()
        self._capture = None

    def _open(self) -> bool:
        capture = self._factory(self.index)
        if not capture.isOpened():
            capture.release()
            self._drop()
            return False
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
        if self.fps is not None:
            capture.set(cv2.CAP_PROP_FPS, self.fps)
        self._capture = capture
        return True

    def _drop(self) -> None:
        self._release()
        delay = min(_BACKOFF_CAP, _BACKOFF_START * 2 ** max(self._failures - 1, 0))
        self._next_try = self._clock() + (0.0 if self._failures == 0 else delay)
        self._failures += 1

    def _reopen_due(self) -> bool:
        return self._clock() >= self._next_try


class VideoFileSource(_Closing):
    """Frames of a video file, optionally looping (demo mode), resized to ``size``."""

    def __init__(self, path: Path, *, loop: bool = False, size: tuple[int, int] | None = None):
        self.path = path
        self.loop = loop
        self.size = size
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            raise error_from_table(CaptureError, MESSAGES, "video_missing", path=path)

    @property
    def name(self) -> str:
        return f"video {self.path.name}"

    def read(self) -> Frame | None:
        ok, frame = self._capture.read()
        if not ok and self.loop:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._capture.read()
        if not ok or frame is None:
            return None
        return _fit(np.asarray(frame, dtype=np.uint8), self.size)

    def close(self) -> None:
        self._capture.release()


class ImageFolderSource(_Closing):
    """The images of a folder in name order, as frames; unreadable files are skipped."""

    def __init__(self, folder: Path, *, loop: bool = False, size: tuple[int, int] | None = None):
        self.folder = folder
        self.loop = loop
        self.size = size
        self._files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise error_from_table(CaptureError, MESSAGES, "folder_empty", path=folder)
        self._position = 0
        self._stills = CheckedStills()  # each image checked in the cage once, then decoded
        self._prepared = False

    @property
    def name(self) -> str:
        return f"folder {self.folder.name}"

    def read(self) -> Frame | None:
        if not self._prepared:  # the whole folder checked by one child, on the first read
            self._prepared = True
            self._stills.prepare(self._files)
        while self._position < len(self._files):
            path = self._files[self._position]
            self._position += 1
            if self.loop and self._position == len(self._files):
                self._position = 0
            image = self._stills.load(path)
            if image is not None:
                return _fit(np.asarray(image, dtype=np.uint8), self.size)
        return None

    def close(self) -> None:
        self._position = len(self._files)
        self.loop = False


class ExclusiveCamera:
    """A camera factory that lets one source be open at a time.

    ``open`` takes the device and the returned source's ``close`` gives it back;
    meanwhile another ``open`` waits (on its caller's thread, never the GUI's)
    and gives up, returning ``None``, as soon as its ``stopped`` says so.  A
    webcam opened twice fails or fights over frames, and a slow device may still
    be opening for a screen the resident has already left.
    """

    def __init__(self, factory: Callable[[], FrameSource], *, poll_seconds: float = 0.05
                 ) -> None:
        self._factory = factory
        self._poll = poll_seconds  # how soon a waiting opener notices it was stopped
        self._turn = threading.Condition()
        self._held = False

    @property
    def in_use(self) -> bool:
        """A source is open, or being opened."""
        with self._turn:
            return self._held

    def __call__(self) -> FrameSource:
        """Open, waiting for as long as the device is in use (callers that never stop)."""
        source = self.open()
        assert source is not None  # nothing can stop this wait
        return source

    def open(self, stopped: Callable[[], bool] = lambda: False) -> FrameSource | None:
        """The device's next source, once it is free; ``None`` if ``stopped`` came first."""
        with self._turn:
            while self._held and not stopped():
                self._turn.wait(self._poll)
            if stopped():
                return None
            self._held = True
        try:
            source = self._factory()
        except BaseException:
            self._give_back()
            raise
        return _HeldSource(source, self._give_back)

    def _give_back(self) -> None:
        with self._turn:
            self._held = False
            self._turn.notify_all()


class _HeldSource(_Closing):
    """A source from ``ExclusiveCamera``: closing it frees the device for the next opener."""

    def __init__(self, source: FrameSource, give_back: Callable[[], None]) -> None:
        self._source = source
        self._give_back: Callable[[], None] | None = give_back

    @property
    def name(self) -> str:
        return self._source.name

    def read(self) -> Frame | None:
        return self._source.read()

    def close(self) -> None:
        give_back, self._give_back = self._give_back, None
        if give_back is None:  # closed before: the device may be someone else's now
            return
        try:
            self._source.close()
        finally:
            give_back()


def open_camera(
    spec: str = "auto", *, width: int = 1280, height: int = 720,
    capture_factory: CaptureFactory = cv2.VideoCapture,
) -> FrameSource:
    """Open a frame source from a setting: "auto", "demo", a device index, a file or folder.

    "auto" takes webcam 0 when it opens and gives a frame, otherwise the demo
    feed, so ``kiosk run --demo`` on a laptop without a camera still works; an
    appliance has no demo package, and there "auto" without a webcam is a missing
    camera, never a made-up card.
    """
    if spec == "demo":
        return _demo_camera(width, height)
    if spec == "auto":
        cam = WebcamSource(0, width=width, height=height, fps=CAMERA_FPS,
                           capture_factory=capture_factory)
        if cam.is_open and cam.read() is not None:
            return cam
        cam.close()
        try:
            return _demo_camera(width, height)
        except ImportError:  # the appliance: kiosk/demo left out
            raise error_from_table(CaptureError, MESSAGES, "camera_missing") from None
    if spec.isdigit():
        cam = WebcamSource(int(spec), width=width, height=height, fps=CAMERA_FPS,
                           capture_factory=capture_factory)
        if not cam.is_open:
            raise error_from_table(CaptureError, MESSAGES, "camera_missing")
        return cam
    path = Path(spec)
    if path.is_dir():
        return ImageFolderSource(path, loop=True, size=(width, height))
    return VideoFileSource(path, loop=True, size=(width, height))


def _demo_camera(width: int, height: int) -> FrameSource:
    from kiosk.demo.camera import DemoCamera  # the demo pulls in the synthetic renderer

    return DemoCamera(size=(width, height))


def _fit(frame: Frame, size: tuple[int, int] | None) -> Frame:
    if size is None or (frame.shape[1], frame.shape[0]) == size:
        return frame
    return np.asarray(cv2.resize(frame, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
