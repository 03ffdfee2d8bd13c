"""The capture layer's command-line verbs, as pure functions the CLI wires up.

``kiosk detect``, ``kiosk decode`` and ``kiosk scan`` call these with parsed
arguments and an output stream; each returns the exit code.  A bad input (a
missing file, a file that is not an image, a truncated PNG) is one Vietnamese
line and exit code 1, never a traceback: every image is read as a regular file
and checked in the cage (``stills``) before it is decoded, so a FIFO, /dev/zero
or a 30000 × 30000 bomb is refused with a reason.  Timings are printed because the
technician running ``detect`` on a kiosk wants to know if the machine keeps up.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

import cv2

from kiosk.domain.errors import DomainError, ValidationError
from kiosk.domain.identity import CccdCard, parse_cccd_qr
from kiosk.scanner.arrays import Frame
from kiosk.scanner.barcodes import CodeReader
from kiosk.scanner.codebackends import QR, Decoded
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.pagedetect import detect_page
from kiosk.scanner.quality import assess
from kiosk.scanner.sane import SaneScanner
from kiosk.scanner.stills import load_still
from kiosk.scanner.warp import finish_page

EXIT_OK = 0
EXIT_FAILED = 1

MESSAGES: dict[str, str] = {
    "no_page": "{name}: không thấy tờ giấy ({reason}).",
    "no_code": "{name}: không đọc được mã QR hay mã vạch nào.",
}


def detect_command(images: list[Path], as_json: bool, warp_dir: Path | None, out: TextIO) -> int:
    """Print each image's page corners, quality verdict and timing; optionally save the warp."""
    results, status = _each_image(images, lambda path, frame: _detect_one(path, frame, warp_dir))
    for item in results:
        if "error" not in item and item["corners"] is None:
            status = EXIT_FAILED
    _print(results, as_json, out, _detect_line)
    return status


def decode_command(images: list[Path], as_json: bool, backend: str, out: TextIO) -> int:
    """Print the codes read in each image; for a CCCD QR code also the card's fields."""
    try:
        reader = CodeReader(backend)
    except CaptureError as exc:
        out.write(f"Lỗi: {exc.message}\n")
        return EXIT_FAILED
    def decode_one(path: Path, frame: Frame) -> dict[str, Any]:
        start = time.perf_counter()
        found = reader.decode(frame)
        elapsed = (time.perf_counter() - start) * 1000
        return {"file": str(path), "ms": round(elapsed, 1),
                "codes": [_code_json(code) for code in found]}

    results, status = _each_image(images, decode_one)
    if any("codes" in item and not item["codes"] for item in results):
        status = EXIT_FAILED
    _print(results, as_json, out, _decode_line)
    return status


def scan_command(device: str | None, out_file: Path, env: Mapping[str, str], out: TextIO) -> int:
    """Scan one page at 200 dpi gray with ``scanimage`` into ``out_file``."""
    try:
        SaneScanner(env).scan(out_file, device=device)
    except DomainError as exc:
        out.write(f"Lỗi: {exc.message}\n")
        return EXIT_FAILED
    out.write(f"Đã quét vào {out_file}\n")
    return EXIT_OK


def _each_image(
    images: list[Path], handle: Callable[[Path, Frame], dict[str, Any]]
) -> tuple[list[dict[str, Any]], int]:
    """``handle`` each image that loads; one that does not is reported and fails the run."""
    results: list[dict[str, Any]] = []
    status = EXIT_OK
    for path in images:
        try:
            frame = load_image(path)
        except CaptureError as exc:
            results.append({"file": str(path), "error": exc.code, "message": exc.message})
            status = EXIT_FAILED
            continue
        results.append(handle(path, frame))
    return results, status


def load_image(path: Path) -> Frame:
    """Read an image file as BGR once the cage has checked it (regular file, size, decode)."""
    return load_still(path)


def _detect_one(path: Path, frame: Frame, warp_dir: Path | None) -> dict[str, Any]:
    start = time.perf_counter()
    found = detect_page(frame)
    elapsed = (time.perf_counter() - start) * 1000
    corners = None if found is None else found.corners
    verdict = assess(frame, corners)
    item: dict[str, Any] = {
        "file": str(path), "ms": round(elapsed, 1), "reason": verdict.reason,
        "message": verdict.message,
        "corners": None if corners is None else [[round(float(v), 1) for v in p] for p in corners],
    }
    if corners is not None and warp_dir is not None:
        warp_dir.mkdir(parents=True, exist_ok=True)
        target = warp_dir / f"{path.stem}.png"
        cv2.imwrite(str(target), finish_page(frame, corners))
        item["warped"] = str(target)
    return item


def _code_json(code: Decoded) -> dict[str, Any]:
    item: dict[str, Any] = {"format": code.format, "text": code.text}
    if code.format == QR and "|" in code.text:
        try:
            item["cccd"] = _card_json(parse_cccd_qr(code.text))
        except ValidationError as exc:
            item["cccd_error"] = exc.message
    return item


def _card_json(card: CccdCard) -> dict[str, Any]:
    return {
        "personal_id": card.personal_id, "old_id": card.old_id, "full_name": card.full_name,
        "birth_date": card.birth_date.isoformat(), "gender": card.gender,
        "address": card.address,
        "issued_on": None if card.issued_on is None else card.issued_on.isoformat(),
        "advisories": [a.message for a in card.advisories],
    }


def _print(results: list[dict[str, Any]], as_json: bool, out: TextIO, line: Any) -> None:
    if as_json:
        out.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        return
    for item in results:
        out.write(("Lỗi: " + item["message"] if "error" in item else line(item)) + "\n")


def _detect_line(item: dict[str, Any]) -> str:
    if item["corners"] is None:
        return f"{item['file']}: không thấy tờ giấy ({item['ms']} ms)"
    corners = " ".join(f"({x:.0f},{y:.0f})" for x, y in item["corners"])
    text = f"{item['file']}: {corners} — {item['message']} ({item['ms']} ms)"
    return text + (f"\n  ảnh đã nắn: {item['warped']}" if "warped" in item else "")


_CARD_LABELS = (("personal_id", "Số định danh"), ("old_id", "Số CMND cũ"),
                ("full_name", "Họ và tên"), ("birth_date", "Ngày sinh"), ("gender", "Giới tính"),
                ("address", "Nơi thường trú"), ("issued_on", "Ngày cấp"))


def _decode_line(item: dict[str, Any]) -> str:
    if not item["codes"]:
        return f"{item['file']}: không đọc được mã nào ({item['ms']} ms)"
    lines = [f"{item['file']} ({item['ms']} ms):"]
    for code in item["codes"]:
        lines.append(f"  [{code['format']}] {code['text']}")
        card = code.get("cccd")
        if card:
            lines += [f"    {label}: {card[key] or '—'}" for key, label in _CARD_LABELS]
            lines += [f"    Lưu ý: {note}" for note in card["advisories"]]
        elif "cccd_error" in code:
            lines.append(f"    {code['cccd_error']}")
    return "\n".join(lines)
