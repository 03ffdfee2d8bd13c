"""Corner refinement (``refine_corners``) on drawn frames whose true border is known."""

from __future__ import annotations

import cv2
import numpy as np

from kiosk.scanner.arrays import f32
from kiosk.scanner.pagedetect import refine_corners

_PAGE = f32([[400, 150], [880, 150], [880, 650], [400, 650]])  # TL, TR, BR, BL


def _frame(band: int | None = None, finger: bool = False) -> np.ndarray:
    frame = np.full((720, 1280, 3), 40, np.uint8)
    cv2.fillConvexPoly(frame, _PAGE.astype(np.int32), (245, 245, 245))
    if band is not None:  # a letterhead band along the top, brighter than the desk
        frame[150:166, 400:881] = band
    if finger:  # a finger over the left side, brighter than the desk, darker than paper
        cv2.ellipse(frame, (405, 400), (22, 60), 0, 0, 360, (120, 150, 200), -1)
    return cv2.GaussianBlur(frame, (3, 3), 0)


def test_the_top_side_goes_to_the_sheet_border_not_the_letterhead_band() -> None:
    # A coarse outline that closed on the band's inner edge, 16 px inside the border.
    coarse = _PAGE + f32([[0, 16], [0, 16], [0, 0], [0, 0]])
    refined = refine_corners(_frame(band=130), coarse)
    assert np.abs(refined[:2, 1] - 150).max() <= 2.0
    assert np.abs(refined - _PAGE).max() <= 2.0


def test_a_finger_over_a_side_does_not_pull_the_side() -> None:
    coarse = _PAGE + f32([[-5, -4], [4, -4], [4, 5], [-5, 5]])
    refined = refine_corners(_frame(finger=True), coarse)
    assert np.abs(refined - _PAGE).max() <= 1.5
