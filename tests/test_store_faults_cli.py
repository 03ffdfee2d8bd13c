"""The real command line on a broken data dir: a Vietnamese message and an exit code,
never a traceback; `kiosk run` says so on stderr and in its log."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kiosk.cli import EXIT_STORE
from kiosk.services import DATABASE_FILE
from kiosk.store.faults import corrupt_copies

ROOT = Path(__file__).resolve().parent.parent
SETPRIV = shutil.which("setpriv") or "setpriv"


def kiosk(*args: str, as_nobody: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    prefix = [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups"] if as_nobody else []
    return subprocess.run([*prefix, sys.executable, "-m", "kiosk", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False, cwd="/")


def corrupt(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700, exist_ok=True)
    (data_dir / DATABASE_FILE).write_bytes(b"\x13\x37 garbage, not SQLite " * 300)


def test_kiosk_run_on_a_corrupt_database_says_what_happened_on_stderr_and_in_its_log(
    tmp_path: Path,
) -> None:
    corrupt(tmp_path)
    done = kiosk("--data-dir", str(tmp_path), "run", "--windowed")
    assert done.returncode == EXIT_STORE, done.stderr
    assert "Traceback" not in done.stderr
    (moved,) = corrupt_copies(tmp_path / DATABASE_FILE)
    assert done.stderr.splitlines()[-1].startswith("Lỗi: Cơ sở dữ liệu")  # after Qt's notes
    assert str(moved) in done.stderr
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert f"moved aside to {moved}" in log
    assert "corrupt_moved" in log


def test_kiosk_doctor_on_a_corrupt_database_reports_failed_checks_not_a_traceback(
    tmp_path: Path,
) -> None:
    corrupt(tmp_path)
    done = kiosk("--data-dir", str(tmp_path), "doctor", "--json")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout)}
    (moved,) = corrupt_copies(tmp_path / DATABASE_FILE)
    assert checks["database"]["ok"] is False
    assert str(moved) in checks["corrupt database"]["detail"]
    assert checks["portal"]["detail"].startswith("Cổng dịch vụ công: chưa cấu hình")


def test_a_read_only_data_dir_is_told_not_crashed() -> None:
    as_nobody = os.geteuid() == 0  # root writes anywhere: run as an account that cannot
    if as_nobody and shutil.which("setpriv") is None:
        pytest.skip("root, and no setpriv to run the kiosk as another account")
    base = Path(tempfile.mkdtemp(prefix="kiosk-read-only-"))  # pytest's tmp is root's alone
    data_dir = base / "data"
    try:
        assert kiosk("--data-dir", str(data_dir), "queue").returncode == 0
        for folder in (base, data_dir):  # readable by all, writable by its owner only
            folder.chmod(0o755 if as_nobody else 0o500)
        done = kiosk("--data-dir", str(data_dir), "queue", as_nobody=as_nobody)
    finally:
        base.chmod(0o700)
        data_dir.chmod(0o700)
        shutil.rmtree(base)
    assert done.returncode == EXIT_STORE, done.stderr
    assert done.stderr.startswith("Lỗi: Kiosk không ghi được vào")
    assert "chỉ cho đọc" in done.stderr and "Traceback" not in done.stderr
