"""Residents' data is private on disk: the data dir 0700, the database and its -wal/-shm,
attachments and logs 0600; the log after a submit holds no personal data."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.doctor import run_checks
from kiosk.paths import PRIVATE_UMASK, private_files
from kiosk.services import DATABASE_FILE, Runtime
from tests.support.kiosk import open_kiosk

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "xac-nhan-tinh-trang-hon-nhan.json"
# What that example's resident typed or scanned: none of it may reach a log.
PERSONAL = ["Nguyễn Thị Ánh", "030195012345", "0912345678", "anh.nguyen@example.com",
            "Thôn Cộng Lạc"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def everything_under(folder: Path) -> Iterator[Path]:
    yield folder
    yield from folder.rglob("*")


@pytest.fixture
def umask() -> Iterator[None]:
    """The start-up umask (what ``kiosk.cli.main`` sets first), for this test only."""
    old = os.umask(0o022)
    private_files()
    assert os.umask(PRIVATE_UMASK) == PRIVATE_UMASK
    try:
        yield
    finally:
        os.umask(old)


def test_after_start_up_every_file_a_seal_writes_is_private(tmp_path: Path, umask: None) -> None:
    data_dir = tmp_path / "data"
    kiosk = open_kiosk(data_dir)
    try:
        kiosk.seal_births(2)
        database = data_dir / DATABASE_FILE
        for item in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            assert mode(item) == 0o600, item  # while open: the -wal and -shm exist
    finally:
        kiosk.close()
    attachments = [p for p in (data_dir / "attachments").rglob("*") if p.is_file()]
    assert attachments
    for item in everything_under(data_dir):
        assert mode(item) == (0o700 if item.is_dir() else 0o600), item


def test_the_database_is_private_even_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        kiosk = open_kiosk(tmp_path / "data")
        kiosk.seal_births(1)
        database = tmp_path / "data" / DATABASE_FILE
        assert [mode(p) for p in (database, Path(f"{database}-wal"), Path(f"{database}-shm"))] \
            == [0o600] * 3
        kiosk.close()
    finally:
        os.umask(old)
    assert mode(tmp_path / "data") == 0o700


def test_a_data_dir_and_database_left_wide_open_are_tightened_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    open_kiosk(data_dir).close()
    data_dir.chmod(0o755)
    (data_dir / DATABASE_FILE).chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="kiosk.store.faults"):
        open_kiosk(data_dir).close()
    assert mode(data_dir) == 0o700
    assert mode(data_dir / DATABASE_FILE) == 0o600
    assert "tightened to 700" in caplog.text


def test_kiosk_submit_leaves_private_files_and_a_log_without_personal_data(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "data"), "--config",
         str(ROOT / "examples" / "demo.toml"), "submit", str(EXAMPLE)],
        capture_output=True, text=True, env=env, timeout=120, check=False, cwd="/")
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip()
    log = (tmp_path / "data" / "logs" / "submit.log").read_text(encoding="utf-8")
    assert f"dossier {code} sealed from a draft file" in log
    for value in PERSONAL:
        assert value not in log
    for item in everything_under(tmp_path / "data"):
        assert mode(item) == (0o700 if item.is_dir() else 0o600), item


def test_a_wide_folder_that_is_not_the_kiosks_own_is_left_alone_and_flagged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "someone-elses.txt").write_text("x", encoding="utf-8")
    shared.chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="kiosk.store.faults"):
        checks = {c.name: c for c in run_checks(Runtime(Config(), shared))}
    assert mode(shared) == 0o755  # a home folder named by mistake is not locked
    assert "left as it is" in caplog.text
    assert checks["data dir"].ok is False
    assert "cần 700" in checks["data dir"].detail
