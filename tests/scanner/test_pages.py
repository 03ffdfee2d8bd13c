"""Page detection, tracking, quality verdicts and flattening on generated photographs."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.demo import synthetic
from kiosk.demo.camera import DemoCamera
from kiosk.scanner.arrays import f32, u8
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.geometry import max_corner_error, order_corners
from kiosk.scanner.pagedetect import Detection, detect_page, outermost
from kiosk.scanner.pagelines import paper_like
from kiosk.scanner.quality import assess
from kiosk.scanner.tracking import PageTracker
from kiosk.scanner.warp import (
    A4,
    ID_CARD,
    deskew,
    enhance,
    guess_paper,
    manual_corners,
    skew_angle,
    warp_page,
    whole_frame,
)
from tests.scanner.conftest import DIAGONAL, FRAME_SIZE, scene

TOLERANCE = 0.02 * DIAGONAL


@pytest.mark.parametrize(
    ("seed", "desk", "hard", "covered"),
    [
        (0, "wood", False, False),
        (1, "plain", False, False),  # light gray desk: low contrast
        (2, "dark", True, False),  # low light, blur, noise, JPEG
        (3, "wood", True, True),  # a hand over one edge
        (4, "plain", True, False),
        (5, "dark", False, True),
    ],
)
def test_page_corners_are_found_within_two_percent_of_the_diagonal(
    seed: int, desk: str, hard: bool, covered: bool
) -> None:
    frame, truth = scene(seed, desk=desk, hard=hard, covered=covered)
    found = detect_page(frame)
    assert found is not None
    assert max_corner_error(found.corners, truth) <= TOLERANCE


@pytest.mark.parametrize(("seed", "hard"), [(0, False), (2, False), (1, True), (7, True)])
def test_page_on_a_checkered_tablecloth_as_white_as_the_paper(seed: int, hard: bool) -> None:
    # The light squares are as bright as the sheet, so no brightness mask separates
    # them; the sheet's straight sides, looked for among edges of their own polarity, do.
    frame, truth = scene(seed, desk="checker", hard=hard)
    found = detect_page(frame)
    assert found is not None
    assert max_corner_error(found.corners, truth) <= TOLERANCE


@pytest.mark.parametrize("seed", [12, 48, 54])
def test_page_under_a_glare_spot_on_a_light_desk(seed: int) -> None:
    # A glare spot (and in 12 and 54 a shadow ramp) cuts any brightness mask
    # across the page; the outline must not close along the cut.
    shot = synthetic.page_shot(np.random.default_rng(seed), hard=True, desk="plain")
    found = detect_page(shot.frame)
    assert found is not None
    assert max_corner_error(found.corners, shot.corners) <= TOLERANCE


def test_outermost_prefers_the_sheet_to_an_outline_closing_on_a_text_row() -> None:
    sheet = f32([[100, 100], [500, 100], [500, 600], [100, 600]])
    upper_part = f32([[100, 100], [500, 100], [500, 250], [100, 250]])
    desk_and_sheet = f32([[20, 20], [900, 20], [900, 700], [20, 700]])
    best = outermost([Detection(upper_part, 0.95), Detection(sheet, 0.92),
                      Detection(desk_and_sheet, 0.7)])
    assert best is not None and np.array_equal(best.corners, sheet)
    # Only nearly as good counts: a much weaker outline around it is not the sheet.
    best = outermost([Detection(upper_part, 0.95), Detection(sheet, 0.8)])
    assert best is not None and np.array_equal(best.corners, upper_part)
    assert outermost([]) is None


def test_paper_like_rejects_slivers_and_sharp_corners() -> None:
    a4 = order_corners(cv2.boxPoints(((640, 360), (300, 420), 15.0)))
    sliver = f32([[100, 100], [700, 100], [700, 160], [100, 160]])
    rhombus = f32([[100, 100], [500, 100], [800, 400], [400, 400]])
    assert paper_like(np.stack([a4, sliver, rhombus])).tolist() == [True, False, False]


def test_empty_desk_has_no_page() -> None:
    desk = synthetic.render_desk(np.random.default_rng(1), FRAME_SIZE, "wood")
    assert detect_page(desk) is None


def test_order_corners_handles_any_order_and_a_45_degree_turn() -> None:
    diamond = f32([[100, 0], [200, 100], [100, 200], [0, 100]])
    shuffled = diamond[[2, 0, 3, 1]]
    assert np.array_equal(order_corners(shuffled), order_corners(diamond))
    assert order_corners(f32([[10, 10], [0, 0], [10, 0], [0, 10]])).tolist() == [
        [0, 0], [10, 0], [10, 10], [0, 10]]


def test_tracker_signals_steady_after_the_set_number_of_still_frames() -> None:
    corners = f32([[100, 100], [500, 100], [500, 600], [100, 600]])
    tracker = PageTracker(DIAGONAL, steady_frames=10)
    rng = np.random.default_rng(0)
    states = [tracker.update(corners + f32(rng.normal(0, 0.5, (4, 2)))) for _ in range(12)]
    assert [s.steady for s in states].index(True) == 10
    moved = tracker.update(corners + 200)
    assert not moved.steady and moved.steady_frames == 0


def test_tracker_holds_the_outline_through_a_short_dropout_only() -> None:
    corners = f32([[100, 100], [500, 100], [500, 600], [100, 600]])
    tracker = PageTracker(DIAGONAL, hold_frames=2)
    tracker.update(corners)
    assert tracker.update(None).corners is not None
    assert tracker.update(None).corners is not None
    assert tracker.update(None).corners is None


def test_demo_feed_becomes_steady_for_auto_capture() -> None:
    camera = DemoCamera()
    tracker = PageTracker(DIAGONAL, steady_frames=20)
    steady_at = None
    for n, frame in enumerate(camera.read() for _ in range(100)):
        state = tracker.update(None if (d := detect_page(frame)) is None else d.corners)
        if state.steady:
            steady_at = n
            break
    assert steady_at is not None
    assert state.corners is not None
    assert max_corner_error(state.corners, camera.page_corners) <= TOLERANCE


def test_quality_ok_for_a_clear_page() -> None:
    frame, truth = scene(0, fill=0.7)
    verdict = assess(frame, truth)
    assert verdict.ok and verdict.message


def test_quality_reasons() -> None:
    frame, truth = scene(0, fill=0.7)
    assert assess(frame, None).reason == "no_page"
    cut = truth.copy()
    cut[0] = (-30.0, 20.0)
    assert assess(frame, cut).reason == "cut_off"
    small_frame, small_truth = scene(1, fill=0.3)
    assert assess(small_frame, small_truth).reason == "too_small"
    dark = u8(frame * 0.2)
    assert assess(dark, truth).reason == "too_dark"
    blurred = u8(cv2.GaussianBlur(frame, (0, 0), 3.0))
    assert assess(blurred, truth).reason == "too_blurry"


def test_warp_gives_a4_proportions() -> None:
    # A tilted A4 outline without foreshortening: guess_paper reads aspect from side lengths.
    rng = np.random.default_rng(0)
    truth = order_corners(cv2.boxPoints(((640, 360), (450, 450 * 297 / 210), 12.0)))
    frame = synthetic.place(synthetic.render_desk(rng, FRAME_SIZE, "dark"),
                            synthetic.render_page(rng, width=480), truth)
    paper, landscape = guess_paper(truth)
    assert paper == A4 and not landscape
    page = warp_page(frame, truth)
    assert page.shape[0] / page.shape[1] == pytest.approx(297 / 210, rel=0.01)


def test_id_card_outline_is_recognised() -> None:
    shot = synthetic.card_shot(np.random.default_rng(3))
    paper, landscape = guess_paper(shot.corners)
    assert paper == ID_CARD and landscape
    card = warp_page(shot.frame, shot.corners)
    assert card.shape[1] / card.shape[0] == pytest.approx(85.6 / 53.98, rel=0.01)


def test_manual_corners_are_ordered_clamped_and_checked() -> None:
    shape = (720, 1280, 3)
    corners = manual_corners([[1300, 700], [10, 10], [1200, 20], [5, 710]], shape)
    assert corners.tolist() == [[10, 10], [1200, 20], [1279, 700], [5, 710]]
    with pytest.raises(CaptureError) as caught:
        manual_corners([[0, 0], [10, 0], [10, 0], [0, 0]], shape)
    assert caught.value.code == "corners_shape"
    with pytest.raises(CaptureError):
        manual_corners([[0, 0], [1, 1]], shape)


def test_whole_frame_keeps_the_frame_as_it_is() -> None:
    frame = synthetic.render_desk(np.random.default_rng(0), (640, 360), "plain")
    page = warp_page(frame, whole_frame(frame))
    assert page.shape[1] / page.shape[0] == pytest.approx(640 / 360, rel=0.01)


def test_deskew_levels_a_rotated_page() -> None:
    page = synthetic.render_page(np.random.default_rng(4), width=600)
    matrix = cv2.getRotationMatrix2D((300, 424), 3.0, 1.0)
    tilted = u8(cv2.warpAffine(page, matrix, (600, 848), borderValue=(255, 255, 255)))
    assert skew_angle(tilted) == pytest.approx(-3.0, abs=0.4)
    assert abs(skew_angle(deskew(tilted))) <= 0.4


def test_enhance_whitens_an_unevenly_lit_page_and_keeps_text_dark() -> None:
    page = cv2.cvtColor(synthetic.render_page(np.random.default_rng(5), width=600),
                        cv2.COLOR_BGR2GRAY)
    ramp = np.linspace(0.45, 0.95, page.shape[1], dtype=np.float32)[None, :]
    shaded = u8(page * ramp)
    clean = enhance(shaded)
    paper = page > 200
    assert np.percentile(clean[paper], 10) >= 235
    ink = page < 80
    assert np.median(clean[ink]) <= 90
    assert enhance(cv2.cvtColor(shaded, cv2.COLOR_GRAY2BGR), color=True).ndim == 3
