"""The way back from an update, and updates that meet trouble: two kiosks starting at once,
a disk too full for the backup, a downgraded build, and ``kiosk db-restore``."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from kiosk.services import DATABASE_FILE
from kiosk.store.backup import MESSAGES as BACKUP_MESSAGES
from kiosk.store.backup import list_backups
from kiosk.store.migrate import head_revision
from kiosk.store.restore import MESSAGES as RESTORE_MESSAGES
from tests.store.test_upgrade_keeps_dossiers import (
    CONFIG,
    ROOT,
    kiosk,
    old_kiosk,
    revision_of,
    rows,
    seal_drafts,
)

# A kiosk process started on the data folder, waiting for the word go before it opens it.
WAITING_START = """
import pathlib, sys, time
from kiosk.cli import main
import kiosk.services, kiosk.store.migrate  # loaded before the race, as a started kiosk has
data_dir, config, go = sys.argv[1:4]
while not pathlib.Path(go).exists():
    time.sleep(0.005)
sys.exit(main(["--data-dir", data_dir, "--config", config, "queue", "--json"]))
"""

# The disk fills up under the backup: RLIMIT_FSIZE (SIGXFSZ ignored) makes a write past
# the limit fail with EFBIG, as one past the end of a full disk fails with ENOSPC.
SMALL_DISK = """
import resource, signal, sys
from kiosk.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
data_dir, config, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
sys.exit(main(["--data-dir", data_dir, "--config", config, "queue"]))
"""

# Holds the database open, as a running kiosk's connection pool does, until killed.
HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1])
connection.execute("SELECT count(*) FROM dossiers").fetchall()
print("open", flush=True)
time.sleep(600)
"""


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def first_words(message: str) -> str:
    return message.split("{")[0]


def test_two_kiosks_starting_at_once_on_an_old_database_migrate_it_once(tmp_path: Path) -> None:
    codes = old_kiosk(tmp_path, "0004")
    go = tmp_path / "go"
    starts = [subprocess.Popen([sys.executable, "-c", WAITING_START, str(tmp_path), str(CONFIG),
                                str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env()) for _ in range(2)]
    go.touch()
    answers = [p.communicate(timeout=120) for p in starts]
    assert [p.returncode for p in starts] == [0, 0], [err for _, err in answers]
    for out, _ in answers:
        assert sorted(d["code"] for d in json.loads(out)) == sorted(codes)
    db_path = tmp_path / DATABASE_FILE
    backups = list_backups(db_path)
    assert len(backups) == 1  # one migrated; the other found the newest schema
    assert revision_of(backups[0]) == "0004"
    assert revision_of(db_path) == head_revision()
    assert integrity(db_path) == "ok"


@pytest.mark.skipif(sys.platform != "linux", reason="needs Linux RLIMIT_FSIZE")
def test_a_disk_too_full_for_the_backup_stops_the_migration_and_says_so(tmp_path: Path) -> None:
    old_kiosk(tmp_path, "0004")
    db_path = tmp_path / DATABASE_FILE
    before = rows(db_path)
    size = db_path.stat().st_size
    assert size > 70_000  # room under the limit for the -shm SQLite maps (32 KiB)
    done = subprocess.run([sys.executable, "-c", SMALL_DISK, str(tmp_path), str(CONFIG),
                           str(size // 2)], capture_output=True, text=True, env=env(),
                          timeout=120, check=False)
    assert done.returncode == 5, done.stderr
    assert done.stderr.startswith("Lỗi: " + first_words(BACKUP_MESSAGES["backup_failed"]))
    assert "Traceback" not in done.stderr
    assert revision_of(db_path) == "0004" and rows(db_path) == before  # nothing migrated
    folder = tmp_path / "backups"
    assert list(folder.iterdir()) == []  # no half copy left
    assert kiosk(tmp_path, "queue").returncode == 0  # space back: backed up, then migrated
    assert len(list_backups(db_path)) == 1 and revision_of(db_path) == head_revision()


def test_a_downgraded_build_refuses_and_names_the_backup_to_restore(tmp_path: Path) -> None:
    seal_drafts(tmp_path)
    db_path = tmp_path / DATABASE_FILE
    folder = tmp_path / "backups"
    folder.mkdir()
    fitting = folder / f"kiosk-{head_revision()}-20261201T080000000000Z.sqlite3"
    shutil.copy(db_path, fitting)
    shutil.copy(db_path, folder / "kiosk-0001-20261101T080000000000Z.sqlite3")
    with closing(sqlite3.connect(db_path, isolation_level=None)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")  # a newer build's
    before = rows(db_path)
    done = kiosk(tmp_path, "queue")
    assert done.returncode == 5
    assert "0099" in done.stderr and "mới hơn" in done.stderr
    assert f"kiosk db-restore {fitting}" in done.stderr
    assert rows(db_path) == before

    restored = kiosk(tmp_path, "db-restore", str(fitting))
    assert restored.returncode == 0, restored.stderr
    assert revision_of(db_path) == head_revision()
    assert kiosk(tmp_path, "queue").returncode == 0


def old_build(tmp_path: Path) -> Path:
    """The kiosk as it was just before the newest migration, from git: a real older build."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs the project's git history")
    newest = sorted((ROOT / "kiosk/store/migrations/versions").glob("0*.py"))[-1]
    added = subprocess.run(["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H",
                            "--", str(newest.relative_to(ROOT))], capture_output=True,
                           text=True, check=True).stdout.split()
    if not added:
        pytest.skip(f"{newest.name} is not committed yet")
    folder = tmp_path / "old-build"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", f"{added[-1]}^", "kiosk",
                              "examples", "resources"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def old_kiosk_run(build: Path, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir),
                           "--config", str(build / "examples" / "demo.toml"), *args],
                          capture_output=True, text=True, cwd=build,
                          env={**os.environ, "PYTHONPATH": str(build)}, timeout=120, check=False)


def test_rolling_back_to_the_old_build_restores_its_backup_and_it_runs(tmp_path: Path) -> None:
    build = old_build(tmp_path)
    data = tmp_path / "data"
    old_revision = sorted((ROOT / "kiosk/store/migrations/versions").glob("0*.py"))[-2].name[:4]
    codes = old_kiosk(data, old_revision)
    assert kiosk(data, "queue").returncode == 0  # the update: backed up, migrated
    refused = old_kiosk_run(build, data, "queue")
    assert refused.returncode != 0 and "mới hơn" in refused.stderr  # the old build refuses

    (backup,) = list_backups(data / DATABASE_FILE)
    restored = kiosk(data, "db-restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Đã khôi phục" in restored.stdout
    listed = old_kiosk_run(build, data, "queue", "--json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(d["code"] for d in json.loads(listed.stdout)) == sorted(codes)


def test_restore_refuses_while_a_process_holds_the_database(tmp_path: Path) -> None:
    old_kiosk(tmp_path, "0004")
    assert kiosk(tmp_path, "queue").returncode == 0
    (backup,) = list_backups(tmp_path / DATABASE_FILE)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / DATABASE_FILE)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        refused = kiosk(tmp_path, "db-restore", str(backup))
    finally:
        holder.kill()
        holder.communicate()
    assert refused.returncode == 5
    assert first_words(RESTORE_MESSAGES["kiosk_running"]) in refused.stderr
    assert revision_of(tmp_path / DATABASE_FILE) == head_revision()  # not replaced
    assert kiosk(tmp_path, "db-restore", str(backup)).returncode == 0  # once it is stopped


def test_restore_keeps_newer_dossiers_unless_forced_and_never_reissues_a_code(
        tmp_path: Path) -> None:
    old_kiosk(tmp_path, "0004")
    assert kiosk(tmp_path, "queue").returncode == 0
    db_path = tmp_path / DATABASE_FILE
    (backup,) = list_backups(db_path)
    newer = seal_drafts(tmp_path)  # sealed after the update
    refused = kiosk(tmp_path, "db-restore", str(backup))
    assert refused.returncode == 5
    assert first_words(RESTORE_MESSAGES["would_lose"]) in refused.stderr
    assert {r["code"] for r in rows(db_path)["dossiers"]} >= set(newer)

    forced = kiosk(tmp_path, "db-restore", "--force", str(backup))
    assert forced.returncode == 0, forced.stderr
    kept = [p for p in (tmp_path / "backups").glob("replaced-*.sqlite3")]
    assert len(kept) == 1 and {r["code"] for r in rows(kept[0])["dossiers"]} >= set(newer)
    assert kiosk(tmp_path, "queue").returncode == 0  # migrated again (a second backup)
    again = seal_drafts(tmp_path)
    assert not set(again) & set(newer)  # the counters went forward, not back


def test_a_damaged_backup_is_refused_and_nothing_is_replaced(tmp_path: Path) -> None:
    old_kiosk(tmp_path, "0004")
    assert kiosk(tmp_path, "queue").returncode == 0
    (backup,) = list_backups(tmp_path / DATABASE_FILE)
    data = bytearray(backup.read_bytes())
    data[4096:8192] = bytes(range(256)) * 16  # a page of noise
    backup.write_bytes(bytes(data))
    before = rows(tmp_path / DATABASE_FILE)
    refused = kiosk(tmp_path, "db-restore", str(backup))
    assert refused.returncode == 5
    assert first_words(RESTORE_MESSAGES["backup_damaged"]) in refused.stderr
    assert rows(tmp_path / DATABASE_FILE) == before


def test_restore_refuses_while_a_sync_worker_holds_its_lease(tmp_path: Path) -> None:
    import socket

    from kiosk.store.db import Database
    from kiosk.store.syncstate import LeaseOwner, SyncLease

    old_kiosk(tmp_path, "0004")
    assert kiosk(tmp_path, "queue").returncode == 0
    (backup,) = list_backups(tmp_path / DATABASE_FILE)
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:  # a sync worker between two passes: its lease held, the database closed
        db = Database(tmp_path / DATABASE_FILE)
        owner = LeaseOwner(f"sync@{socket.gethostname()}:{worker.pid}:test",
                           socket.gethostname(), worker.pid)
        assert SyncLease(db, owner).acquire()
        db.dispose()
        refused = kiosk(tmp_path, "db-restore", str(backup))
    finally:
        worker.kill()
        worker.wait()
    assert refused.returncode == 5
    assert f"pid {worker.pid}" in refused.stderr
    done = kiosk(tmp_path, "db-restore", str(backup))  # its process gone: the lease is stale
    assert done.returncode == 0, done.stderr
