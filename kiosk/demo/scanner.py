"""A scanner that "scans" a synthetic A4 form, for tests and demo mode (no SANE needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from kiosk.demo import synthetic
from kiosk.domain.errors import error_from_table
from kiosk.scanner.arrays import u8
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.sane import MESSAGES, MODES, ScanDevice, write_atomically


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
        write_atomically(out_file, encoded.tobytes())
        return out_file
