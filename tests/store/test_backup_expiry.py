"""A database backup holds every resident's data of its day: the housekeeping that purges
the dossiers erases the backups as old as the retention, with their -wal/-shm, and
nothing else in the backups folder; a folder it cannot write is logged, never a crash."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.store.backup import back_up, copies, expire, list_backups
from kiosk.store.db import Database
from kiosk.store.files import FileStore
from kiosk.store.migrate import head_revision
from kiosk.store.retention import Housekeeper, Retention

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
RESIDENT = "Nguyễn Văn Khiêm 030090012345"


@pytest.fixture
def housekeeping(db: Database, tmp_path: Path) -> Housekeeper:
    return Housekeeper(Retention(db, FileStore(tmp_path / "files")), days=7)


def backup_at(db: Database, made: datetime) -> Path:
    """A real, checked backup of ``db`` as an update at ``made`` leaves it, holding a
    resident's data as every real one does."""
    with closing(sqlite3.connect(db.path, isolation_level=None)) as connection:
        connection.execute("INSERT OR REPLACE INTO kiosk_settings (name, value, updated_at) "
                           "VALUES (?, ?, ?)", ("note", RESIDENT, "2026-11-01T00:00:00.000000Z"))
    return back_up(db.path, head_revision(), made)


def with_companions(backup: Path) -> list[Path]:
    """The -wal and -shm SQLite leaves beside a copy someone opened (a technician's look)."""
    made = [backup.with_name(backup.name + s) for s in ("-wal", "-shm")]
    for path in made:
        path.write_bytes(RESIDENT.encode() * 10)
    return made


def test_a_backup_past_the_retention_goes_with_its_wal_and_shm_and_a_fresh_one_stays(
    db: Database, housekeeping: Housekeeper
) -> None:
    old = backup_at(db, NOW - timedelta(days=8))
    companions = with_companions(old)
    fresh = backup_at(db, NOW - timedelta(hours=1))
    result = housekeeping(NOW)
    assert result is not None
    assert (result.backups_erased, result.backups_stuck) == (1, 0)
    assert not old.exists() and not any(p.exists() for p in companions)
    assert list_backups(db.path) == [fresh]
    assert RESIDENT.encode() in fresh.read_bytes()  # the way back from today's update


def test_a_backup_younger_than_the_retention_survives_and_one_exactly_as_old_goes(
    db: Database, housekeeping: Housekeeper
) -> None:
    # the dossiers' own rule: sent at or before now - days is due
    due = backup_at(db, NOW - timedelta(days=7))
    young = backup_at(db, NOW - timedelta(days=7) + timedelta(seconds=1))
    result = housekeeping(NOW)
    assert result is not None and result.backups_erased == 1
    assert not due.exists()
    assert list_backups(db.path) == [young]


def test_the_database_a_restore_replaced_is_a_backup_too_and_expires_alike(
    db: Database, housekeeping: Housekeeper
) -> None:
    folder = backup_at(db, NOW - timedelta(hours=2)).parent
    replaced = folder / "replaced-20261120T080000000000Z.sqlite3"  # 13 days before NOW
    replaced.write_bytes(db.path.read_bytes())
    kept = folder / "replaced-20261202T080000000000Z.sqlite3"
    kept.write_bytes(db.path.read_bytes())
    result = housekeeping(NOW)
    assert result is not None and result.backups_erased == 1
    assert not replaced.exists() and kept.exists()


def test_no_retention_erases_every_backup_at_once_but_not_a_copy_being_written(
    db: Database, tmp_path: Path
) -> None:
    made = backup_at(db, NOW - timedelta(minutes=1))
    writing = made.with_name("kiosk-0004-20261203T075500000000Z.sqlite3.part")  # 5 min old
    writing.write_bytes(b"a copy in progress")
    stale = made.with_name("kiosk-0004-20261201T080000000000Z.sqlite3.part")  # a power cut
    stale.write_bytes(RESIDENT.encode())
    result = Retention(db, FileStore(tmp_path / "files")).purge(NOW, 0, "kiosk")
    assert (result.backups_erased, result.backups_stuck) == (1, 0)
    assert list_backups(db.path) == []
    assert writing.exists() and not stale.exists()


def test_odd_entries_in_the_backups_folder_are_left_alone(
    db: Database, housekeeping: Housekeeper, tmp_path: Path
) -> None:
    old = backup_at(db, NOW - timedelta(days=30))
    folder = old.parent
    named_folder = folder / "kiosk-0004-20261001T080000000000Z.sqlite3"
    named_folder.mkdir()
    (named_folder / "inside").write_bytes(b"kept")
    elsewhere = tmp_path / "elsewhere.sqlite3"
    elsewhere.write_bytes(old.read_bytes())
    link = folder / "kiosk-0004-20261002T080000000000Z.sqlite3"
    link.symlink_to(elsewhere)
    dangling = folder / "kiosk-0004-20261003T080000000000Z.sqlite3-wal"
    dangling.symlink_to(tmp_path / "gone")
    others = [folder / n for n in ("notes.txt", "kiosk-before-tet.sqlite3",
                                   "kiosk-0004-20261399T000000Z.sqlite3",  # no such month
                                   "kiosk.sqlite3.corrupt-20261001T080000Z")]
    for path in others:
        path.write_bytes(b"someone's own file")
    result = housekeeping(NOW)
    assert result is not None and (result.backups_erased, result.backups_stuck) == (1, 0)
    assert not old.exists()
    assert (named_folder / "inside").read_bytes() == b"kept"
    assert link.is_symlink() and elsewhere.exists() and dangling.is_symlink()
    assert all(p.read_bytes() == b"someone's own file" for p in others)
    assert copies(db.path) == []  # a folder or a symlink is not a copy to restore


def test_a_missing_backups_folder_is_nothing_to_do(db: Database,
                                                   housekeeping: Housekeeper) -> None:
    result = housekeeping(NOW)
    assert result is not None and (result.backups_erased, result.backups_stuck) == (0, 0)


def test_a_backups_path_that_is_a_file_is_logged_and_the_purge_still_runs(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (db.path.parent / "backups").write_bytes(b"in the way")
    with caplog.at_level(logging.WARNING, logger="kiosk.store.backup"):
        result = Retention(db, FileStore(tmp_path / "files")).purge(NOW, 7, "kiosk")
    assert (result.backups_erased, result.backups_stuck) == (0, 1)
    assert "could not be listed" in caplog.text


def test_expire_never_reads_a_backup_a_name_does_not_date(tmp_path: Path) -> None:
    db_path = tmp_path / "kiosk.sqlite3"
    (tmp_path / "backups").mkdir()
    undated = tmp_path / "backups" / "kiosk-0004-00001301T250000Z.sqlite3"
    undated.write_bytes(b"x")
    assert expire(db_path, NOW, 0).erased == 0 and undated.exists()
