"""Flatbed scanning: one contract for the SANE scanner (built-in test device) and the fake."""

from __future__ import annotations

import stat
from pathlib import Path

import cv2
import pytest

from kiosk.demo.scanner import FakeScanner
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.sane import SaneScanner, Scanner

# A small area keeps the test device quick: 40 × 30 mm.
SMALL = ("-x", "40", "-y", "30")


@pytest.fixture(params=["sane", "fake"])
def scanner(request: pytest.FixtureRequest) -> Scanner:
    if request.param == "fake":
        return FakeScanner()
    env: dict[str, str] = request.getfixturevalue("sane_env")
    return SaneScanner(env, timeout=30, extra_args=SMALL)


def test_contract_lists_at_least_one_device(scanner: Scanner) -> None:
    devices = scanner.list_devices()
    assert devices and all(d.name for d in devices)


@pytest.mark.parametrize(("mode", "channels"), [("Gray", 1), ("Color", 3)])
def test_contract_scans_a_page_to_png(
    scanner: Scanner, tmp_path: Path, mode: str, channels: int
) -> None:
    target = tmp_path / "scans"
    out = scanner.scan(target / "page.png", dpi=200, mode=mode)
    image = cv2.imread(str(out), cv2.IMREAD_UNCHANGED)
    assert image is not None
    assert (image.ndim == 2 and channels == 1) or image.shape[2] == channels
    assert [p.name for p in target.iterdir()] == ["page.png"]  # no temporary left behind


def test_contract_refuses_an_unknown_mode(scanner: Scanner, tmp_path: Path) -> None:
    with pytest.raises(CaptureError) as caught:
        scanner.scan(tmp_path / "x.png", mode="Lineart")
    assert caught.value.code == "scanner_mode"


def test_sane_test_device_scans_at_200_dpi(sane_env: dict[str, str], tmp_path: Path) -> None:
    scanner = SaneScanner(sane_env, timeout=30, extra_args=SMALL)
    out = scanner.scan(tmp_path / "page.pnm", device="test:0", dpi=200)
    image = cv2.imread(str(out), cv2.IMREAD_UNCHANGED)
    # 40 mm at 200 dpi is 315 pixels (the test device may round by one)
    assert abs(image.shape[1] - round(40 / 25.4 * 200)) <= 1


def test_missing_scanimage_is_reported_as_no_scanner(tmp_path: Path) -> None:
    scanner = SaneScanner({"PATH": str(tmp_path)})
    with pytest.raises(CaptureError) as caught:
        scanner.list_devices()
    assert caught.value.code == "scanner_missing"
    assert "không tìm thấy máy quét" in caught.value.message.lower()


def fake_program(tmp_path: Path, body: str) -> dict[str, str]:
    program = tmp_path / "scanimage"
    program.write_text("#!/bin/sh\n" + body + "\n", encoding="ascii")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{tmp_path}:/usr/bin:/bin"}


def test_a_hung_driver_is_killed_at_the_deadline(tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    env = fake_program(tmp_path, f"sleep 30; touch {marker}")
    with pytest.raises(CaptureError) as caught:
        SaneScanner(env, timeout=0.5).scan(tmp_path / "out.png", device="test:0")
    assert caught.value.code == "scanner_timeout"
    assert not (tmp_path / "out.png").exists()


def test_a_failing_driver_is_a_scan_error(tmp_path: Path) -> None:
    env = fake_program(tmp_path, "echo 'scanimage: open of device failed' >&2; exit 1")
    with pytest.raises(CaptureError) as caught:
        SaneScanner(env).scan(tmp_path / "out.png", device="x")
    assert caught.value.code == "scanner_failed"


def test_garbage_output_is_not_saved_as_a_scan(tmp_path: Path) -> None:
    env = fake_program(tmp_path, "echo not-an-image")
    with pytest.raises(CaptureError):
        SaneScanner(env).scan(tmp_path / "out.png", device="x")
    assert not (tmp_path / "out.png").exists()


def test_no_devices_found(tmp_path: Path) -> None:
    env = fake_program(tmp_path, "exit 0")
    with pytest.raises(CaptureError) as caught:
        SaneScanner(env).scan(tmp_path / "out.png")
    assert caught.value.code == "scanner_none"




def test_a_driver_that_never_stops_writing_is_cut_off(tmp_path: Path) -> None:
    env = fake_program(tmp_path, "exec yes")
    with pytest.raises(CaptureError) as caught:
        SaneScanner(env, timeout=30, max_output=1024 * 1024).scan(tmp_path / "out.png",
                                                                   device="x")
    assert caught.value.code == "scanner_failed"
    assert not (tmp_path / "out.png").exists()


def test_a_scan_that_is_an_image_bomb_is_not_saved(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pnm"
    bomb.write_bytes(b"P5\n30000 30000\n255\n" + bytes(64))
    env = fake_program(tmp_path, f"cat {bomb}")
    with pytest.raises(CaptureError) as caught:
        SaneScanner(env).scan(tmp_path / "out.pnm", device="x")
    assert caught.value.code == "scanner_failed"
    assert isinstance(caught.value.__cause__, CaptureError)
    assert caught.value.__cause__.code == "image_too_large"
    assert not (tmp_path / "out.pnm").exists()
