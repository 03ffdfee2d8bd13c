"""Reading QR codes and Code128 receipt codes: Vietnamese text intact on both backends."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.demo import synthetic
from kiosk.scanner.arrays import Frame, u8
from kiosk.scanner.barcodes import CodeReader, code_regions, texts
from kiosk.scanner.codebackends import BACKENDS, CODE128, QR, Decoded, make_backend, zbar_text
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.livecode import LiveCodeReader

PAYLOAD = synthetic.SAMPLE_CCCD_PAYLOAD
RECEIPT = synthetic.SAMPLE_RECEIPT_CODE


def on_paper(code: Frame, size: tuple[int, int] = (640, 480)) -> Frame:
    """The code pasted in the middle of a light gray sheet, as a camera would frame it."""
    canvas = np.full((size[1], size[0]), 225, np.uint8)
    h, w = code.shape
    y, x = (size[1] - h) // 2, (size[0] - w) // 2
    canvas[y:y + h, x:x + w] = code
    return canvas


@pytest.mark.parametrize("backend", BACKENDS)
def test_vietnamese_cccd_payload_round_trips_on_every_backend(backend: str) -> None:
    image = on_paper(synthetic.code_image(PAYLOAD, module_px=4))
    found = CodeReader(backend).decode(image)
    assert [(c.text, c.format) for c in found] == [(PAYLOAD, QR)]
    assert found[0].raw == PAYLOAD.encode("utf-8")


@pytest.mark.parametrize("backend", BACKENDS)
def test_code128_receipt_code_is_read_on_every_backend(backend: str) -> None:
    image = on_paper(synthetic.code_image(RECEIPT, qr=False, module_px=2), size=(800, 300))
    found = CodeReader(backend).decode(image)
    assert [(c.text, c.format) for c in found] == [(RECEIPT, CODE128)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_card_photographed_on_a_desk_is_decoded(backend: str) -> None:
    shot = synthetic.card_shot(np.random.default_rng(11), PAYLOAD)
    found = CodeReader(backend).decode(shot.frame)
    assert PAYLOAD in [c.text for c in found]


def test_small_blurred_code_needs_the_preprocessing_cascade() -> None:
    # 1.6 px per module, softened: the plain decoder misses, the enlarged crop reads it.
    code = synthetic.code_image(RECEIPT + "|" + "x" * 40, module_px=4)
    small = u8(cv2.resize(code, None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA))
    frame = u8(cv2.GaussianBlur(on_paper(small, (1280, 720)), (0, 0), 0.7))
    plain = make_backend("zxing").decode(frame)
    assert plain == []
    assert [c.text for c in CodeReader("zxing").decode(frame)] == [RECEIPT + "|" + "x" * 40]


def test_blurred_dim_card_read_by_the_sharpened_enlargement() -> None:
    # A hard corpus-like frame: small card, 2-3 px modules, blur, noise, JPEG.
    # Plain zxing-cpp finds nothing; the region, stretched, enlarged and sharpened
    # at the module scale, is read.  (A generous budget: this tests the cascade, not speed.)
    shot = synthetic.card_shot(np.random.default_rng(14), PAYLOAD, hard=True)
    assert make_backend("zxing").decode(shot.frame) == []
    found = CodeReader("zxing", budget_ms=1000).decode(shot.frame)
    assert PAYLOAD in [c.text for c in found]


class CountingBackend:
    """A backend that never finds anything and counts how often it was asked."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def decode(self, gray: Frame) -> list[Decoded]:
        self.calls += 1
        return []


def test_time_budget_stops_the_cascade_after_the_first_crop() -> None:
    shot = synthetic.card_shot(np.random.default_rng(14), PAYLOAD, hard=True)
    spent = CountingBackend()
    assert CodeReader(spent, budget_ms=0).decode(shot.frame) == []
    assert spent.calls == 2  # the plain frame, then the first enlarged crop only
    patient = CountingBackend()
    CodeReader(patient, budget_ms=10_000, max_attempts=6).decode(shot.frame)
    assert patient.calls == 6


def test_a_strict_budget_spent_starts_no_crop_at_all() -> None:
    # Live video: once the frame's budget is gone the next frame tries again.
    shot = synthetic.card_shot(np.random.default_rng(14), PAYLOAD, hard=True)
    gray = u8(cv2.cvtColor(shot.frame, cv2.COLOR_BGR2GRAY))
    regions = code_regions(gray)[:3]
    strict = CountingBackend()
    assert CodeReader(strict, budget_ms=0).decode_regions(gray, regions, strict=True) == []
    assert strict.calls == 0
    lenient = CountingBackend()
    CodeReader(lenient, budget_ms=0).decode_regions(gray, regions)
    assert lenient.calls == 1


def test_code_regions_put_the_code_first() -> None:
    shot = synthetic.card_shot(np.random.default_rng(5), PAYLOAD)
    gray = u8(cv2.cvtColor(shot.frame, cv2.COLOR_BGR2GRAY))
    x, y, w, h = code_regions(gray)[0]
    qr = CodeReader("zxing").decode(gray)[0]
    cx = np.mean([p[0] for p in qr.corners])
    cy = np.mean([p[1] for p in qr.corners])
    assert x <= cx <= x + w and y <= cy <= y + h


def test_frame_without_codes_gives_nothing() -> None:
    desk = synthetic.render_desk(np.random.default_rng(2), (1280, 720), "wood")
    assert CodeReader("zxing").decode(desk) == []


@pytest.mark.parametrize("codec", ["latin-1", "shift_jis"])
def test_zbar_text_undoes_a_wrong_charset_guess(codec: str) -> None:
    # What an older zbar hands over: the UTF-8 bytes read as another charset, re-encoded.
    # (zbar only guesses Shift-JIS when the bytes are valid Shift-JIS, as these are.)
    text = PAYLOAD if codec == "latin-1" else "Trần Văn Đức, Hải Phòng"
    raw = text.encode("utf-8")
    mangled = raw.decode(codec).encode("utf-8")
    assert mangled != raw
    assert zbar_text(mangled) == text


def test_zbar_text_leaves_correct_text_alone() -> None:
    assert zbar_text(PAYLOAD.encode("utf-8")) == PAYLOAD
    assert zbar_text(b"000.00.00.H23-261124-1001") == RECEIPT


def test_unknown_backend_is_a_typed_error() -> None:
    with pytest.raises(CaptureError) as caught:
        make_backend("quirc")
    assert caught.value.code == "backend_unknown"


@pytest.mark.parametrize("frame", [
    np.zeros((0, 0), np.uint8), np.zeros((0, 5, 3), np.uint8), np.zeros((1, 5000), np.uint8),
    np.zeros((5000, 1), np.uint8), np.zeros((2, 2), np.uint8), np.zeros((100, 100), np.float32),
    np.zeros((100, 100, 2), np.uint8), np.zeros((4, 4, 4, 4), np.uint8), "not an image",
], ids=["empty", "empty-bgr", "one-row", "one-column", "tiny", "float", "two-channel",
        "four-d", "text"])
def test_frames_that_hold_no_image_give_nothing_without_raising(frame: object) -> None:
    assert CodeReader().decode(frame) == []  # type: ignore[arg-type]
    assert LiveCodeReader().feed(frame) == []  # type: ignore[arg-type]


def test_odd_layouts_of_a_real_frame_are_read() -> None:
    gray = on_paper(synthetic.code_image(PAYLOAD, module_px=4))
    bgra = np.ascontiguousarray(np.dstack([gray, gray, gray, np.full_like(gray, 255)]))
    strided = np.repeat(gray, 2, axis=1)[:, ::2]  # not contiguous in memory
    for frame in (bgra, gray[..., None], strided):
        assert texts(CodeReader().decode(frame)) == [PAYLOAD]


def test_a_frame_larger_than_any_camera_is_read_shrunk_with_corners_in_its_pixels() -> None:
    code = synthetic.code_image(PAYLOAD, module_px=14)
    canvas = np.full((5000, 6000), 225, np.uint8)
    canvas[3000:3000 + code.shape[0], 4000:4000 + code.shape[1]] = code
    found = CodeReader().decode(canvas)
    assert texts(found) == [PAYLOAD]
    xs = [x for x, _ in found[0].corners]
    ys = [y for _, y in found[0].corners]
    assert min(xs) > 3900 and max(xs) < 4100 + code.shape[1]
    assert min(ys) > 2900 and max(ys) < 3100 + code.shape[0]
