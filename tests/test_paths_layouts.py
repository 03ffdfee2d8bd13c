"""resources/ and deploy/ where each layout keeps them: beside the package in a checkout,
inside it as the wheel installs it (tests/appliance/test_wheel_only.py runs that one for
real), under ``sys._MEIPASS`` in the PyInstaller folder (installer.spec's datas)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.appliance.install import Installer
from kiosk.paths import deploy_dir, resource, resources_dir

ROOT = Path(__file__).resolve().parent.parent


def test_a_checkout_reads_the_folders_beside_the_package() -> None:
    assert resources_dir() == ROOT / "resources"
    assert deploy_dir() == ROOT / "deploy"
    unit = Installer.deploy_file("systemd", "kiosk.service")
    assert unit == ROOT / "deploy/systemd/kiosk.service"


def test_a_frozen_build_reads_the_bundled_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundle = tmp_path / "dist" / "kiosk" / "_internal"
    shutil.copytree(ROOT / "resources", bundle / "resources")  # installer.spec's datas
    shutil.copytree(ROOT / "deploy/systemd", bundle / "deploy/systemd")
    shutil.copy(ROOT / "deploy/kiosk.toml.in", bundle / "deploy")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    font = resource("fonts", "NotoSans-Regular.ttf")
    assert font == bundle / "resources/fonts/NotoSans-Regular.ttf"
    assert Installer.deploy_file("kiosk.toml.in") == bundle / "deploy/kiosk.toml.in"


def test_a_package_laid_out_as_the_wheel_installs_it_reads_its_own_folders(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "kiosk", site / "kiosk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "resources", site / "kiosk/resources")  # pyproject.toml's package-dir
    shutil.copytree(ROOT / "deploy", site / "kiosk/deploy")
    # -S: no site-packages, so no editable install of the checkout can answer instead.
    done = subprocess.run(
        [sys.executable, "-S", "-c",
         "from kiosk.paths import resources_dir, deploy_dir; print(resources_dir(), deploy_dir())"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60, check=True,
        env={**os.environ, "PYTHONPATH": str(site)})
    assert done.stdout.split() == [str(site / "kiosk/resources"), str(site / "kiosk/deploy")]
