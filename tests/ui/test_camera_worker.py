"""Camera workers: stop never waits, one opener at a time, nothing after stop, clean shutdown.

Real threads against a fake device whose open can be held (a webcam slow to
open) and whose reads take a while, and a real video file of a QR code.  The
assertions are about order (stop returned before the open finished), counts
(sources open at once) and threads; durations are only recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.demo.synthetic import code_image
from kiosk.scanner.arrays import Frame
from kiosk.scanner.frames import ExclusiveCamera, FrameSource, VideoFileSource
from kiosk.ui.camera import CameraCodeReader, CameraWorker
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.widgets.page_camera import PageCamera
from tests.support.kiosk import Kiosk
from tests.support.touch import open_window
from tests.ui.conftest import RecordingPrinter, services_for

pytestmark = pytest.mark.gui

WAIT = 10.0  # seconds; reached only when the behaviour under test is broken
CODE = "000.00.00.H23-261124-1000"
NAMES = {CameraWorker.thread_name, CameraCodeReader.thread_name, PageCamera.thread_name}


class Device:
    """One webcam: counts sources in use (from the start of open to close), and can hold
    an open until ``let_open`` is set."""

    def __init__(self, *, held: bool = False, open_seconds: float = 0.0,
                 read_seconds: float = 0.005) -> None:
        self._lock = threading.Lock()
        self.in_use = 0
        self.most_in_use = 0
        self.opens = 0  # opens that completed
        self.opening = threading.Event()
        self.let_open = threading.Event()
        if not held:
            self.let_open.set()
        self.open_seconds = open_seconds
        self.read_seconds = read_seconds

    def open(self) -> FrameSource:
        with self._lock:
            self.in_use += 1
            self.most_in_use = max(self.most_in_use, self.in_use)
        self.opening.set()
        self.let_open.wait(WAIT)
        time.sleep(self.open_seconds)  # a slow device, not a wait of the test's
        with self._lock:
            self.opens += 1
        return SlowSource(self)

    def closed(self) -> None:
        with self._lock:
            self.in_use -= 1


class SlowSource:
    name = "slow webcam"

    def __init__(self, device: Device) -> None:
        self._device = device
        self._frame = np.full((480, 640, 3), 90, np.uint8)

    def read(self) -> Frame | None:
        time.sleep(self._device.read_seconds)
        return self._frame

    def close(self) -> None:
        self._device.closed()


class CountingVideo:
    """A real video file's source that says when it has been read ``enough`` times."""

    def __init__(self, path: Path, enough: int) -> None:
        self._video = VideoFileSource(path, loop=True)
        self.name = self._video.name
        self._left = enough
        self.read_enough = threading.Event()

    def read(self) -> Frame | None:
        frame = self._video.read()
        self._left -= 1
        if self._left <= 0:
            self.read_enough.set()
        return frame

    def close(self) -> None:
        self._video.close()


def qr_video(path: Path, text: str, frames: int = 12) -> Path:
    """A 640×480 video of a QR code held in front of the camera."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 480))
    code = cv2.cvtColor(code_image(text, module_px=5), cv2.COLOR_GRAY2BGR)
    for _ in range(frames):
        frame = np.full((480, 640, 3), 90, np.uint8)
        frame[20:20 + code.shape[0], 80:80 + code.shape[1]] = code
        writer.write(frame)
    writer.release()
    return path


def camera_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name in NAMES}


@pytest.fixture
def baseline() -> Iterator[set[threading.Thread]]:
    """The camera threads alive before the test; the test must leave no other behind."""
    before = camera_threads()
    yield before
    assert camera_threads() - before == set()


def reader(open_source: ExclusiveCamera | Device) -> CameraCodeReader:
    factory = open_source if isinstance(open_source, ExclusiveCamera) else open_source.open
    return CameraCodeReader(factory)


def collect(worker: CameraCodeReader) -> tuple[list[QImage], list[str]]:
    previews: list[QImage] = []
    decoded: list[str] = []
    worker.preview.connect(previews.append)
    worker.decoded.connect(decoded.append)
    return previews, decoded


def test_stop_returns_while_the_camera_is_still_opening(
    qtbot: QtBot, baseline: set[threading.Thread], record_property: Callable[[str, object], None],
) -> None:
    device = Device(held=True)
    worker = reader(device)
    previews, _decoded = collect(worker)
    worker.start()
    assert device.opening.wait(WAIT)
    began = time.perf_counter()
    worker.stop()
    record_property("stop_ms", round((time.perf_counter() - began) * 1000, 2))
    assert device.opens == 0  # stop came back before the open finished
    assert not worker.running
    device.let_open.set()
    assert worker.wait(WAIT)
    assert device.in_use == 0  # the thread closed what it opened, by itself
    qtbot.wait(50)
    assert previews == []


def test_start_right_after_stop_opens_again_once_the_old_thread_let_go(
    qtbot: QtBot, baseline: set[threading.Thread],
) -> None:
    device = Device(held=True)
    worker = reader(device)
    previews, _decoded = collect(worker)
    worker.start()
    assert device.opening.wait(WAIT)
    worker.stop()
    worker.start()  # the old thread still holds the device, in its open
    assert worker.running
    device.let_open.set()
    qtbot.waitUntil(lambda: len(previews) > 0, timeout=int(WAIT * 1000))
    worker.stop()
    assert worker.wait(WAIT)
    assert device.most_in_use == 1
    assert device.opens == 2 and device.in_use == 0


def test_a_burst_of_starts_and_stops_on_three_screens_never_opens_the_device_twice(
    qtbot: QtBot, baseline: set[threading.Thread],
) -> None:
    device = Device(open_seconds=0.02, read_seconds=0.01)
    shared = ExclusiveCamera(device.open, poll_seconds=0.005)
    workers: list[CameraWorker] = [reader(shared), reader(shared),
                                   PageCamera(shared, preview_width=320)]
    for turn in range(24):
        worker = workers[turn % 3]
        worker.start()
        if turn % 2:
            qtbot.wait(turn)  # some runs get as far as reading frames, some not
        worker.stop()
    last = reader(shared)
    previews, _decoded = collect(last)
    last.start()
    qtbot.waitUntil(lambda: len(previews) > 0, timeout=int(WAIT * 1000))
    last.stop()
    assert all(w.wait(WAIT) for w in [*workers, last])
    assert device.most_in_use == 1
    assert device.in_use == 0


def test_frames_read_before_stop_are_never_delivered_after_it(
    qtbot: QtBot, baseline: set[threading.Thread], tmp_path: Path,
) -> None:
    video = CountingVideo(qr_video(tmp_path / "code.avi", CODE), enough=8)
    worker = CameraCodeReader(lambda: video)
    previews, decoded = collect(worker)
    worker.start()
    # No event loop meanwhile: previews and the decoded code wait for the GUI thread.
    assert video.read_enough.wait(WAIT)
    worker.stop()
    qtbot.wait(200)
    assert previews == [] and decoded == []
    assert worker.wait(WAIT)


def test_a_code_on_video_is_read_once_and_nothing_arrives_after_stop(
    qtbot: QtBot, baseline: set[threading.Thread], tmp_path: Path,
) -> None:
    path = qr_video(tmp_path / "code.avi", CODE)
    worker = CameraCodeReader(lambda: VideoFileSource(path, loop=True))
    previews, decoded = collect(worker)
    worker.start()
    qtbot.waitUntil(lambda: decoded == [CODE] and len(previews) > 2, timeout=20_000)
    worker.stop()
    seen = len(previews), len(decoded)
    qtbot.wait(200)
    assert (len(previews), len(decoded)) == seen
    assert worker.wait(WAIT)


def test_a_camera_deleted_with_its_screen_still_ends_its_thread(
    qtbot: QtBot, baseline: set[threading.Thread],
) -> None:
    device = Device()
    screen = QWidget()
    worker = CameraCodeReader(device.open, screen)
    previews, _decoded = collect(worker)
    worker.start()
    qtbot.waitUntil(lambda: len(previews) > 0, timeout=int(WAIT * 1000))
    screen.deleteLater()  # no stop(): the screen is simply gone
    qtbot.waitUntil(lambda: not camera_threads() - baseline, timeout=int(WAIT * 1000))
    assert device.in_use == 0


# ------------------------------------------------------------ the whole kiosk


@pytest.fixture
def slow_camera() -> Device:
    return Device(held=True)


@pytest.fixture
def window(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk, printer: RecordingPrinter,
    slow_camera: Device,
) -> Iterator[tuple[MainWindow, Navigator]]:
    services = services_for(backend, printer, open_camera=ExclusiveCamera(slow_camera.open))
    window, navigator = open_window(qtbot, qapp, services)
    yield window, navigator
    slow_camera.let_open.set()
    navigator.shutdown()


def tap(qtbot: QtBot, window: MainWindow, text: str) -> None:
    (button,) = [b for b in window.findChildren(QPushButton)
                 if b.text() == text and b.isVisible()]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_leaving_track_while_its_camera_opens_is_at_once_and_shutdown_lets_it_go(
    qtbot: QtBot, window: tuple[MainWindow, Navigator], slow_camera: Device,
    baseline: set[threading.Thread],
) -> None:
    main, navigator = window
    tap(qtbot, main, "Tra cứu hồ sơ")
    assert slow_camera.opening.wait(WAIT)
    tap(qtbot, main, "Về trang chủ")
    assert main.stack.currentWidget() is navigator.home
    assert slow_camera.opens == 0  # home is shown while the camera is still opening
    tap(qtbot, main, "Tra cứu hồ sơ")  # a new run, waiting its turn on its own thread
    slow_camera.let_open.set()
    navigator.shutdown()
    assert camera_threads() - baseline == set()
    assert slow_camera.in_use == 0 and slow_camera.most_in_use == 1
