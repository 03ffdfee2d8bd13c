"""``kiosk appliance install --root DIR`` (issue 14, item 1): the tree it makes, its
modes and owners, the demo package left out, and the same result when run twice.

A real ``kiosk`` process installs into a temporary root (with ``useradd --root``
and ``systemctl --root``), from a folder laid out as PyInstaller's is."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None or shutil.which("systemctl") is None,
    reason="needs root, useradd and systemctl (the appliance is installed as root)")


def new_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "etc/group").write_text("root:x:0:\nvideo:x:44:\nlp:x:7:\n")
    (root / "etc/shadow").write_text("root:*:19000:0:99999:7:::\n")
    (root / "etc/gshadow").write_text("root:*::\nvideo:!::\nlp:!::\n")
    return root


def frozen_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "dist" / "kiosk"
    (folder / "_internal/kiosk/demo").mkdir(parents=True)
    (folder / "kiosk").write_text("#!/bin/sh\necho frozen kiosk\n")
    (folder / "kiosk").chmod(0o755)
    (folder / "_internal/kiosk/__init__.py").write_text("")
    (folder / "_internal/kiosk/demo/simulator.py").write_text("")
    return folder


def install(root: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "appliance", "install", "--folder", str(folder),
         "--root", str(root), "--skip-packages"],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def kiosk_ids(root: Path) -> tuple[int, int]:
    entry = next(line.split(":") for line in (root / "etc/passwd").read_text().splitlines()
                 if line.startswith("kiosk:"))
    return int(entry[2]), int(entry[3])


def test_install_makes_the_user_the_program_the_units_and_private_data(tmp_path: Path) -> None:
    root = new_root(tmp_path)
    done = install(root, frozen_folder(tmp_path))
    assert "Đã cài xong kiosk" in done.stdout
    uid, gid = kiosk_ids(root)
    assert "video:x:44:kiosk" in (root / "etc/group").read_text()
    data = root / "var/lib/kiosk"
    assert mode(data) == 0o700 and data.stat().st_uid == uid
    config = root / "etc/kiosk/kiosk.toml"
    assert mode(config) == 0o640
    assert (config.stat().st_uid, config.stat().st_gid) == (0, gid)
    assert config.read_bytes() == (ROOT / "deploy/kiosk.toml.in").read_bytes()
    for name in ("kiosk.service", "kiosk-sync.service"):
        installed = root / "etc/systemd/system" / name
        assert installed.read_bytes() == (ROOT / "deploy/systemd" / name).read_bytes()
        assert mode(installed) == 0o644
    assert (root / "etc/systemd/system/graphical.target.wants/kiosk.service").is_symlink()
    assert (root / "etc/systemd/system/multi-user.target.wants/kiosk-sync.service").is_symlink()
    program = root / "opt/kiosk/bin/kiosk"
    assert program.resolve() == (root / "opt/kiosk/app/kiosk").resolve()
    assert mode(root / "opt/kiosk") == 0o755  # the kiosk user must reach its program


def test_the_demo_package_is_left_out(tmp_path: Path) -> None:
    root = new_root(tmp_path)
    install(root, frozen_folder(tmp_path))
    assert (root / "opt/kiosk/app/_internal/kiosk/__init__.py").exists()
    assert not (root / "opt/kiosk/app/_internal/kiosk/demo").exists()


def test_installing_twice_gives_the_same_tree_and_keeps_the_edited_config(
    tmp_path: Path,
) -> None:
    root = new_root(tmp_path)
    folder = frozen_folder(tmp_path)
    install(root, folder)
    config = root / "etc/kiosk/kiosk.toml"
    config.write_text(config.read_text().replace('id = "KIOSK-01"', 'id = "KIOSK-07"'))
    first = snapshot(root)
    done = install(root, folder)
    assert "Giữ nguyên tệp cấu hình" in done.stdout
    assert snapshot(root) == first
    assert [line.split(":")[0] for line in (root / "etc/passwd").read_text().splitlines()] \
        == ["root", "kiosk"]


def snapshot(root: Path) -> dict[str, tuple[int, int, int, bytes]]:
    """Every path's mode, owner, group and content (a link's target), backups aside."""
    seen = {}
    for path in sorted(root.rglob("*")):
        if path.name.endswith("-") or path.name == ".pwd.lock":
            continue
        info = path.lstat()
        body = (os.readlink(path).encode() if path.is_symlink()
                else path.read_bytes() if path.is_file() else b"")
        seen[str(path.relative_to(root))] = (info.st_mode, info.st_uid, info.st_gid, body)
    return seen


def test_a_system_command_missing_from_the_path_is_named_in_vietnamese(tmp_path: Path) -> None:
    # root's PATH has /usr/sbin; `su` without `-` or a cron job may not: useradd is not found
    root, folder = new_root(tmp_path), frozen_folder(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": "/nonexistent"}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "appliance", "install", "--folder", str(folder),
         "--root", str(root), "--skip-packages"],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode != 0
    assert "không thấy lệnh useradd" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (root / "etc/kiosk/kiosk.toml").exists()
