"""The benchmark's card scenes: payloads the kiosk's own parser accepts, QR where it is said."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import zxingcpp

from benchmarks.scenes import cards, desks
from kiosk.domain.identity import check_personal_id, parse_cccd_qr

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("layout", cards.LAYOUTS)
def test_payloads_parse_and_agree_with_their_own_id(layout: str) -> None:
    rng = np.random.default_rng(3)
    for _ in range(30):
        card = parse_cccd_qr(cards.random_payload(rng, layout), today=TODAY)
        assert card.advisories == ()
        personal = check_personal_id(card.personal_id, birth_date=card.birth_date,
                                     gender=card.gender)
        assert personal.advisories == ()


@pytest.mark.parametrize("layout", cards.LAYOUTS)
def test_the_sprite_carries_its_payload_where_it_says(layout: str) -> None:
    rng = np.random.default_rng(8)
    payload = cards.random_payload(rng, layout)
    sprite = cards.render(rng, layout, payload)
    [found] = zxingcpp.read_barcodes(sprite.image)
    assert found.text == payload
    centre = sprite.qr_corners.mean(axis=0)
    p = found.position
    seen = np.mean([[q.x, q.y] for q in (p.top_left, p.top_right, p.bottom_right,
                                         p.bottom_left)], axis=0)
    assert np.linalg.norm(seen - centre) < 10
    width = sprite.image.shape[1]
    # 2021 front: QR at the top right; 2024 back: at the top left.
    assert (centre[0] > width / 2) == (layout == "cccd2021")


def test_card_frame_states_a_module_size_that_fits_the_frame() -> None:
    rng = np.random.default_rng(21)
    for resolution in ((1280, 720), (1920, 1080)):
        frame, payload, meta = cards.card_frame(rng, desks.TUNED[0], resolution,
                                                layout="cccd2021")
        assert frame.shape == (resolution[1], resolution[0], 3)
        assert "|" in payload
        qr = np.array(meta["qr_corners"])
        side = np.linalg.norm(qr[1] - qr[0])
        modules = cards.qr_modules(payload).shape[0]
        assert meta["px_per_module"] <= side / modules + 1e-6
        assert 0.5 < meta["px_per_module"] < 12


def test_a_thumb_over_the_code_is_measured_and_one_elsewhere_is_not() -> None:
    from benchmarks.scenes import camera

    rng = np.random.default_rng(6)
    frame = desks.desk(rng, 640, 360, "wood")
    qr = np.array([[100, 100], [180, 100], [180, 180], [100, 180]], np.float32)
    frame[100:180, 100:180] = 0  # a dark square where the code is
    over = camera.finger(np.random.default_rng(1), frame, qr[0] + 20, scale=50)
    far = np.array([560.0, 300.0], np.float32)
    away = camera.finger(np.random.default_rng(1), frame, far, scale=30)
    assert cards._covered(frame, over, qr) > 0.05
    assert cards._covered(frame, away, qr) == 0.0
