"""Page detection on frames of the wide scene generator (tuned families only, never timing)."""

from __future__ import annotations

import numpy as np

from benchmarks.bench_pages import corner_errors
from benchmarks.scenes import desks, pages
from kiosk.scanner.arrays import f32
from kiosk.scanner.pagedetect import detect_page


def test_pages_are_found_on_most_generated_frames() -> None:
    rng = np.random.default_rng(20261203)
    hits = tried = 0
    for family in ("wood", "plain", "dark"):
        while tried < {"wood": 5, "plain": 10, "dark": 15}[family]:
            frame, corners, _ = pages.page_frame(rng, family, (1280, 720))
            if corners is None:
                continue
            tried += 1
            found = detect_page(frame)
            if found is not None and corner_errors(found.corners, corners).max() <= 0.02 * np.hypot(
                    1280, 720):
                hits += 1
    assert hits >= 13  # of 15


def test_matching_ignores_which_corner_is_printed_top_left() -> None:
    square = f32([[10, 10], [110, 12], [108, 150], [12, 148]])
    upside_down = np.roll(square, 2, axis=0)
    assert corner_errors(upside_down, square).max() < 1e-4
    assert desks.HELD_OUT != "wood"
