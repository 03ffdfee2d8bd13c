"""A real X server for tests that must see what a kiosk screen shows: Xvfb, optionally a
window manager, and looks at windows and pixels from outside the kiosk's process.

Xvfb picks a free display number itself (``-displayfd``) and keeps its framebuffer
in a file (``-fbdir``, XWD format), so a screenshot needs no extra tool.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

START_TIMEOUT_S = 20
TOOLS = ("Xvfb", "xwininfo", "xdotool", "matchbox-window-manager")


def require_tools() -> None:
    """Skip, naming the packages, where the X test tools are not installed."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {missing}: apt-get install xvfb x11-utils xdotool "
                    "matchbox-window-manager (python3 -m kiosk.devenv test does it)")


@dataclass(frozen=True)
class XServer:
    display: str
    width: int
    height: int
    framebuffer: Path

    def env(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` pointed at this server, whatever display the test run itself has."""
        cleaned = {k: v for k, v in base.items() if k not in ("WAYLAND_DISPLAY", "DISPLAY")}
        return {**cleaned, "DISPLAY": self.display, "QT_QPA_PLATFORM": "xcb"}

    def screenshot(self) -> np.ndarray:
        """The whole screen as an RGB array, read from Xvfb's own framebuffer file."""
        return read_xwd(self.framebuffer.read_bytes())


@contextmanager
def xvfb(tmp_path: Path, size: tuple[int, int], *, window_manager: bool) -> Iterator[XServer]:
    """Xvfb (and matchbox) for the body; both are stopped however the body ends."""
    fbdir = tmp_path / "fb"
    fbdir.mkdir()
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{size[0]}x{size[1]}x24",
         "-nolisten", "tcp", "-fbdir", str(fbdir),
         # Without it the server resets whenever its last client leaves (one xprop call),
         # and a client connecting during the reset "can't open display".
         "-noreset"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    started: list[subprocess.Popen[bytes]] = [server]
    try:
        display = ":" + _read_display_number(read_end)
        x = XServer(display, size[0], size[1], fbdir / "Xvfb_screen0")
        if window_manager:
            started.append(_start_window_manager(x))
        yield x
    finally:
        os.close(read_end)
        for process in reversed(started):
            stop(process)


def _read_display_number(fd: int) -> str:
    """Xvfb writes the number once it accepts clients; end of file means it died."""
    deadline = time.monotonic() + START_TIMEOUT_S
    text = b""
    while not text.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise TimeoutError(f"Xvfb did not start within {START_TIMEOUT_S} s")
        chunk = os.read(fd, 16)
        if not chunk:
            raise RuntimeError("Xvfb exited before accepting clients")
        text += chunk
    return text.decode().strip()


def _start_window_manager(x: XServer) -> subprocess.Popen[bytes]:
    log = x.framebuffer.parent / "matchbox.log"
    with open(log, "wb") as err:
        wm = subprocess.Popen(["matchbox-window-manager", "-use_titlebar", "no"],
                              env=x.env(dict(os.environ)), stdout=err, stderr=err)
    # Managed from the start: wait until it owns the screen (it sets _NET_SUPPORTING_WM_CHECK).
    if not wait_for(lambda: wm.poll() is not None
                    or "_NET_SUPPORTING_WM_CHECK" in _root_properties(x)) or wm.poll() is not None:
        stop(wm)
        said = log.read_text(errors="replace")[-500:]
        raise TimeoutError(f"matchbox-window-manager did not take the screen "
                           f"(exit {wm.returncode}): {said!r}")
    return wm


def _root_properties(x: XServer) -> str:
    done = subprocess.run(["xprop", "-root"], env=x.env(dict(os.environ)), capture_output=True,
                          text=True, timeout=10, check=False)
    return done.stdout


def stop(process: subprocess.Popen[bytes], timeout_s: float = 5) -> None:
    """Terminate, then kill if it does not go within ``timeout_s``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout_s)


def wait_for(condition: Callable[[], bool], timeout_s: float = 30) -> bool:
    """Whether ``condition`` came true within ``timeout_s`` (polled every 0.1 s)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@dataclass(frozen=True)
class Geometry:
    x: int
    y: int
    width: int
    height: int


def find_window(x: XServer, title: str, timeout_s: float = 60) -> str:
    """The id of the visible window named ``title``, once it is mapped."""
    done = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", title],
                          env=x.env(dict(os.environ)), capture_output=True, text=True,
                          timeout=timeout_s, check=True)
    return done.stdout.split()[0]


def window_geometry(x: XServer, window_id: str) -> Geometry:
    """Where the X server has the window: absolute position and size (``xwininfo``)."""
    text = subprocess.run(["xwininfo", "-id", window_id], env=x.env(dict(os.environ)),
                          capture_output=True, text=True, timeout=10, check=True).stdout

    def field(label: str) -> int:
        found = re.search(rf"{label}:\s+(-?\d+)", text)
        assert found, text
        return int(found.group(1))

    return Geometry(field("Absolute upper-left X"), field("Absolute upper-left Y"),
                    field("Width"), field("Height"))


def read_xwd(data: bytes) -> np.ndarray:
    """A 32-bit-per-pixel TrueColor XWD image (what Xvfb writes) as an H×W×3 RGB array."""
    header = np.frombuffer(data[:100], dtype=">u4")
    header_size, width, height = int(header[0]), int(header[4]), int(header[5])
    bytes_per_line, ncolors = int(header[12]), int(header[19])
    assert int(header[11]) == 32, "expected 32 bits per pixel"
    start = header_size + 12 * ncolors
    rows = np.frombuffer(data[start:start + bytes_per_line * height], dtype=np.uint8)
    pixels = rows.reshape(height, bytes_per_line)[:, :width * 4].reshape(height, width, 4)
    # Each pixel is 0x00RRGGBB, stored least significant byte first (B G R 0) or last.
    rgb = pixels[:, :, 2::-1] if int(header[7]) == 0 else pixels[:, :, 1:]
    return np.ascontiguousarray(rgb)
