"""Reading a code across live frames: the region is tracked and noise averaged out."""

from __future__ import annotations

import numpy as np

from kiosk.demo import synthetic
from kiosk.scanner.arrays import Frame, u8
from kiosk.scanner.barcodes import CodeReader
from kiosk.scanner.livecode import KEEP_FRAMES, LiveCodeReader

PAYLOAD = synthetic.SAMPLE_CCCD_PAYLOAD


def scene(contrast: tuple[int, int] = (60, 210)) -> Frame:
    """A 3 px-module code (dark/light levels ``contrast``) on a gray 720p frame at (500, 200)."""
    canvas = np.full((720, 1280), 200, np.uint8)
    code = synthetic.code_image(PAYLOAD, module_px=3)
    h, w = code.shape
    canvas[200:200 + h, 500:500 + w] = np.where(code > 128, contrast[1], contrast[0])
    return canvas


def noisy(frame: Frame, rng: np.random.Generator, sigma: float) -> Frame:
    return u8(np.clip(frame + rng.normal(0, sigma, frame.shape), 0, 255))


def test_a_clean_code_is_read_and_its_region_tracked() -> None:
    live = LiveCodeReader()
    assert [c.text for c in live.feed(scene())] == [PAYLOAD]
    assert live.region is not None
    x, y, w, h = live.region
    assert x <= 500 and y <= 200 and x + w >= 500 + 147 and y + h >= 200 + 147


def test_noise_no_single_frame_survives_is_averaged_out_across_frames() -> None:
    rng = np.random.default_rng(1)
    base = scene()
    frames = [noisy(base, rng, 35) for _ in range(14)]
    thorough = CodeReader("zxing", budget_ms=10_000, max_attempts=40)
    assert all(PAYLOAD not in [c.text for c in thorough.decode(f)] for f in frames)
    live = LiveCodeReader(CodeReader("zxing", budget_ms=10_000))
    reads = [[c.text for c in live.feed(f)] for f in frames]
    assert [PAYLOAD] in reads
    assert all(r in ([], [PAYLOAD]) for r in reads)  # never a wrong text


def test_a_region_seen_no_more_is_forgotten() -> None:
    live = LiveCodeReader()
    live.feed(scene())
    empty = np.full((720, 1280), 200, np.uint8)
    for _ in range(KEEP_FRAMES + 1):
        assert live.feed(empty) == []
    assert live.region is None


def test_bad_frames_give_nothing() -> None:
    live = LiveCodeReader()
    assert live.feed(np.zeros((480, 640, 3), np.uint8)) == []
    assert live.feed(np.zeros((8, 8), np.uint8)) == []


def test_a_new_frame_size_forgets_the_old_region() -> None:
    live = LiveCodeReader()
    live.feed(scene())
    assert live.region is not None
    assert live.feed(np.full((480, 640), 200, np.uint8)) == []
    assert live.region is None or live.region[0] + live.region[2] <= 640
