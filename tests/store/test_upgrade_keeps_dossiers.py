"""An update keeps every dossier: an old database, opened by this build's real start-up,
is backed up (a whole SQLite file at the old revision, the same rows) and then migrated
with every row, state, payload hash and attachment file intact.

The old database is made the way an old kiosk's would look: dossiers sealed by the real
code (``submit``), ratings, help calls and sync health written by the store, then taken
down to the old revision with the migrations' own downgrades, and the dossiers put in
every state.  Both the oldest revision that holds dossiers (0002) and the one before the
newest migration are tried.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from alembic import command

from kiosk.domain.states import DossierState
from kiosk.services import ATTACHMENTS_DIR, DATABASE_FILE, resolve_runtime
from kiosk.store.backup import inspect, list_backups
from kiosk.store.db import Database
from kiosk.store.files import FileStore
from kiosk.store.helpcalls import HelpCalls
from kiosk.store.migrate import _alembic_config, head_revision
from kiosk.store.ratings import Ratings
from kiosk.store.syncstate import SyncHealthLog

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "examples" / "demo.toml"
DRAFTS = ("khai-sinh.json", "khai-tu.json", "ket-hon.json", "chung-thuc-ban-sao.json",
          "giam-ho.json")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
Rows = dict[str, list[dict[str, Any]]]


def seal_drafts(data_dir: Path) -> list[str]:
    from kiosk.draft_file import submit_command

    runtime = resolve_runtime(str(data_dir), str(CONFIG), {})
    codes = []
    for name in DRAFTS:
        out, err = StringIO(), StringIO()
        assert submit_command(runtime, ROOT / "examples" / name, NOW, out, err) == 0, err.getvalue()
        codes.append(out.getvalue().strip())
    return codes


def office_rows(db: Database, code: str) -> None:
    Ratings(db).record("rating-1", code, 5, [], "Nhanh gọn", NOW)
    calls = HelpCalls(db)
    calls.open("home", None, NOW)
    taken = calls.open("review", "documents", NOW + timedelta(minutes=1))
    calls.take(taken.id, "CB-DEMO", NOW + timedelta(minutes=2))
    health = SyncHealthLog(db)
    health.passed(NOW, contacted=True)
    health.failed(NOW + timedelta(minutes=5), "portal_unreachable", "Không kết nối được")


def every_state(path: Path, codes: list[str]) -> None:
    """The sealed dossiers put in each state, as an old kiosk's sync would have left them."""
    states = [DossierState.PENDING, DossierState.SENDING, DossierState.SENT,
              DossierState.FAILED, DossierState.PENDING]
    assert {s.value for s in states} == {s.value for s in DossierState}  # every state
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        for code, state in zip(codes, states, strict=True):
            sent = "2026-12-03T09:30:00.000000Z" if state is DossierState.SENT else None
            connection.execute("UPDATE dossiers SET state = ?, sent_at = ?, attempts = ? "
                               "WHERE code = ?", (state.value, sent, 1, code))


def old_kiosk(data_dir: Path, revision: str) -> list[str]:
    """A data folder as a kiosk at schema ``revision`` leaves it, full of dossiers."""
    codes = seal_drafts(data_dir)
    db = Database(data_dir / DATABASE_FILE)
    try:
        office_rows(db, codes[2])
        cfg = _alembic_config()
        with db.engine.connect() as connection:
            # dropping a column rebuilds the table: foreign keys off first, as SQLite says
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
            with connection.begin():
                cfg.attributes["connection"] = connection
                command.downgrade(cfg, revision)
    finally:
        db.dispose()
    every_state(data_dir / DATABASE_FILE, codes)
    return codes


def rows(path: Path) -> Rows:
    """Every row of every table, in a stable order."""
    with closing(sqlite3.connect(path)) as connection:
        connection.row_factory = sqlite3.Row
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: sorted((dict(r) for r in connection.execute(f'SELECT * FROM "{t}"')),
                          key=repr) for t in tables}


def project(table: list[dict[str, Any]], columns: set[str]) -> list[dict[str, Any]]:
    return sorted(({c: r[c] for c in columns} for r in table), key=repr)


def kiosk(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir),
                           "--config", str(CONFIG), *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def revision_of(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


@pytest.mark.parametrize("old", ["0002", "0004"])
def test_the_real_start_backs_up_an_old_database_then_keeps_every_dossier(
        tmp_path: Path, old: str) -> None:
    codes = old_kiosk(tmp_path, old)
    db_path = tmp_path / DATABASE_FILE
    before = rows(db_path)
    assert {r["state"] for r in before["dossiers"]} == {s.value for s in DossierState}
    assert before["attachments"]
    if old == "0004":
        assert before["ratings"] and before["help_calls"] and before["sync_health"]

    done = kiosk(tmp_path, "queue", "--json")
    assert done.returncode == 0, done.stderr

    backups = list_backups(db_path)
    assert len(backups) == 1 and backups[0].name.startswith(f"kiosk-{old}-")
    info = inspect(backups[0])
    assert (info.check, info.revision) == ("ok", old)
    assert rows(backups[0]) == before  # the very rows the old kiosk had
    assert not list(backups[0].parent.glob("*.part"))

    assert revision_of(db_path) == head_revision()
    after = rows(db_path)
    for table, old_rows in before.items():
        if table == "alembic_version":
            continue
        columns = set(old_rows[0]) if old_rows else set()
        assert project(after[table], columns) == project(old_rows, columns), table
    sealed = {r["code"]: (r["state"], r["payload_sha256"]) for r in after["dossiers"]}
    assert sealed == {r["code"]: (r["state"], r["payload_sha256"]) for r in before["dossiers"]}
    assert set(sealed) == set(codes)
    for row in after["dossiers"]:
        assert hashlib.sha256(row["payload"]).hexdigest() == row["payload_sha256"]
    files = FileStore(tmp_path / ATTACHMENTS_DIR)
    for attachment in after["attachments"]:
        assert files.read(attachment["sha256"])  # whole: its hash is checked


def test_a_second_start_at_the_newest_schema_makes_no_backup(tmp_path: Path) -> None:
    old_kiosk(tmp_path, "0004")
    assert kiosk(tmp_path, "queue").returncode == 0
    assert kiosk(tmp_path, "queue").returncode == 0
    assert len(list_backups(tmp_path / DATABASE_FILE)) == 1


def test_a_new_data_folder_is_created_without_a_backup(tmp_path: Path) -> None:
    done = kiosk(tmp_path, "queue")
    assert done.returncode == 0, done.stderr
    assert revision_of(tmp_path / DATABASE_FILE) == head_revision()
    assert list_backups(tmp_path / DATABASE_FILE) == []
