"""Frame sources: one contract for all, plus the webcam's reopen-after-unplug behaviour."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.demo import synthetic
from kiosk.demo.camera import DemoCamera
from kiosk.scanner.arrays import Frame
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.frames import (
    FrameSource,
    ImageFolderSource,
    VideoFileSource,
    WebcamSource,
    open_camera,
)

SIZE = (320, 240)


def small_frames(count: int) -> list[Frame]:
    rng = np.random.default_rng(0)
    desk = synthetic.render_desk(rng, SIZE, "wood")
    return [np.roll(desk, 3 * i, axis=1) for i in range(count)]


def write_video(path: Path, frames: list[Frame]) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, SIZE)
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


class FakeCapture:
    """Stands in for ``cv2.VideoCapture``: plays frames, can be "unplugged"."""

    def __init__(self, device: FakeDevice) -> None:
        self.device = device
        self.opened = device.plugged
        self.settings: dict[int, float] = {}

    def isOpened(self) -> bool:  # OpenCV's spelling
        return self.opened

    def set(self, prop: int, value: float) -> bool:
        self.settings[prop] = value
        return True

    def read(self) -> tuple[bool, Frame | None]:
        if not (self.opened and self.device.plugged):
            return False, None
        return True, next(self.device.frames)

    def release(self) -> None:
        self.opened = False


class FakeDevice:
    def __init__(self) -> None:
        self.plugged = True
        self.opens = 0
        self.frames: Iterator[Frame] = iter(small_frames(1) * 1000)

    def factory(self, index: Any) -> FakeCapture:
        self.opens += 1
        return FakeCapture(self)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make_video(tmp_path: Path) -> FrameSource:
    return VideoFileSource(write_video(tmp_path / "clip.avi", small_frames(5)))


def make_folder(tmp_path: Path) -> FrameSource:
    for i, frame in enumerate(small_frames(5)):
        cv2.imwrite(str(tmp_path / f"{i:02d}.png"), frame)
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    return ImageFolderSource(tmp_path)


def make_demo(tmp_path: Path) -> FrameSource:
    return DemoCamera(size=SIZE)


def make_webcam(tmp_path: Path) -> FrameSource:
    return WebcamSource(0, capture_factory=FakeDevice().factory)


SOURCES: dict[str, Callable[[Path], FrameSource]] = {
    "video": make_video, "folder": make_folder, "demo": make_demo, "webcam": make_webcam,
}


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_every_source_gives_bgr_frames_until_closed(kind: str, tmp_path: Path) -> None:
    source = SOURCES[kind](tmp_path)
    frames = [source.read() for _ in range(3)]
    for frame in frames:
        assert frame is not None
        assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
    assert source.name
    source.close()
    assert source.read() is None


def test_video_file_plays_its_frames_then_runs_dry(tmp_path: Path) -> None:
    with VideoFileSource(write_video(tmp_path / "clip.avi", small_frames(5))) as video:
        assert len(list(video.frames())) == 5


def test_looping_video_starts_again(tmp_path: Path) -> None:
    with VideoFileSource(write_video(tmp_path / "c.avi", small_frames(3)), loop=True) as video:
        assert len(list(video.frames(limit=7))) == 7


def test_folder_skips_files_that_are_not_images(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    (tmp_path / "99.png").write_bytes(b"not a png")
    assert len(list(ImageFolderSource(tmp_path).frames())) == 5
    source.close()


def test_missing_video_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(CaptureError) as caught:
        VideoFileSource(tmp_path / "none.avi")
    assert caught.value.code == "video_missing"


def test_webcam_asks_for_the_resolution() -> None:
    device = FakeDevice()
    cam = WebcamSource(0, width=1280, height=720, capture_factory=device.factory)
    assert cam._capture.settings == {cv2.CAP_PROP_FRAME_WIDTH: 1280,
                                     cv2.CAP_PROP_FRAME_HEIGHT: 720}


def test_webcam_reopens_after_unplug_with_growing_pauses() -> None:
    device, clock = FakeDevice(), FakeClock()
    cam = WebcamSource(0, capture_factory=device.factory, clock=clock)
    assert cam.read() is not None
    device.plugged = False
    assert cam.read() is None  # the read that notices the unplug
    opens_before = device.opens
    assert cam.read() is None  # first retry is immediate
    assert device.opens == opens_before + 1
    assert cam.read() is None  # now it waits 0.5 s: no new attempt
    assert device.opens == opens_before + 1
    clock.now += 0.5
    assert cam.read() is None
    assert device.opens == opens_before + 2
    clock.now += 0.5  # the next pause is 1 s: still waiting
    assert cam.read() is None and device.opens == opens_before + 2
    device.plugged = True
    clock.now += 0.5
    assert cam.read() is not None
    assert device.opens == opens_before + 3


def test_open_camera_demo_and_files(tmp_path: Path) -> None:
    assert isinstance(open_camera("demo", width=320, height=240), DemoCamera)
    video = open_camera(str(write_video(tmp_path / "v.avi", small_frames(2))), width=160,
                        height=120)
    frame = video.read()
    assert frame is not None and frame.shape == (120, 160, 3)


def test_open_camera_auto_falls_back_to_the_demo_without_a_webcam() -> None:
    device = FakeDevice()
    device.plugged = False
    assert isinstance(open_camera("auto", capture_factory=device.factory), DemoCamera)


def test_open_camera_auto_on_an_appliance_without_a_webcam_is_a_missing_camera(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No demo package (the appliance leaves it out): no made-up card, a clear message."""
    monkeypatch.setitem(sys.modules, "kiosk.demo.camera", None)  # import now fails
    device = FakeDevice()
    device.plugged = False
    with pytest.raises(CaptureError) as caught:
        open_camera("auto", capture_factory=device.factory)
    assert "Không mở được camera" in str(caught.value)


def test_open_camera_auto_prefers_a_working_webcam() -> None:
    assert isinstance(open_camera("auto", capture_factory=FakeDevice().factory), WebcamSource)


def test_open_camera_with_a_missing_device_index_is_a_typed_error() -> None:
    device = FakeDevice()
    device.plugged = False
    with pytest.raises(CaptureError) as caught:
        open_camera("1", capture_factory=device.factory)
    assert caught.value.code == "camera_missing"


def test_demo_feed_is_the_same_on_every_run() -> None:
    first = DemoCamera(size=SIZE).read()
    second = DemoCamera(size=SIZE).read()
    assert first is not None and second is not None
    assert np.array_equal(first, second)
