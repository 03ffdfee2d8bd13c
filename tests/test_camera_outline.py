"""The page camera's cheap paths: the outline followed between detections, the preview image.

Frames are synthetic 720p desks with a real rendered page placed at known
corners, so the outline is compared with where the page truly is.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtGui import QColor

from kiosk.demo import synthetic
from kiosk.scanner.arrays import Frame, Points, f32
from kiosk.scanner.frames import WebcamSource
from kiosk.scanner.geometry import max_corner_error
from kiosk.scanner.tracking import TrackState
from kiosk.ui.camera import bgr_qimage, shrink, to_qimage
from kiosk.ui.widgets.page_camera import DETECT_EVERY, Outline, preview_image

SIZE = (1280, 720)
DIAGONAL = float(np.hypot(*SIZE))
PAGE = f32([[300, 80], [760, 95], [745, 690], [285, 675]])


@pytest.fixture(scope="module")
def scene() -> tuple[Frame, Frame]:
    rng = np.random.default_rng(5)
    return synthetic.render_desk(rng, SIZE, "wood"), synthetic.render_page(rng, width=500)


def shot(scene: tuple[Frame, Frame], corners: Points | None) -> Frame:
    desk, page = scene
    return desk.copy() if corners is None else synthetic.place(desk, page, corners)


def test_a_page_slid_by_a_hand_is_followed_between_detections(
    scene: tuple[Frame, Frame],
) -> None:
    outline = Outline(DIAGONAL)
    errors = []
    for n in range(4 * DETECT_EVERY):
        truth = PAGE + f32([[4 * n, 2 * n]] * 4)  # 60 px a second right, 30 down, at 15 fps
        state = outline.update(shot(scene, truth))
        assert state.corners is not None
        errors.append(max_corner_error(state.corners, truth))
    # Smoothing lags a moving page by about 5 px; the last detection held until the
    # next one would be 12 px off.
    assert max(errors) < 0.005 * DIAGONAL, errors


def test_a_page_lying_still_settles_on_frames_between_detections(
    scene: tuple[Frame, Frame],
) -> None:
    outline = Outline(DIAGONAL)
    frame = shot(scene, PAGE)
    states = [outline.update(frame) for _ in range(3 * DETECT_EVERY)]
    assert [s.steady_frames for s in states] == list(range(len(states)))
    assert max_corner_error(states[-1].corners, PAGE) < 0.005 * DIAGONAL  # type: ignore[arg-type]


def test_a_page_taken_away_is_dropped_and_a_reset_detects_at_once(
    scene: tuple[Frame, Frame],
) -> None:
    outline = Outline(DIAGONAL)
    for _ in range(DETECT_EVERY):
        assert outline.update(shot(scene, PAGE)).corners is not None
    empty = shot(scene, None)
    lost = [outline.update(empty).corners is None for _ in range(4 * DETECT_EVERY)]
    assert lost[-1] and lost.index(True) <= DETECT_EVERY + 5  # the tracker's short hold
    outline.reset()
    assert outline.update(shot(scene, PAGE)).corners is not None  # no wait for a turn


def test_previews_keep_colours_and_the_camera_frame_is_never_drawn_on() -> None:
    frame = np.zeros((720, 1280, 3), np.uint8)
    frame[:, :640] = (0, 0, 255)  # BGR red on the left, blue on the right
    frame[:, 640:] = (255, 0, 0)
    before = frame.copy()
    image = to_qimage(frame, 480)
    assert (image.width(), image.height()) == (480, 270)
    assert image.pixelColor(10, 100) == QColor(255, 0, 0)
    assert image.pixelColor(470, 100) == QColor(0, 0, 255)
    state = TrackState(PAGE, 0, False)
    for width in (960, 1280):  # shrunk, and already the preview's size
        shown = preview_image(frame, state, width)
        assert shown.width() == width
    assert np.array_equal(frame, before)


@pytest.mark.parametrize(("size", "width"), [((1280, 720), 480), ((1920, 1080), 960),
                                             ((1366, 768), 480), ((640, 480), 960)])
def test_shrink_keeps_the_shape_and_a_fine_pattern_averages_out(
    size: tuple[int, int], width: int,
) -> None:
    stripes = np.zeros((size[1], size[0]), np.uint8)
    stripes[:, ::2] = 255  # one-pixel stripes: sampled without averaging they alias
    small = shrink(stripes, width)
    assert small.shape == (round(size[1] * width / size[0]), width)
    if size[0] >= 2 * width:
        assert 100 < small.mean() < 155 and small.std() < 40
    gray = bgr_qimage(small)
    assert (gray.width(), gray.height()) == (small.shape[1], small.shape[0])


class Capture:
    """``cv2.VideoCapture`` as far as opening goes: records what it was asked for."""

    def __init__(self, _index: int) -> None:
        self.settings: dict[int, float] = {}

    def isOpened(self) -> bool:  # OpenCV's spelling
        return True

    def set(self, prop: int, value: float) -> bool:
        self.settings[prop] = value
        return True

    def release(self) -> None:
        pass


def test_a_webcam_is_asked_for_the_rate_the_screens_use() -> None:
    cam = WebcamSource(0, fps=15, capture_factory=Capture)
    assert cam._capture.settings[cv2.CAP_PROP_FPS] == 15
    assert cv2.CAP_PROP_FPS not in WebcamSource(0, capture_factory=Capture)._capture.settings
