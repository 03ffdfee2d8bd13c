"""The wide scene generator (benchmarks.scenes) draws what it claims, the same for one seed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from benchmarks.scenes import camera, desks, pages
from kiosk.scanner.arrays import f32, u8


@pytest.mark.parametrize("family", desks.FAMILIES)
def test_each_family_renders_a_varied_bgr_desk(family: str) -> None:
    image = desks.desk(np.random.default_rng(5), 320, 180, family)
    assert image.shape == (180, 320, 3) and image.dtype == np.uint8
    assert float(image.std()) > 2.0  # not a flat fill


def test_families_differ_and_one_is_held_out() -> None:
    assert {"wood", "cloth", "tiles", "clutter", "dark", "plain"} <= set(desks.FAMILIES)
    assert desks.HELD_OUT in desks.FAMILIES and desks.HELD_OUT not in desks.TUNED
    dark = desks.desk(np.random.default_rng(1), 320, 180, "dark")
    plain = desks.desk(np.random.default_rng(1), 320, 180, "plain")
    assert dark.mean() < plain.mean()


def test_unknown_family_is_refused() -> None:
    with pytest.raises(ValueError, match="marble"):
        desks.desk(np.random.default_rng(0), 64, 64, "marble")


def test_same_seed_same_frame_other_seed_other_frame() -> None:
    a = pages.page_frame(np.random.default_rng(7), "wood", (1280, 720))
    b = pages.page_frame(np.random.default_rng(7), "wood", (1280, 720))
    c = pages.page_frame(np.random.default_rng(8), "wood", (1280, 720))
    assert np.array_equal(a[0], b[0]) and a[2] == b[2]
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("resolution", camera.RESOLUTIONS)
def test_page_frame_size_and_truth(resolution: tuple[int, int]) -> None:
    rng = np.random.default_rng(11)
    width, height = resolution
    for family in ("plain", "cloth"):
        frame, corners, meta = pages.page_frame(rng, family, resolution)
        assert frame.shape == (height, width, 3) and frame.dtype == np.uint8
        assert meta["family"] == family and meta["resolution"] == [width, height]
        assert (corners is not None) == meta["inside"]
        if corners is not None:
            assert camera.inside(corners, width, height)


def test_truth_is_none_exactly_when_a_corner_is_out_of_frame() -> None:
    rng = np.random.default_rng(3)
    outside = inside = 0
    for _ in range(60):
        corners = camera.random_pose(rng, 1280, 720, pages.A4_ASPECT)
        if camera.inside(corners, 1280, 720):
            inside += 1
        else:
            outside += 1
            # partly, not wholly, out of frame: the centre stays in view
            cx, cy = corners.mean(axis=0)
            assert -0.25 * 1280 < cx < 1.25 * 1280 and -0.25 * 720 < cy < 1.25 * 720
    assert inside > 30 and outside > 3


def test_poses_turn_up_to_half_a_turn() -> None:
    rng = np.random.default_rng(9)
    angles = []
    for _ in range(200):
        c = camera.random_pose(rng, 1280, 720, pages.A4_ASPECT, out_of_frame=False)
        top = c[1] - c[0]
        angles.append(np.degrees(np.arctan2(top[1], top[0])))
    assert max(np.abs(angles)) > 150  # upside-down pages occur
    assert min(np.abs(angles)) < 20


def test_place_puts_the_sprite_at_its_corners() -> None:
    background = np.zeros((200, 300, 3), np.uint8)
    sprite = np.full((100, 70, 3), 255, np.uint8)
    corners = f32([[50.5, 40], [150, 40], [150, 180], [50.5, 180]])
    out = camera.place(background, sprite, corners, shadow=False)
    assert out[110, 100].min() == 255  # inside
    assert out[10, 10].max() == 0 and out[110, 200].max() == 0  # outside
    assert 0 < int(out[110, 50, 0]) < 255  # the border pixel half covered: antialiased
    # corners may lie outside the frame
    wide = f32([[-50, -40], [350, -40], [350, 240], [-50, 240]])
    assert camera.place(background, sprite, wide).min() == 255


def test_finger_covers_the_point_in_a_skin_tone() -> None:
    image = np.full((200, 200, 3), 255, np.uint8)
    out = camera.finger(np.random.default_rng(2), image, f32([100, 100]), scale=30)
    b, g, r = (int(v) for v in out[100, 100])
    assert r > g > b  # skin: more red than green than blue
    assert out[5, 5].min() == 255 or out[195, 195].min() == 255  # not the whole image


def test_degrade_keeps_size_and_compresses() -> None:
    image = desks.desk(np.random.default_rng(4), 320, 180, "wood")
    rng = np.random.default_rng(4)
    outs = [camera.degrade(rng, image) for _ in range(6)]
    assert all(o.shape == image.shape and o.dtype == np.uint8 for o in outs)
    assert all(not np.array_equal(o, image) for o in outs)
    gray = u8(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    assert len({round(float(cv2.cvtColor(o, cv2.COLOR_BGR2GRAY).mean() - gray.mean()))
                for o in outs}) > 1  # exposure varies


def test_webcam_records_what_it_applied() -> None:
    image = desks.desk(np.random.default_rng(5), 640, 360, "wood")
    rng = np.random.default_rng(5)
    draws = [camera.webcam(rng, image) for _ in range(80)]
    records = [d for _, d in draws]
    strong = sum(d.strong_compression for d in records)
    assert 5 <= strong <= 30  # about one frame in five
    assert all(15 <= d.quality <= 45 or 70 <= d.quality <= 95 for d in records)
    assert any(d.conditions() == ["clean"] for d in records)
    gray = u8(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))

    def sharpness(frame: np.ndarray) -> float:
        return float(cv2.Laplacian(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), cv2.CV_32F).var())

    blurred = [sharpness(f) for f, d in draws if d.defocus_sigma > 0.5]  # > 1 px at 1280
    clean = [sharpness(f) for f, d in draws if d.conditions() == ["clean"]]
    assert blurred and clean and np.median(blurred) < np.median(clean)
    dark = [float(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY).mean()) for f, d in draws
            if d.exposure < 0.8]
    assert dark and max(dark) < gray.mean()  # an under-exposed frame is darker
