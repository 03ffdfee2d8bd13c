"""The detect / decode / scan verbs: useful output, and one Vietnamese line for bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import numpy as np

from kiosk.demo import synthetic
from kiosk.scanner.commands import decode_command, detect_command, scan_command
from kiosk.scanner.geometry import max_corner_error
from tests.scanner.conftest import DIAGONAL, scene


def bad_inputs(tmp_path: Path) -> list[Path]:
    text = tmp_path / "ghi-chu.png"
    text.write_text("không phải ảnh", encoding="utf-8")
    page, _ = scene(0)
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(cv2.imencode(".png", page)[1].tobytes()[:5000])
    return [tmp_path / "missing.jpg", text, truncated, tmp_path]


def test_detect_prints_corners_as_json_and_saves_the_flattened_page(tmp_path: Path) -> None:
    frame, truth = scene(1, fill=0.7)
    image = tmp_path / "trang.jpg"
    cv2.imwrite(str(image), frame)
    out = io.StringIO()
    assert detect_command([image], True, tmp_path / "warped", out) == 0
    [item] = json.loads(out.getvalue())
    assert max_corner_error(np.float32(item["corners"]), truth) <= 0.02 * DIAGONAL
    assert item["reason"] == "ok"
    assert cv2.imread(item["warped"]) is not None


def test_detect_says_when_there_is_no_page(tmp_path: Path) -> None:
    image = tmp_path / "ban.png"
    cv2.imwrite(str(image), synthetic.render_desk(np.random.default_rng(1), (640, 360), "dark"))
    out = io.StringIO()
    assert detect_command([image], False, None, out) == 1
    assert "không thấy tờ giấy" in out.getvalue()


def test_bad_inputs_give_a_message_and_exit_code_1(tmp_path: Path) -> None:
    for path in bad_inputs(tmp_path):
        outs = [io.StringIO(), io.StringIO()]
        assert detect_command([path], False, None, outs[0]) == 1
        assert decode_command([path], False, "zxing", outs[1]) == 1
        for out in outs:
            assert out.getvalue().startswith("Lỗi: ")
            assert "Traceback" not in out.getvalue()


def test_decode_prints_the_cccd_fields(tmp_path: Path) -> None:
    shot = synthetic.card_shot(np.random.default_rng(11))
    image = tmp_path / "the.jpg"
    cv2.imwrite(str(image), shot.frame)
    for backend in ("zxing", "zbar"):
        out = io.StringIO()
        assert decode_command([image], False, backend, out) == 0
        text = out.getvalue()
        assert "Họ và tên: Nguyễn Thị Ánh" in text
        assert "Số định danh: 030190012345" in text
        assert "Ngày sinh: 1990-01-01" in text


def test_decode_json_for_a_receipt_barcode(tmp_path: Path) -> None:
    code = synthetic.code_image(synthetic.SAMPLE_RECEIPT_CODE, qr=False, module_px=2)
    image = tmp_path / "phieu.png"
    cv2.imwrite(str(image), np.pad(code, 60, constant_values=255))
    out = io.StringIO()
    assert decode_command([image], True, "zxing", out) == 0
    [item] = json.loads(out.getvalue())
    assert item["codes"] == [{"format": "Code128", "text": synthetic.SAMPLE_RECEIPT_CODE}]


def test_decode_with_an_unknown_backend_is_a_message(tmp_path: Path) -> None:
    out = io.StringIO()
    assert decode_command([tmp_path / "x.png"], False, "quirc", out) == 1
    assert out.getvalue().startswith("Lỗi: ")


def test_scan_without_scanimage_is_a_message(tmp_path: Path) -> None:
    out = io.StringIO()
    assert scan_command(None, tmp_path / "p.png", {"PATH": str(tmp_path)}, out) == 1
    assert "Không tìm thấy máy quét" in out.getvalue()


def test_scan_with_the_sane_test_device(sane_env: dict[str, str], tmp_path: Path) -> None:
    out = io.StringIO()
    target = tmp_path / "out" / "p.png"
    assert scan_command("test:0", target, sane_env, out) == 0
    assert cv2.imread(str(target)) is not None
