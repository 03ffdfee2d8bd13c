"""The wheel alone is a kiosk: built as a release builds it (kiosk/release.py), installed
into a fresh venv and run from a folder with no sources and no PYTHONPATH, it reads its
catalogue and finds its fonts; its ``kiosk appliance install --wheel`` lays down the
units, the config and a program that runs, with nothing of the checkout beside it.

The venv's libraries (PySide6, SQLAlchemy…) come from the environment running the tests,
through a ``.pth`` line, so nothing is downloaded: ``--system-site-packages`` would give the
base interpreter's, which need not have them.  A ``.pth`` line adds a folder to
``sys.path`` without running that folder's own ``.pth`` files, so an editable install of
the checkout there stays out; the tests check the kiosk imported is the venv's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from kiosk.release import build_wheel

ROOT = Path(__file__).resolve().parents[2]
UNITS = ("kiosk.service", "kiosk-sync.service")
# Debian's own python3, the one `kiosk appliance install` runs in the target root.
TARGET_PYTHON = Path("/usr/bin/python3")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("dist"), ROOT)


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel and nothing of the checkout."""
    folder = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(folder / "bin/python"),
                    "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   env=clean_env())
    (site_packages(folder) / "kiosk-test-libraries.pth").write_text(libraries() + "\n")
    return folder


def libraries() -> str:
    """The site-packages of the environment running the tests: the kiosk's libraries."""
    return sysconfig.get_paths()["purelib"]


def site_packages(prefix: Path) -> Path:
    (found,) = prefix.glob("lib/python3*/site-packages")
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without what could point at the sources or a kiosk's settings."""
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONPATH" and not k.startswith(("KIOSK_", "PIP_"))}
    return {**env, "QT_QPA_PLATFORM": "offscreen", **extra}


def run_kiosk(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin/kiosk"), *args], capture_output=True, text=True,
                          cwd=cwd, env=clean_env(KIOSK_DATA_DIR=str(cwd / "data"), HOME=str(cwd)),
                          timeout=120, check=False)


def shipped_codes() -> list[str]:
    shipped = json.loads((ROOT / "resources/catalogue/procedures.json").read_text("utf-8"))
    return sorted(p["code"] for p in shipped["procedures"])


def test_the_installed_wheel_finds_resources_and_deploy_inside_its_package(
    venv: Path, tmp_path: Path,
) -> None:
    where = ("import kiosk, kiosk.paths as p;"
             "print(kiosk.__file__, p.resources_dir(), p.deploy_dir())")
    done = subprocess.run([str(venv / "bin/python"), "-c", where], capture_output=True, text=True,
                          cwd=tmp_path, env=clean_env(), timeout=60, check=True)
    package = site_packages(venv) / "kiosk"
    assert done.stdout.split() == [str(package / "__init__.py"), str(package / "resources"),
                                   str(package / "deploy")]


def test_catalog_json_from_the_installed_wheel_lists_the_shipped_procedures(
    venv: Path, tmp_path: Path,
) -> None:
    done = run_kiosk(venv, tmp_path, "catalog", "--json")
    assert done.returncode == 0, done.stderr
    assert sorted(p["code"] for p in json.loads(done.stdout)) == shipped_codes()


def test_doctor_from_the_installed_wheel_finds_the_fonts_and_the_catalogue(
    venv: Path, tmp_path: Path,
) -> None:
    done = run_kiosk(venv, tmp_path, "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(done.stdout)}
    assert checks["fonts"]["ok"], checks["fonts"]
    assert checks["catalogue"]["ok"], checks["catalogue"]


def new_root(tmp_path: Path) -> Path:
    """An empty machine whose /usr is this one's (mounted by in_root), as a chroot needs."""
    root = tmp_path / "root"
    for folder in ("etc", "usr", "tmp", "root", "var/tmp", libraries().lstrip("/")):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "tmp").chmod(0o1777)
    for name in ("bin", "lib", "lib64", "sbin"):  # Debian 12's merged /usr
        (root / name).symlink_to(f"usr/{name}")
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "etc/group").write_text("root:x:0:\nvideo:x:44:\n")
    (root / "etc/shadow").write_text("root:*:19000:0:99999:7:::\n")
    (root / "etc/gshadow").write_text("root:*::\nvideo:!::\n")
    return root


# In a mount namespace of its own (gone when the command ends): /usr and the libraries
# mounted read-only into the root, then the command.
MOUNTS = """set -e
mount --bind -o ro /usr "$0/usr"
mount --bind -o ro "$1" "$0$1"
shift
exec "$@"
"""


def in_root(root: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", MOUNTS, str(root),
         libraries(), *command],
        capture_output=True, text=True, cwd=root.parent, env=clean_env(**env), timeout=300,
        check=False)


def target_venv(root: Path) -> None:
    """/opt/kiosk made by the root's python3, as the installer makes it, and given the
    libraries (which the installer's pip then finds there instead of downloading them)."""
    done = in_root(root, "chroot", str(root), str(TARGET_PYTHON), "-m", "venv", "/opt/kiosk")
    assert done.returncode == 0, done.stderr
    (site_packages(root / "opt/kiosk") / "kiosk-test-libraries.pth").write_text(libraries())


def can_chroot() -> bool:
    """Root, a mount namespace of its own, and Debian's python3 with venv (python3-venv)."""
    if os.geteuid() != 0 or not all(shutil.which(t) for t in ("unshare", "chroot", "useradd")):
        return False
    probes = (["unshare", "--mount", "true"], [str(TARGET_PYTHON), "-c", "import ensurepip"])
    return TARGET_PYTHON.exists() and all(
        subprocess.run(p, capture_output=True, check=False).returncode == 0 for p in probes)


@pytest.mark.soak  # over 20 s with the wheel and the venvs it needs made
@pytest.mark.skipif(not can_chroot(), reason="needs root, unshare --mount, chroot, useradd "
                                             "and /usr/bin/python3 with venv (python3-venv)")
def test_appliance_install_from_the_installed_wheel_lays_down_units_config_and_a_program(
    wheel: Path, venv: Path, tmp_path: Path,
) -> None:
    root = new_root(tmp_path)
    target_venv(root)
    done = in_root(root, str(venv / "bin/kiosk"), "appliance", "install", "--wheel", str(wheel),
                   "--root", str(root), "--skip-packages", "--no-start")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã cài xong kiosk" in done.stdout
    assert (root / "etc/kiosk/kiosk.toml").read_bytes() == (
        ROOT / "deploy/kiosk.toml.in").read_bytes()
    for unit in UNITS:
        assert (root / "etc/systemd/system" / unit).read_bytes() == (
            ROOT / "deploy/systemd" / unit).read_bytes()
    package = site_packages(root / "opt/kiosk") / "kiosk"
    assert (package / "resources/fonts/NotoSans-Regular.ttf").is_file()
    assert not (package / "demo").exists()
    assert not (site_packages(root / "opt/kiosk") / "resources").exists()
    # The appliance's own program reads its catalogue, inside the root.
    listed = in_root(root, "chroot", str(root), "/opt/kiosk/bin/kiosk", "catalog", "--json",
                     KIOSK_DATA_DIR="/tmp/data")
    assert listed.returncode == 0, listed.stderr
    assert sorted(p["code"] for p in json.loads(listed.stdout)) == shipped_codes()
