"""The demo camera's card is a consistent one: a demo run shows the resident no warning."""

from __future__ import annotations

from datetime import date

from kiosk.demo import synthetic
from kiosk.demo.camera import DemoCamera
from kiosk.domain.identity import check_personal_id, parse_cccd_qr
from kiosk.scanner.barcodes import decode_image, texts

TODAY = date(2026, 11, 24)


def test_demo_card_payload_passes_the_identity_checks_with_no_advisory() -> None:
    card = parse_cccd_qr(synthetic.SAMPLE_CCCD_PAYLOAD, today=TODAY)
    assert card.advisories == ()
    personal = check_personal_id(card.personal_id, birth_date=card.birth_date,
                                 gender=card.gender)
    assert (personal.gender, personal.birth_year) == (card.gender, card.birth_date.year)
    assert personal.advisories == ()


def test_the_card_the_demo_camera_shows_reads_back_without_advisory() -> None:
    camera = DemoCamera()
    frame = camera.read()
    assert frame is not None
    [payload] = [t for t in texts(decode_image(frame)) if "|" in t]
    card = parse_cccd_qr(payload, today=TODAY)
    assert card.full_name == "Nguyễn Thị Ánh"
    assert card.gender == "Nữ"
    assert card.advisories == ()
