"""Faults under the database end in a StoreError that says what to do, never a traceback;
a corrupt database is moved aside with its -wal/-shm, never overwritten."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.doctor import run_checks
from kiosk.services import DATABASE_FILE, Runtime, open_database
from kiosk.store.db import StoreError
from kiosk.store.faults import MESSAGES, as_store_error, corrupt_copies, fault_code

GARBAGE = b"this is not an sqlite file at all \x00\xff" * 200


def runtime(data_dir: Path) -> Runtime:
    return Runtime(Config(), data_dir)


def corrupt_kiosk(data_dir: Path) -> dict[str, bytes]:
    """A data dir whose database (and its -wal/-shm) hold garbage; returns what each holds."""
    data_dir.mkdir(mode=0o700)
    files = {DATABASE_FILE: GARBAGE, f"{DATABASE_FILE}-wal": b"wal" * 50,
             f"{DATABASE_FILE}-shm": b"shm" * 50}
    for name, content in files.items():
        (data_dir / name).write_bytes(content)
    return files


def refused(data_dir: Path) -> StoreError:
    with pytest.raises(StoreError) as caught:
        open_database(runtime(data_dir))
    return caught.value


@pytest.mark.logs_errors  # the move is logged as an error, on purpose
def test_a_corrupt_database_is_moved_aside_with_its_wal_and_shm_untouched(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    files = corrupt_kiosk(data_dir)
    error = refused(data_dir)
    assert error.code == "corrupt_moved"
    (moved,) = corrupt_copies(data_dir / DATABASE_FILE)
    assert str(moved) in error.message and "cán bộ kỹ thuật" in error.message
    assert moved.read_bytes() == files[DATABASE_FILE]  # moved, never overwritten
    assert Path(f"{moved}-wal").read_bytes() == files[f"{DATABASE_FILE}-wal"]
    assert Path(f"{moved}-shm").read_bytes() == files[f"{DATABASE_FILE}-shm"]
    assert not (data_dir / DATABASE_FILE).exists()


@pytest.mark.logs_errors  # the move is logged as an error, on purpose
def test_no_fresh_database_is_made_while_the_moved_one_waits_for_a_technician(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    corrupt_kiosk(data_dir)
    refused(data_dir)
    again = refused(data_dir)
    assert again.code == "corrupt_pending"
    assert not (data_dir / DATABASE_FILE).exists()
    (moved,) = corrupt_copies(data_dir / DATABASE_FILE)
    saved = tmp_path / "saved"
    saved.mkdir()
    for item in data_dir.glob(f"{moved.name}*"):
        item.rename(saved / item.name)  # the technician keeps it for recovery
    open_database(runtime(data_dir)).dispose()
    assert (data_dir / DATABASE_FILE).exists()


@pytest.mark.logs_errors  # the move is logged as an error, on purpose
def test_a_second_corruption_never_replaces_the_first_moved_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    corrupt_kiosk(data_dir)
    refused(data_dir)
    (data_dir / DATABASE_FILE).write_bytes(b"second garbage" * 100)  # same second, maybe
    assert refused(data_dir).code == "corrupt_moved"
    contents = sorted(p.read_bytes()[:6] for p in corrupt_copies(data_dir / DATABASE_FILE))
    assert contents == [b"second", b"this i"]


def test_a_folder_where_the_database_file_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / DATABASE_FILE).mkdir()
    error = refused(tmp_path)
    assert error.code == "db_is_folder"
    assert error.message == MESSAGES["db_is_folder"].format(path=tmp_path / DATABASE_FILE)


def test_a_file_where_the_data_folder_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    error = refused(tmp_path / "data")
    assert error.code == "data_dir_unusable"
    assert "--data-dir" in error.message


def test_a_data_folder_under_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert refused(tmp_path / "file" / "data").code == "data_dir_unusable"


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
        (OSError(errno.EFBIG, "File too large"), "disk_full"),
        (OSError(errno.EROFS, "Read-only file system"), "read_only"),
        (OSError(errno.EACCES, "Permission denied"), "read_only"),
        (OSError(errno.EIO, "Input/output error"), "io"),
    ],
)
def test_file_system_faults_are_told_in_words(tmp_path: Path, fault: OSError, code: str) -> None:
    error = as_store_error(fault, tmp_path)
    assert (error.code, error.message) == (code, MESSAGES[code].format(path=tmp_path,
                                                                      reason=fault.strerror))


@pytest.mark.logs_errors
def test_a_malformed_database_found_by_sqlite_is_moved_aside_too(tmp_path: Path) -> None:
    open_database(runtime(tmp_path)).dispose()
    path = tmp_path / DATABASE_FILE
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page, header kept
    path.write_bytes(bytes(data))
    error = refused(tmp_path)
    assert error.code == "corrupt_moved"
    (moved,) = corrupt_copies(path)
    assert moved.read_bytes() == bytes(data)


def test_sqlite_faults_are_classified_by_their_result_code(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(GARBAGE)
    connection = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        connection.execute("SELECT * FROM sqlite_master")
    connection.close()
    assert fault_code(caught.value) == "corrupt"
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    assert fault_code(full) == "disk_full"


@pytest.mark.logs_errors  # the move is logged as an error, on purpose
def test_the_doctor_reports_a_corrupt_database_and_the_moved_file_without_crashing(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    corrupt_kiosk(data_dir)
    checks = {c.name: c for c in run_checks(runtime(data_dir))}
    (moved,) = corrupt_copies(data_dir / DATABASE_FILE)
    assert checks["database"].ok is False
    assert str(moved) in checks["database"].detail
    assert checks["corrupt database"].ok is False and checks["corrupt database"].essential
    assert str(moved) in checks["corrupt database"].detail
    assert checks["sync"].ok is False  # it reads the database too, and says why it cannot
    again = {c.name: c for c in run_checks(runtime(data_dir))}
    assert "chưa được xử lý" in again["database"].detail


def test_the_doctor_says_the_portal_is_not_configured(tmp_path: Path) -> None:
    checks = {c.name: c for c in run_checks(runtime(tmp_path))}
    portal = checks["portal"]
    assert portal.ok is False and portal.essential
    assert portal.detail.startswith("Cổng dịch vụ công: chưa cấu hình")
