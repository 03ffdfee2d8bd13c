"""The devices' live state as ``kiosk run`` knows it, for the exporter to read at scrape time.

The kiosk learns whether its printer, camera and scanner work by using them: a
slip printed or refused, a camera opened or not, a scanner listed or not.  The
composition root wraps those three calls (``watch_call``, ``watch_scanner``) so
that each use writes its outcome on a ``DeviceBoard``; the collector reads the
board from the HTTP server's thread, hence the lock.  Before the first use, the
printer and camera start from what can be checked without touching them (the
configured device node, the CUPS client); the scanner stays unknown, and an
unknown device is left out of the figures rather than guessed.  ``kiosk sync``
knows no devices and has no board.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from kiosk.config import Config

if TYPE_CHECKING:
    from kiosk.scanner.sane import ScanDevice, Scanner

DEVICES = ("printer", "camera", "scanner")
P = ParamSpec("P")
R = TypeVar("R")


class DeviceBoard:
    """The last known state of each device: True working, False failing; absent: unknown."""

    def __init__(self, initial: Mapping[str, bool] | None = None) -> None:
        self._lock = threading.Lock()
        self._states: dict[str, bool] = dict(initial or {})

    def record(self, device: str, working: bool) -> None:
        with self._lock:
            self._states[device] = working

    def snapshot(self) -> dict[str, bool]:
        with self._lock:
            return dict(self._states)


def watch_call(board: DeviceBoard, device: str, call: Callable[P, R]) -> Callable[P, R]:
    """``call``, recording on ``board`` whether it returned (working) or raised (failing)."""

    def watched(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = call(*args, **kwargs)
        except Exception:
            board.record(device, False)
            raise
        board.record(device, True)
        return result

    return watched


class WatchedScanner:
    """A scanner whose listings and scans say on the board whether it is there and works."""

    def __init__(self, scanner: Scanner, board: DeviceBoard) -> None:
        self._scanner, self._board = scanner, board

    def list_devices(self) -> list[ScanDevice]:
        found = watch_call(self._board, "scanner", self._scanner.list_devices)()
        self._board.record("scanner", bool(found))  # listing nothing: no scanner to use
        return found

    def scan(
        self, out_file: Path, *, device: str | None = None, dpi: int = 200, mode: str = "Gray"
    ) -> Path:
        return watch_call(self._board, "scanner", self._scanner.scan)(
            out_file, device=device, dpi=dpi, mode=mode)


def watch_scanner(board: DeviceBoard, factory: Callable[[], Scanner]) -> Callable[[], Scanner]:
    def opened() -> Scanner:
        return WatchedScanner(factory(), board)

    return opened


def initial_states(config: Config) -> dict[str, bool]:
    """What can be told before the first use, without opening anything."""
    states = {"printer": _printer_ready(config)}
    camera = _camera_present(config.camera.device)
    if camera is not None:
        states["camera"] = camera
    return states


def _printer_ready(config: Config) -> bool:
    printer = config.printer
    if printer.mode == "file":
        return True
    if printer.mode == "escpos-raster":
        return bool(printer.name) and Path(printer.name).exists()
    return shutil.which("lp") is not None


def _camera_present(spec: str) -> bool | None:
    if spec == "demo":
        return True
    if spec == "auto":  # webcam 0, else the demo feed where there is one: the first open says
        return True if Path("/dev/video0").exists() else None
    if spec.isdigit():
        return Path(f"/dev/video{spec}").exists()
    return Path(spec).exists()
