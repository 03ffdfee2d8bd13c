"""Flatbed scanners through SANE's ``scanimage``, run as a subprocess with a deadline.

A scanner driver that hangs (a USB hiccup, a lid sensor) must not hang the
kiosk: every call has a timeout, after which the whole process group is killed,
and its output is read up to a bound.  What it wrote is checked in the cage
(``stills.check_still``) before it is saved as a scan.
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
from kiosk.scanner.arrays import u8
from kiosk.scanner.cage import CageLimits, exchange
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.imagecheck import check_header
from kiosk.scanner.regularfile import read_regular
from kiosk.scanner.stills import check_still, decode_checked

MESSAGES: dict[str, str] = {
    "scanner_missing": "Không tìm thấy máy quét (chưa cài chương trình scanimage).",
    "scanner_none": "Không tìm thấy máy quét nào. Xin gọi cán bộ kiểm tra dây cắm máy quét.",
    "scanner_timeout": "Máy quét không trả lời. Xin gọi cán bộ hỗ trợ.",
    "scanner_failed": "Máy quét báo lỗi khi quét. Xin thử lại hoặc gọi cán bộ hỗ trợ.",
    "scanner_mode": "Chế độ quét phải là Gray (xám) hoặc Color (màu).",
}

MODES = ("Gray", "Color")
MAX_SCAN_BYTES = 256 * 1024 * 1024  # an A4 page at 600 dpi in colour, as PNM, is ~105 MB
MAX_SCAN_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 million pixels
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
        max_output: int = MAX_SCAN_BYTES,
    ) -> None:
        self.env = dict(env)
        self.executable = executable
        self.timeout = timeout
        self.list_timeout = list_timeout
        self.extra_args = tuple(extra_args)
        self.max_output = max_output

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
        try:  # the driver's bytes are untrusted too: checked in the cage like a USB image
            check_still(out_file.name, data, max_pixels=MAX_SCAN_PIXELS)
        except CaptureError as error:
            raise error_from_table(CaptureError, MESSAGES, "scanner_failed") from error
        write_atomically(out_file, data)
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
            limits = CageLimits(wall_seconds=timeout, max_output=self.max_output)
            out, stopped = exchange(proc, b"", limits)
            if stopped is None:
                try:
                    proc.wait(timeout=max(1.0, timeout / 10))
                except subprocess.TimeoutExpired:
                    stopped = "file_check_timeout"
            if stopped is not None:
                _kill_group(proc)
                code = "scanner_timeout" if stopped == "file_check_timeout" else "scanner_failed"
                raise error_from_table(CaptureError, MESSAGES, code)
        if proc.returncode != 0:
            raise error_from_table(CaptureError, MESSAGES, "scanner_failed")
        return out


def scan_page(scanner: Scanner) -> npt.NDArray[np.uint8]:
    """One flatbed page at 200 dpi gray (for the background runner; the temp file is removed)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-scan-") as folder:
        path = scanner.scan(Path(folder) / "page.png", dpi=200, mode="Gray")
        data = read_regular(path, MAX_SCAN_BYTES)
    # scan() had the bytes checked in the cage; the header's size is checked again here.
    header = check_header(path.name, data, MAX_SCAN_PIXELS)
    return u8(decode_checked(path.name, data, header, cv2.IMREAD_GRAYSCALE))


def _parse_device(line: str) -> ScanDevice:
    name, vendor, model, kind = line.split("\t")
    return ScanDevice(name, vendor, model, kind)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
