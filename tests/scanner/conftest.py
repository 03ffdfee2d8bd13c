"""Shared fixtures of the capture tests: generated scenes, a private SANE configuration."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from kiosk.demo import synthetic
from kiosk.scanner.arrays import Frame, Points

FRAME_SIZE = (1280, 720)
DIAGONAL = float(np.hypot(*FRAME_SIZE))


def scene(
    seed: int, *, desk: str = "wood", fill: float = 0.8, hard: bool = False,
    covered: bool = False,
) -> tuple[Frame, Points]:
    """A photographed A4 page with its true corners, built from explicit choices."""
    rng = np.random.default_rng(seed)
    page = synthetic.render_page(rng, width=480)
    corners = synthetic.random_quad(rng, FRAME_SIZE, 210 / 297, fill)
    frame = synthetic.place(synthetic.render_desk(rng, FRAME_SIZE, desk), page, corners)
    if covered:
        frame = synthetic.cover_edge(frame, corners, rng)
    return synthetic.degrade(frame, rng, hard=hard), corners


@pytest.fixture
def sane_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose SANE sees only its built-in ``test`` device."""
    if shutil.which("scanimage") is None:
        pytest.skip("scanimage is not installed (apt package sane-utils)")
    config = tmp_path / "sane.d"
    config.mkdir()
    (config / "dll.conf").write_text("test\n", encoding="ascii")
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "SANE_CONFIG_DIR": str(config),
            "HOME": str(tmp_path), "LANG": "C.UTF-8"}
