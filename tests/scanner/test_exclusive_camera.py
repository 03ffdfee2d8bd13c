"""ExclusiveCamera: one source open at a time, a waiting opener that can be stopped."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from kiosk.scanner.arrays import Frame
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.frames import ExclusiveCamera, FrameSource

WAIT = 5.0  # seconds; only ever reached when the behaviour under test is broken


class Device:
    """A camera that counts its open sources; ``fail`` makes the next open raise."""

    def __init__(self) -> None:
        self.open_now = 0
        self.closes = 0
        self.fail = False

    def open(self) -> FrameSource:
        if self.fail:
            raise CaptureError("camera_missing", "Không mở được camera.")
        self.open_now += 1
        return Source(self)


class Source:
    name = "fake"

    def __init__(self, device: Device) -> None:
        self._device = device

    def read(self) -> Frame | None:
        return np.zeros((4, 4, 3), np.uint8)

    def close(self) -> None:
        self._device.open_now -= 1
        self._device.closes += 1


def open_in_thread(camera: ExclusiveCamera, stop: threading.Event
                   ) -> tuple[threading.Thread, list[FrameSource | None]]:
    got: list[FrameSource | None] = []
    thread = threading.Thread(target=lambda: got.append(camera.open(stop.is_set)))
    thread.start()
    return thread, got


def test_a_second_opener_waits_until_the_first_source_is_closed() -> None:
    device = Device()
    camera = ExclusiveCamera(device.open, poll_seconds=0.01)
    first = camera()
    thread, got = open_in_thread(camera, threading.Event())
    thread.join(0.1)
    assert thread.is_alive() and device.open_now == 1  # still waiting its turn
    first.close()
    thread.join(WAIT)
    assert len(got) == 1 and got[0] is not None and device.open_now == 1
    got[0].close()
    assert device.open_now == 0 and not camera.in_use


def test_a_stopped_opener_gives_up_without_opening() -> None:
    device = Device()
    camera = ExclusiveCamera(device.open, poll_seconds=0.01)
    first = camera()
    stop = threading.Event()
    thread, got = open_in_thread(camera, stop)
    stop.set()
    thread.join(WAIT)
    assert got == [None] and device.open_now == 1
    first.close()
    assert not camera.in_use


def test_closing_twice_does_not_free_the_device_for_someone_else() -> None:
    device = Device()
    camera = ExclusiveCamera(device.open)
    first = camera()
    first.close()
    second = camera()
    first.close()  # late, from the old owner
    assert camera.in_use and device.closes == 1
    second.close()
    assert not camera.in_use


def test_a_failed_open_frees_the_device() -> None:
    device = Device()
    camera = ExclusiveCamera(device.open)
    device.fail = True
    with pytest.raises(CaptureError):
        camera()
    assert not camera.in_use
    device.fail = False
    camera().close()
