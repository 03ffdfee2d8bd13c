"""The backup before a migration: a whole private copy, the last few kept, never made from
a damaged database, never half-named; a restored backup is a consistent kiosk."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.services import (
    ATTACHMENTS_DIR,
    DATABASE_FILE,
    build_queue,
    open_database,
    resolve_runtime,
)
from kiosk.store.backup import KEEP, back_up, inspect, list_backups
from kiosk.store.db import Database, StoreError
from kiosk.store.migrate import head_revision, is_known, upgrade
from kiosk.store.restore import restore
from tests.store.test_upgrade_keeps_dossiers import CONFIG, kiosk, old_kiosk, rows

T0 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def test_only_the_last_backups_are_kept_and_leftover_parts_go(tmp_path: Path) -> None:
    db = Database(tmp_path / DATABASE_FILE)
    upgrade(db)
    db.dispose()
    (tmp_path / "backups").mkdir()
    leftover = tmp_path / "backups" / "kiosk-0004-20261203T070000000000Z.sqlite3.part"
    leftover.write_bytes(b"half")  # a power cut during an earlier backup
    made = [back_up(db.path, head_revision(), T0 + timedelta(minutes=i)) for i in range(KEEP + 2)]
    assert list_backups(db.path) == made[-KEEP:]
    assert not leftover.exists()
    newest = made[-1]
    assert stat.S_IMODE(newest.stat().st_mode) == 0o600
    assert stat.S_IMODE(newest.parent.stat().st_mode) == 0o700
    assert not newest.with_name(newest.name + "-wal").exists()  # one self-contained file
    assert inspect(newest).check == "ok"


def test_a_damaged_database_is_neither_copied_nor_migrated(tmp_path: Path) -> None:
    old_kiosk(tmp_path, "0004")
    db_path = tmp_path / DATABASE_FILE
    data = bytearray(db_path.read_bytes())
    page = 4096
    index_page = len(data) // page - 1  # the last page: an index or table leaf, not the header
    data[index_page * page + 8:index_page * page + 200] = bytes(192)
    db_path.write_bytes(bytes(data))
    runtime = resolve_runtime(str(tmp_path), str(CONFIG), {})
    with pytest.raises(StoreError) as refused:
        open_database(runtime)
    assert refused.value.code == "live_damaged", refused.value.message
    assert list_backups(db_path) == []


def test_a_restored_backup_is_a_consistent_kiosk(tmp_path: Path) -> None:
    old_kiosk(tmp_path, "0004")
    assert kiosk(tmp_path, "queue").returncode == 0
    db_path = tmp_path / DATABASE_FILE
    (backup,) = list_backups(db_path)
    result = restore(backup, db_path, tmp_path / ATTACHMENTS_DIR, T0, known=is_known)
    assert result.missing_files == 0 and result.lost_codes == ()
    assert rows(db_path) == rows(backup)
    runtime = resolve_runtime(str(tmp_path), str(CONFIG), {})
    db = open_database(runtime)  # the restored one is migrated again, with a backup
    try:
        queue = build_queue(runtime, db)
        details = [queue.find(q.code) for q in queue.recent()]
        assert len(details) == len(rows(backup)["dossiers"])
        for detail in details:
            assert detail is not None
            for attachment in queue.attachments(detail.dossier.id):
                assert queue.files.read(attachment.sha256)  # each file whole, hash checked
    finally:
        db.dispose()
    assert len(list_backups(db_path)) == 2


def test_a_file_erased_since_the_backup_is_reported_by_the_restore(tmp_path: Path) -> None:
    old_kiosk(tmp_path, "0004")
    assert kiosk(tmp_path, "queue").returncode == 0
    db_path = tmp_path / DATABASE_FILE
    (backup,) = list_backups(db_path)
    erased = next((tmp_path / ATTACHMENTS_DIR).glob("*/*"))  # as the retention purge would
    erased.unlink()
    result = restore(backup, db_path, tmp_path / ATTACHMENTS_DIR, T0, known=is_known)
    assert result.missing_files == 1
