"""The Documents step's outside things for tests: desk videos, USB sticks, scanners.

A camera is a short video file played in a loop, as a webcam would show a page
lying on a desk (or held by a shaking hand); a USB stick is a folder under a
temporary mount root; scanners are ``FakeScanner`` or SANE with a private
configuration (its ``test`` device, or no backend at all).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.demo import synthetic
from kiosk.demo.scanner import FakeScanner
from kiosk.scanner.arrays import f32
from kiosk.scanner.frames import FrameSource, VideoFileSource
from kiosk.scanner.sane import SaneScanner, Scanner
from tests.support.kiosk import tiny_pdf

PAGE_CORNERS = f32([[190, 40], [450, 50], [440, 420], [180, 410]])


def desk_video(path: Path, *, with_page: bool = True, shake_px: float = 0.0,
               frames: int = 10) -> Path:
    """A 640×480 video of a wooden desk with an A4 page on it (or none); ``shake_px``:
    the page jumps that far left and right from one frame to the next."""
    rng = np.random.default_rng(11)
    desk = synthetic.render_desk(rng, (640, 480), "wood")
    page = synthetic.render_page(rng, width=300)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 480))
    for n in range(frames):
        shift = f32([[shake_px if n % 2 else -shake_px, 0]] * 4)
        frame = synthetic.place(desk, page, PAGE_CORNERS + shift) if with_page else desk
        writer.write(frame)
    writer.release()
    return path


def video_camera(video: list[Path]) -> Callable[[], FrameSource]:
    """A camera that plays ``video[0]`` (a test may swap the file before it opens)."""
    def open_camera() -> FrameSource:
        return VideoFileSource(video[0], loop=True)
    return open_camera


def fill_stick(root: Path) -> Path:
    """A stick's folder with a picture, a real PDF and a text file posing as a PDF."""
    (root / "giay to").mkdir(parents=True, exist_ok=True)
    page = synthetic.render_page(np.random.default_rng(2), width=300)
    cv2.imwrite(str(root / "giay to" / "chung-sinh.png"), page)
    (root / "to-khai.pdf").write_bytes(tiny_pdf("to khai"))
    (root / "ghi-chu.pdf").write_text("đây không phải PDF", encoding="utf-8")
    return root


def sane_scanner(folder: Path, backends: str) -> Scanner:
    """SANE's ``scanimage`` seeing only ``backends`` (its dll.conf): "test", or "" for none."""
    if shutil.which("scanimage") is None:
        pytest.skip("scanimage is not installed (apt package sane-utils)")
    config = folder / "sane.d"
    config.mkdir(parents=True, exist_ok=True)
    (config / "dll.conf").write_text(backends + "\n", encoding="ascii")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "SANE_CONFIG_DIR": str(config),
           "HOME": str(folder), "LANG": "C.UTF-8"}
    return SaneScanner(env, list_timeout=20.0)


def no_scanner() -> Scanner:
    return FakeScanner(devices=[])
