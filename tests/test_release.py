"""The release: one version everywhere, a wheel holding the product (not its tests) with its
resources and deploy files, the installer folder packed under the version's name, and sums
``sha256sum -c`` accepts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.release import ReleaseError, checked_version, pack_installer, project_version, write_sums

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_and_the_program_say_the_same_version() -> None:
    assert project_version() == __version__
    done = subprocess.run([sys.executable, "-m", "kiosk", "--version"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert done.stdout.split() == ["kiosk", project_version()]


def test_a_release_whose_versions_disagree_is_refused(tmp_path: Path) -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        text.replace(f'version = "{__version__}"', 'version = "9.9.9"', 1), encoding="utf-8")
    assert project_version(tmp_path) == "9.9.9"
    with pytest.raises(ReleaseError):
        checked_version(tmp_path)


def test_the_wheel_holds_every_kiosk_module_resource_and_deploy_file_and_no_test(
    tmp_path: Path,
) -> None:
    dist = tmp_path / "dist"
    done = subprocess.run([sys.executable, "-m", "kiosk.release", "--wheel-only", "--dist",
                           str(dist)], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=110, check=False)
    assert done.returncode == 0, done.stderr
    (wheel,) = dist.glob("*.whl")
    assert wheel.name == f"commune_kiosk-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "kiosk").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules <= names
    assert "kiosk/store/migrations/versions/0001_code_counters.py" in names
    # resources/ and deploy/ as package data (kiosk/paths.py finds them there), byte for byte.
    for folder in ("resources", "deploy"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                inside = f"kiosk/{path.relative_to(ROOT).as_posix()}"
                assert zipfile.ZipFile(wheel).read(inside) == path.read_bytes(), inside
    assert {"kiosk/resources/fonts/NotoSans-Regular.ttf", "kiosk/deploy/kiosk.toml.in",
            "kiosk/deploy/systemd/kiosk.service",
            "kiosk/deploy/systemd/kiosk-sync.service"} <= names
    assert not any(n.startswith(("tests/", "benchmarks/", "installer/", "resources/", "deploy/"))
                   for n in names)
    assert not any(n.endswith(".pyc") for n in names)
    entry = zipfile.ZipFile(wheel).read(
        f"commune_kiosk-{__version__}.dist-info/entry_points.txt").decode()
    assert "kiosk = kiosk.cli:main" in entry
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0 and f"{wheel.name}: OK" in checked.stdout


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils' sha256sum")
def test_the_installer_folder_is_packed_under_the_version_and_summed(tmp_path: Path) -> None:
    folder = tmp_path / "build" / "kiosk"
    (folder / "_internal").mkdir(parents=True)
    (folder / "kiosk").write_bytes(b"\x7fELF frozen kiosk")
    (folder / "_internal" / "base_library.zip").write_bytes(b"PK")
    dist = tmp_path / "dist"
    dist.mkdir()
    packed = pack_installer(folder, dist, "1.2.3")
    assert packed.name.startswith("commune-kiosk-1.2.3-linux-") and packed.suffixes[-2:] == [
        ".tar", ".gz"]
    with tarfile.open(packed) as archive:
        assert {"kiosk-1.2.3/kiosk", "kiosk-1.2.3/_internal/base_library.zip"} <= set(
            archive.getnames())
    write_sums([packed], dist)
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, check=False,
                          capture_output=True).returncode == 0
    packed.write_bytes(packed.read_bytes() + b"x")
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, check=False,
                          capture_output=True).returncode != 0


def test_packing_without_an_installer_folder_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="devenv installer"):
        pack_installer(tmp_path / "missing", tmp_path, "1.2.3")
