"""A paused page camera reads nothing: not after "pause", not after its own capture.

The real ``PageCamera`` thread on a real video of a page on a desk, whose
reads are counted.  The assertions are counts of reads; durations are only
waited for (or recorded), never asserted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.scanner.arrays import Frame
from kiosk.scanner.frames import VideoFileSource
from kiosk.ui.widgets.page_camera import PageCamera, Still
from tests.support.papers import desk_video

pytestmark = pytest.mark.gui

WAIT_MS = 20_000  # reached only when the behaviour under test is broken


class CountingVideo:
    """A looping video whose reads are counted."""

    def __init__(self, path: Path) -> None:
        self._video = VideoFileSource(path, loop=True)
        self.name = self._video.name
        self._lock = threading.Lock()
        self.reads = 0

    def read(self) -> Frame | None:
        with self._lock:
            self.reads += 1
        return self._video.read()

    def close(self) -> None:
        self._video.close()


@pytest.fixture
def video(tmp_path: Path) -> CountingVideo:
    return CountingVideo(desk_video(tmp_path / "page.avi"))


def live_camera(qtbot: QtBot, video: CountingVideo, **options: float) -> PageCamera:
    camera = PageCamera(lambda: video, preview_width=320, **options)  # type: ignore[arg-type]
    previews: list[object] = []
    camera.preview.connect(previews.append)
    camera.start()
    qtbot.waitUntil(lambda: len(previews) >= 3, timeout=WAIT_MS)
    return camera


def test_a_paused_camera_reads_no_frame_until_it_is_resumed(
    qtbot: QtBot, video: CountingVideo,
) -> None:
    camera = live_camera(qtbot, video, hold_seconds=1e6)  # never takes the page itself
    camera.pause()
    at_pause = video.reads
    qtbot.wait(1_000)  # live, that is about 15 reads
    assert video.reads - at_pause <= 1  # at most the frame being read as pause came
    paused = video.reads
    camera.resume()
    qtbot.waitUntil(lambda: video.reads >= paused + 5, timeout=WAIT_MS)
    camera.stop()
    assert camera.wait(10.0)


def test_after_taking_the_page_itself_the_camera_reads_nothing_until_resumed(
    qtbot: QtBot, video: CountingVideo,
) -> None:
    stills: list[tuple[Still, int]] = []
    camera = PageCamera(lambda: video, preview_width=320, hold_seconds=0.2)
    camera.captured.connect(lambda still: stills.append((still, video.reads)))
    camera.start()
    qtbot.waitUntil(lambda: len(stills) == 1, timeout=WAIT_MS)
    still, at_capture = stills[0]
    assert still.found and not still.manual
    qtbot.wait(800)
    assert video.reads == at_capture  # the thread stopped before reading another frame
    camera.resume(rearm=False)  # as the screen does once the page is kept
    qtbot.waitUntil(lambda: video.reads >= at_capture + 20, timeout=WAIT_MS)
    assert len(stills) == 1  # the same page, still lying there, is not taken again
    camera.stop()
    assert camera.wait(10.0)


def test_stop_ends_a_paused_thread_and_lets_the_device_go(
    qtbot: QtBot, video: CountingVideo, record_property: Callable[[str, object], None],
) -> None:
    closed = threading.Event()
    original_close = video.close

    def close() -> None:
        original_close()
        closed.set()

    video.close = close  # type: ignore[method-assign]
    camera = live_camera(qtbot, video, hold_seconds=1e6)
    camera.pause()
    qtbot.wait(200)
    began = time.perf_counter()
    camera.stop()
    assert camera.wait(10.0)
    record_property("paused_stop_ms", round((time.perf_counter() - began) * 1000, 1))
    assert closed.is_set()
