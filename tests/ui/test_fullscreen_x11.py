"""Full screen on a real X server, seen from outside: the demo kiosk, a real child process,
under Xvfb alone and under a window manager (matchbox), must cover its whole screen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from kiosk.ui.main_window import WINDOW_TITLE, MainWindow
from tests.support.xserver import (
    Geometry,
    XServer,
    find_window,
    require_tools,
    stop,
    wait_for,
    window_geometry,
    xvfb,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = ROOT / "examples" / "demo.toml"
CASES = [((1366, 768), False), ((1366, 768), True), ((1920, 1080), True)]


def start_demo_kiosk(x: XServer, tmp_path: Path) -> subprocess.Popen[bytes]:
    """``kiosk run --demo`` as an installer would start it, with its own data dir."""
    with (tmp_path / "kiosk.log").open("wb") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "data"),
             "--config", str(DEMO_CONFIG), "run", "--demo"],
            cwd=ROOT, env=x.env(dict(os.environ)), stdout=log, stderr=subprocess.STDOUT)


def border(image: np.ndarray) -> np.ndarray:
    """The outermost ring of pixels: what a window short of the screen leaves bare."""
    return np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])


@pytest.mark.parametrize(("size", "window_manager"), CASES,
                         ids=["1366x768-bare", "1366x768-matchbox", "1920x1080-matchbox"])
def test_kiosk_mode_covers_the_whole_screen_with_and_without_a_window_manager(
    tmp_path: Path, size: tuple[int, int], window_manager: bool
) -> None:
    require_tools()
    with xvfb(tmp_path, size, window_manager=window_manager) as x:
        bare = border(x.screenshot())
        kiosk = start_demo_kiosk(x, tmp_path)
        try:
            window = find_window(x, WINDOW_TITLE)
            screen = Geometry(0, 0, *size)
            seen: list[Geometry] = []

            def fills() -> bool:
                seen.append(window_geometry(x, window))
                return seen[-1] == screen

            assert wait_for(fills, timeout_s=20), f"window at {seen[-1]}, screen {screen}"
            # Painted to the edges, too: no pixel of the screen's rim still shows the root.
            painted = wait_for(
                lambda: bool((border(x.screenshot()) != bare).any(axis=1).all()), timeout_s=20)
            cv2.imwrite(str(tmp_path / f"screen-{size[0]}.png"), x.screenshot()[:, :, ::-1])
            assert painted, f"bare screen at the edges, see {tmp_path}"
            assert kiosk.poll() is None, (tmp_path / "kiosk.log").read_text()
        finally:
            stop(kiosk)


@pytest.mark.gui
def test_the_full_screen_window_follows_its_screen_to_a_new_resolution(qtbot: QtBot) -> None:
    window = MainWindow(windowed=False)
    qtbot.addWidget(window)
    window.show_for_kiosk(windowed=False)
    qtbot.waitExposed(window)
    screen = window.screen()
    original = screen.geometry()
    assert window.geometry() == original
    try:
        screen.geometryChanged.emit(QRect(0, 0, 640, 480))
        assert window.geometry() == QRect(0, 0, 640, 480)
    finally:
        screen.geometryChanged.emit(original)
    assert window.geometry() == original
