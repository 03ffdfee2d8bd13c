"""An appliance has no demo package: the demo commands say so in Vietnamese (issue 14).

The package is copied without kiosk/demo, as ``kiosk appliance install`` leaves it,
and real processes run from that copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def without_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("appliance")
    shutil.copytree(ROOT / "kiosk", copy / "kiosk",
                    ignore=shutil.ignore_patterns("demo", "__pycache__"))
    shutil.copytree(ROOT / "resources", copy / "resources")
    return copy


@pytest.mark.parametrize("args", [["run", "--demo"], ["portal-sim"], ["sync", "--demo"]])
def test_a_demo_command_without_the_demo_package_says_so_and_fails(
    without_demo: Path, tmp_path: Path, args: list[str],
) -> None:
    # -S: no site-packages, so no editable install of the checkout can supply kiosk.demo;
    # the message comes before anything outside the standard library is needed.
    env = {**os.environ, "PYTHONPATH": str(without_demo), "QT_QPA_PLATFORM": "offscreen",
           "KIOSK_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-S", "-m", "kiosk", *args], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert "không có gói trình diễn" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_demo_package_is_there_in_a_checkout(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "kiosk", "portal-sim", "--help"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0 and "không có gói trình diễn" not in done.stderr
