"""The SQLite layer: settings applied, migrations at start, newer schemas refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.store.db import Database, StoreError
from kiosk.store.migrate import current_revision, head_revision, upgrade


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "kiosk.sqlite3")
    upgrade(database)
    yield database
    database.dispose()


def test_connections_use_wal_full_sync_foreign_keys_and_busy_timeout(db: Database) -> None:
    with db.read() as session:
        pragmas = {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                       "busy_timeout": 10_000}


def test_a_write_takes_the_write_lock_at_begin(db: Database, tmp_path: Path) -> None:
    # BEGIN IMMEDIATE: as soon as the write unit of work starts, another writer is refused.
    other = sqlite3.connect(tmp_path / "kiosk.sqlite3", timeout=0, isolation_level=None)
    try:
        with db.write() as session:
            session.execute(text("SELECT 1"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again after commit
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_read_does_not_block_a_writer(db: Database, tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "kiosk.sqlite3", timeout=0, isolation_level=None)
    try:
        with db.read() as session:
            session.execute(text("SELECT count(*) FROM code_counters")).scalar()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_failed_unit_of_work_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        session.execute(text(
            "INSERT INTO code_counters (agency, day, last_sequence) VALUES ('A', '2026-01-01', 1)"
        ))
        raise RuntimeError("power cut")
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM code_counters")).scalar() == 0


def test_a_fresh_database_is_brought_to_the_newest_schema(db: Database) -> None:
    assert current_revision(db) == head_revision()


def test_upgrading_twice_is_harmless(db: Database) -> None:
    assert upgrade(db) == head_revision()


def test_a_database_from_a_newer_kiosk_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    raw.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    raw.commit()
    raw.close()
    database = Database(path)
    try:
        with pytest.raises(StoreError) as caught:
            upgrade(database)
    finally:
        database.dispose()
    assert caught.value.code == "schema_newer"
    assert "phiên bản phần mềm mới hơn" in caught.value.message
    raw = sqlite3.connect(path)
    try:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = raw.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        raw.close()
    assert tables == {"alembic_version"}
    assert version == [("9999_from_the_future",)]
