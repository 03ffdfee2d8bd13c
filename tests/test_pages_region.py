"""The paper-coloured region (``pageregion``) and hostile frames given to ``detect_page``."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.bench_pages import corner_errors
from benchmarks.scenes import pages
from kiosk.scanner.arrays import f32, u8
from kiosk.scanner.pagedetect import WORK_WIDTH, contour_to_quad, detect_page
from kiosk.scanner.pageregion import SCALE, grow, lab


def _frame_and_truth(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    while True:
        frame, corners, _ = pages.page_frame(rng, "wood", (1280, 720))
        if corners is not None:
            return frame, corners


@pytest.mark.parametrize("seed", [101, 102, 103])
def test_a_region_grown_from_a_shrunken_outline_reaches_the_sheet_border(seed: int) -> None:
    import cv2

    frame, truth = _frame_and_truth(seed)
    scale = WORK_WIDTH / frame.shape[1]
    small = u8(cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    sheet = truth * scale
    centre = sheet.mean(axis=0)
    rough = f32(centre + (sheet - centre) * 0.6)  # an outline closed well inside the sheet
    contour = grow(rough, lab(small))
    assert contour is not None
    quad = contour_to_quad(contour)
    assert quad is not None
    # The grown region's outline is near the sheet's, though it started at 60 % of it.
    tolerance = 0.03 * float(np.hypot(*small.shape[:2])) + 2 / SCALE
    assert corner_errors(quad, sheet).max() <= tolerance


def test_a_region_is_not_grown_from_outside_the_frame() -> None:
    image = lab(np.full((360, 640, 3), 200, np.uint8))
    assert grow(f32([[700, 10], [900, 10], [900, 300], [700, 300]]), image) is None


@pytest.mark.parametrize(
    "frame",
    [
        np.zeros((720, 1280, 3), np.uint8),
        np.full((720, 1280, 3), 255, np.uint8),
        np.random.default_rng(7).integers(0, 256, (720, 1280, 3), dtype=np.uint8),
        np.full((8, 8, 3), 128, np.uint8),
        np.full((1, 1280, 3), 128, np.uint8),
        np.full((720, 1, 3), 128, np.uint8),
        np.full((2160, 3840, 3), 90, np.uint8),
        np.full((720, 1280), 200, np.uint8),
    ],
    ids=["black", "white", "noise", "tiny", "one-row", "one-column", "4k-flat", "gray"],
)
def test_hostile_frames_give_no_page(frame: np.ndarray) -> None:
    assert detect_page(frame) is None
