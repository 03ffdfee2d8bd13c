"""installer/stubs.py: the stand-ins for ICU's data and OpenCV's FFmpeg change nothing the
kiosk does with Qt and OpenCV.

Each stand-in is built from the installed cv2 and PySide6, exactly as installer.spec does,
and loaded in place of the real library (LD_PRELOAD: the same soname is then already there);
a probe of what the kiosk uses must give the same answers with and without them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import PySide6
import pytest

from installer.stubs import FFMPEG_LIB, ICU_DATA_LIB, ffmpeg_stub, icudata_stub

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("readelf") is None,
                                reason="the stand-ins are built with gcc and read with readelf")

ROOT = Path(__file__).resolve().parent.parent
CV2_SO = next(Path(cv2.__file__).parent.glob("cv2*.so"))
CV2_LIBS = Path(cv2.__file__).parent.parent / "opencv_python_headless.libs"

PROBE = r"""
import hashlib, json, os, sys, tempfile
import numpy as np
import cv2
from PySide6.QtCore import QDate, QDateTime, QLocale, QTime, QTimeZone, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter
out = {}
img = (np.arange(120 * 160 * 3) % 251).astype(np.uint8).reshape(120, 160, 3)
for ext in (".jpg", ".png"):
    ok, buf = cv2.imencode(ext, img)
    out[ext] = bool(ok) and cv2.imdecode(buf, cv2.IMREAD_COLOR).shape == img.shape
out["ffmpeg_backend"] = cv2.videoio_registry.hasBackend(cv2.CAP_FFMPEG)
out["camera_7"] = cv2.VideoCapture(7).isOpened()
out["missing_file"] = cv2.VideoCapture("/nonexistent/v.mp4").isOpened()
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "v.avi")
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 15, (160, 120))
    for _ in range(5):
        writer.write(img)
    writer.release()
    capture = cv2.VideoCapture(path)
    frames = 0
    while capture.read()[0]:
        frames += 1
    out["mjpeg_avi"] = [capture.getBackendName() if frames else None, frames]
app = QGuiApplication(sys.argv)
vi = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
out["number"] = vi.toString(1234567.5, "f", 1)
out["date"] = vi.toString(QDate(2026, 12, 3), QLocale.FormatType.LongFormat)
out["upper"] = vi.toUpper("đường phố ắ ộ")
out["lower"] = vi.toLower("ĐƯỜNG PHỐ Ắ Ộ")
zone = QTimeZone(b"Asia/Ho_Chi_Minh")
moment = QDateTime(QDate(2026, 12, 3), QTime(8, 0), QTimeZone.utc())
out["zone"] = [zone.offsetFromUtc(moment), moment.toTimeZone(zone).toString("yyyy-MM-dd HH:mm")]
image = QImage(640, 80, QImage.Format.Format_ARGB32)
image.fill(QColor("white"))
painter = QPainter(image)
font = QFont()
font.setPixelSize(28)
painter.setFont(font)
painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter,
                 "Thủ tục hành chính — Đăng ký khai sinh")
painter.end()
out["text_pixels"] = hashlib.sha1(bytes(image.constBits())).hexdigest()
out["libraries"] = sorted({line.split()[-1] for line in open("/proc/self/maps")
                           if "libicudata" in line or "libavcodec" in line})
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def stand_ins(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("stubs")
    built = [ffmpeg_stub(lib, [CV2_SO], out) for lib in sorted(CV2_LIBS.iterdir())
             if FFMPEG_LIB.match(lib.name) and lib.name in _needed(CV2_SO)]
    icu = [p for p in (Path(PySide6.__file__).parent / "Qt" / "lib").iterdir()
           if ICU_DATA_LIB.search(p.name)]
    return [*built, *(icudata_stub(p, out) for p in icu)]


def _needed(binary: Path) -> str:
    return subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True,
                          check=True).stdout


def _probe(preload: list[Path], ffmpeg_off: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("OPENCV_VIDEOIO_PRIORITY_FFMPEG", None)
    if ffmpeg_off:  # what installer/rthook_opencv.py does in the frozen kiosk
        env["OPENCV_VIDEOIO_PRIORITY_FFMPEG"] = "0"
    if preload:
        env["LD_PRELOAD"] = ":".join(map(str, preload))
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_stand_ins_are_small_and_link_like_the_real_ones(stand_ins: list[Path]) -> None:
    names = {p.name for p in stand_ins}
    assert any(n.startswith("libavcodec-") for n in names)
    assert any(n.startswith("libicudata.so.") for n in names)
    for stub in stand_ins:
        assert stub.stat().st_size < 64 * 1024
        assert f"[{stub.name}]" in _needed(stub)  # SONAME: what cv2 and libicuuc ask for


def test_qt_and_opencv_answer_the_same_with_the_stand_ins(stand_ins: list[Path]) -> None:
    real, stubbed = _probe([]), _probe(stand_ins)
    assert real.returncode == 0, real.stderr[-2000:]
    assert stubbed.returncode == 0, stubbed.stderr[-2000:]
    before, after = json.loads(real.stdout), json.loads(stubbed.stdout)
    assert {Path(p).parent for p in after.pop("libraries")} == {stand_ins[0].parent}
    before.pop("libraries")
    assert after == before
    assert after["number"] == "1.234.567,5"
    assert after["upper"] == "ĐƯỜNG PHỐ Ắ Ộ" and after["lower"] == "đường phố ắ ộ"
    assert after["zone"] == [7 * 3600, "2026-12-03 15:00"]
    assert after["mjpeg_avi"] == ["CV_MJPEG", 5]
    assert not after["ffmpeg_backend"] and not after["camera_7"]


def test_ffmpeg_left_on_would_reach_a_stand_in_and_stop_with_a_message(
        stand_ins: list[Path]) -> None:
    done = _probe(stand_ins, ffmpeg_off=False)  # V4L2 fails on camera 7, then FFmpeg's turn
    assert done.returncode != 0
    assert "this build has no FFmpeg" in done.stderr


def test_the_runtime_hook_turns_ffmpeg_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENCV_VIDEOIO_PRIORITY_FFMPEG", "5")  # whatever the machine says
    hook = ROOT / "installer" / "rthook_opencv.py"
    exec(compile(hook.read_text(encoding="utf-8"), str(hook), "exec"), {})  # as PyInstaller
    assert os.environ["OPENCV_VIDEOIO_PRIORITY_FFMPEG"] == "0"
    assert f'"{hook.relative_to(ROOT)}"' in (ROOT / "installer.spec").read_text(encoding="utf-8")
