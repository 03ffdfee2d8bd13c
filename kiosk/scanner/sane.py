"""Flatbed scanners through SANE's ``scanimage``, run as a subprocess with a deadline.

A scanner driver that hangs (a USB hiccup, a lid sensor) must not hang the
kiosk: every call has a timeout, after which the whole process group is killed.
The environment is a parameter (``SANE_CONFIG_DIR`` chooses which backends load;
tests point it at a folder whose ``dll.conf`` lists only SANE's ``test``
device), never read from ``os.environ`` here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.domain.errors import error_from_table
from kiosk.scanner import synthetic
from kiosk.scanner.arrays import u8
from kiosk.scanner.errors import CaptureError

MESSAGES: dict[str, str] = {
    "scanner_missing": "Không tìm thấy máy quét (chưa cài chương trình scanimage).",
    "scanner_none": "Không tìm thấy máy quét nào. Xin gọi cán bộ kiểm tra dây cắm máy quét.",
    "scanner_timeout": "Máy quét không trả lời. Xin gọi cán bộ hỗ trợ.",
    "scanner_failed": "Máy quét báo lỗi khi quét. Xin thử lại hoặc gọi cán bộ hỗ trợ.",
    "scanner_mode": "Chế độ quét phải là Gray (xám) hoặc Color (màu).",
}

MODES = ("Gray", "Color")
_FORMATS = {".png": "png", ".pnm": "pnm", ".pgm": "pnm", ".ppm": "pnm", ".tif": "tiff",
            ".tiff": "tiff", ".jpg": "jpeg", ".jpeg": "jpeg"}


@dataclass(frozen=True)
class ScanDevice:
    """A scanner SANE can see: ``name`` is what ``--device`` takes."""

    name: str
    vendor: str
    model: str
    kind: str


class Scanner(Protocol):
    """A flatbed scanner: list what is attached, scan one page to an image file."""

    def list_devices(self) -> list[ScanDevice]: ...

    def scan(
        self, out_file: Path, *, device: str | None = None, dpi: int = 200, mode: str = "Gray"
    ) -> Path: ...


class SaneScanner:
    """The real scanner, through the ``scanimage`` program of sane-utils."""

    def __init__(
        self, env: Mapping[str, str], *, executable: str = "scanimage",
        timeout: float = 120.0, list_timeout: float = 30.0, extra_args: Sequence[str] = (),
    ) -> None:
        self.env = dict(env)
        self.executable = executable
        self.timeout = timeout
        self.list_timeout = list_timeout
        self.extra_args = tuple(extra_args)

    def list_devices(self) -> list[ScanDevice]:
        out = self._run(["-f", "%d\t%v\t%m\t%t%n"], self.list_timeout)
        return [_parse_device(line) for line in out.decode("utf-8", "replace").splitlines()
                if line.count("\t") == 3]

    def scan(
        self, out_file: Path, *, device: str | None = None, dpi: int = 200, mode: str = "Gray"
    ) -> Path:
        """Scan one page to ``out_file`` (PNG, PNM, TIFF or JPEG by its suffix)."""
        if mode not in MODES:
            raise error_from_table(CaptureError, MESSAGES, "scanner_mode", field="mode")
        if device is None:
            devices = self.list_devices()
            if not devices:
                raise error_from_table(CaptureError, MESSAGES, "scanner_none")
            device = devices[0].name
        fmt = _FORMATS.get(out_file.suffix.lower(), "png")
        args = ["-d", device, "--resolution", str(dpi), "--mode", mode, f"--format={fmt}",
                *self.extra_args]
        data = self._run(args, self.timeout)
        if cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED) is None:
            raise error_from_table(CaptureError, MESSAGES, "scanner_failed")
        _write_atomically(out_file, data)
        return out_file

    def _run(self, args: list[str], timeout: float) -> bytes:
        program = shutil.which(self.executable, path=self.env.get("PATH", os.defpath))
        if program is None:
            raise error_from_table(CaptureError, MESSAGES, "scanner_missing")
        # Own session: on timeout the driver's helper processes die with it.
        with subprocess.Popen(
            [program, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL, env=self.env, start_new_session=True,
        ) as proc:
            try:
                out, _err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                raise error_from_table(CaptureError, MESSAGES, "scanner_timeout") from None
        if proc.returncode != 0:
            raise error_from_table(CaptureError, MESSAGES, "scanner_failed")
        return out


class FakeScanner:
    """A scanner that "scans" a synthetic A4 form: for tests and kiosks in demo mode."""

    def __init__(self, devices: Sequence[ScanDevice] | None = None, *, seed: int = 3) -> None:
        default = ScanDevice("fake:0", "Kiosk", "Máy quét giả", "flatbed scanner")
        self.devices = list(devices) if devices is not None else [default]
        self._rng = np.random.default_rng(seed)

    def list_devices(self) -> list[ScanDevice]:
        return list(self.devices)

    def scan(
        self, out_file: Path, *, device: str | None = None, dpi: int = 200, mode: str = "Gray"
    ) -> Path:
        if mode not in MODES:
            raise error_from_table(CaptureError, MESSAGES, "scanner_mode", field="mode")
        names = [d.name for d in self.devices]
        if not names or (device is not None and device not in names):
            raise error_from_table(CaptureError, MESSAGES, "scanner_none")
        page = synthetic.render_page(self._rng, width=round(210 / 25.4 * dpi))
        if mode == "Gray":
            page = u8(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY))
        ok, encoded = cv2.imencode(out_file.suffix or ".png", page)
        if not ok:
            raise error_from_table(CaptureError, MESSAGES, "scanner_failed")
        _write_atomically(out_file, encoded.tobytes())
        return out_file


def scan_page(scanner: Scanner) -> npt.NDArray[np.uint8]:
    """One flatbed page at 200 dpi gray (for the background runner; the temp file is removed)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-scan-") as folder:
        path = scanner.scan(Path(folder) / "page.png", dpi=200, mode="Gray")
        image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ValueError("the scanner's image could not be read")
    return u8(image)


def _parse_device(line: str) -> ScanDevice:
    name, vendor, model, kind = line.split("\t")
    return ScanDevice(name, vendor, model, kind)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
