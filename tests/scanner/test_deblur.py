"""Undoing a hand's motion blur: the streak found in a code's crop, and the reader using it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from benchmarks.scenes.clips import _smear
from kiosk.demo import synthetic
from kiosk.scanner import deblur
from kiosk.scanner.arrays import Frame, f32, u8
from kiosk.scanner.barcodes import CodeReader, code_regions, texts
from kiosk.scanner.codebackends import make_backend

PAYLOAD = synthetic.SAMPLE_CCCD_PAYLOAD
# Streaks of 7-11 px at 3 px a module (2-4 modules), along the axes and diagonals.
SHIFTS = ((7.0, 0.0), (0.0, 9.0), (6.0, 6.0), (9.0, 4.0), (10.0, 0.0), (5.0, 8.0))


def smeared(shift: tuple[float, float], seed: int = 5) -> Frame:
    """A 3 px-module CCCD code on a gray 720p frame, smeared by the clip generator's hand
    motion along ``shift``, with sensor noise and webcam JPEG (quality 85)."""
    rng = np.random.default_rng(seed)
    canvas = np.full((720, 1280), 190, np.uint8)
    code = synthetic.code_image(PAYLOAD, module_px=3)
    h, w = code.shape
    canvas[200:200 + h, 500:500 + w] = np.where(code > 128, 215, 40)
    frame = _smear(u8(cv2.cvtColor(canvas, cv2.COLOR_GRAY2BGR)), f32(shift))
    frame = u8(np.clip(frame + rng.normal(0, 2.0, frame.shape), 0, 255))
    _, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return u8(cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2GRAY))


def code_crop(frame: Frame) -> Frame:
    x, y, w, h = code_regions(frame)[0]
    return frame[y:y + h, x:x + w]


@pytest.mark.parametrize("shift", SHIFTS)
def test_the_streak_is_found_along_its_direction_and_length(shift: tuple[float, float]) -> None:
    streak = deblur.estimate(code_crop(smeared(shift)))
    assert streak is not None
    drawn = int(np.hypot(*shift)) | 1  # the generator's kernel: an odd number of pixels
    assert abs(streak.length - drawn) <= 1
    expected = np.degrees(np.arctan2(shift[1], shift[0])) % 180
    off = abs(streak.degrees - expected) % 180
    assert min(off, 180 - off) < 8


def test_a_sharp_code_shows_no_streak_to_undo() -> None:
    streak = deblur.estimate(code_crop(smeared((0.0, 0.0))))
    assert streak is None or streak.anisotropy < 0.3


@pytest.mark.parametrize("shift", SHIFTS)
def test_a_smeared_code_no_sharpening_reads_is_read_once_the_streak_is_undone(
    shift: tuple[float, float],
) -> None:
    frame = smeared(shift)
    assert make_backend("zxing").decode(frame) == []
    without = CodeReader("zxing", budget_ms=10_000, max_attempts=40, deblur=False)
    assert PAYLOAD not in texts(without.decode(frame))
    assert texts(CodeReader("zxing", budget_ms=10_000, max_attempts=40).decode(frame)) == [PAYLOAD]


@pytest.mark.parametrize("shape", [(0, 0), (3, 3), (23, 500), (500, 23), (30, 4000)])
def test_crops_too_small_or_thin_give_no_streak(shape: tuple[int, int]) -> None:
    image = np.random.default_rng(1).integers(0, 256, shape, dtype=np.uint8)
    assert deblur.estimate(u8(image)) is None


def test_flat_and_huge_crops_give_no_streak() -> None:
    assert deblur.estimate(np.full((200, 200), 128, np.uint8)) is None
    assert deblur.estimate(np.zeros((3000, 3000), np.uint8)) is None


def test_deconvolving_keeps_the_crop_size_and_stays_8_bit() -> None:
    crop = code_crop(smeared((0.0, 9.0)))
    out = deblur.deconvolve(crop, deblur.Streak(90.0, 9.0, 0.7))
    assert out.shape == crop.shape and out.dtype == np.uint8
    flat = deblur.deconvolve(np.full((40, 60), 90, np.uint8), deblur.Streak(30.0, 5.0, 0.5))
    assert flat.shape == (40, 60)
