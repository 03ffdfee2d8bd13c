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
from kiosk.store.files import FileStore
from kiosk.store.migrate import head_revision, is_known, upgrade
from kiosk.store.restore import restore
from kiosk.store.retention import Retention
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


def erased_by_the_retention(tmp_path: Path, *, keep_fresh: bool) -> tuple[Path, Path, Path]:
    """A kiosk whose backup of ten days ago the purge erased (and one of today, if asked)."""
    db = Database(tmp_path / DATABASE_FILE)
    upgrade(db)
    try:
        old = back_up(db.path, head_revision(), T0 - timedelta(days=10))
        fresh = back_up(db.path, head_revision(), T0 - timedelta(hours=1)) if keep_fresh else old
        assert Retention(db, FileStore(tmp_path / ATTACHMENTS_DIR)).purge(
            T0, 7, "kiosk").backups_erased == 1
    finally:
        db.dispose()
    return db.path, old, fresh


def test_asking_for_a_backup_the_retention_erased_says_there_is_nothing_to_restore(
    tmp_path: Path,
) -> None:
    db_path, old, _ = erased_by_the_retention(tmp_path, keep_fresh=False)
    with pytest.raises(StoreError) as refused:
        restore(old, db_path, tmp_path / ATTACHMENTS_DIR, T0, known=is_known, retention_days=7)
    assert refused.value.code == "backup_expired"
    assert refused.value.message == (
        f"Bản sao lưu {old.name} (tạo lúc 15:00 ngày 23/11/2026) không còn: kiosk tự động xoá "
        "bản sao lưu sau 7 ngày theo quy định lưu giữ dữ liệu cá nhân (Nghị định "
        "13/2023/NĐ-CP; mục [retention] days của tệp cấu hình). Thư mục "
        f"{old.parent} không còn bản sao lưu nào: không có gì để khôi phục.")


def test_asking_for_an_erased_backup_names_the_ones_left(tmp_path: Path) -> None:
    db_path, old, fresh = erased_by_the_retention(tmp_path, keep_fresh=True)
    with pytest.raises(StoreError) as refused:
        restore(old, db_path, tmp_path / ATTACHMENTS_DIR, T0, known=is_known, retention_days=7)
    assert refused.value.code == "backup_expired"
    assert refused.value.message.endswith(
        f"Các bản sao lưu còn lại trong {fresh.parent}: {fresh.name}.")
    restored = restore(fresh, db_path, tmp_path / ATTACHMENTS_DIR, T0, known=is_known,
                       retention_days=7)
    assert restored.backup.path == fresh


def test_no_backup_left_at_all_is_told_with_the_retention_rule(tmp_path: Path) -> None:
    db = Database(tmp_path / DATABASE_FILE)
    upgrade(db)
    db.dispose()
    with pytest.raises(StoreError) as refused:
        restore(tmp_path / "kiosk-cu.sqlite3", db.path, tmp_path / ATTACHMENTS_DIR, T0,
                known=is_known, retention_days=3)
    assert refused.value.code == "nothing_left"
    assert refused.value.message.startswith(
        f"Không có gì để khôi phục: thư mục {tmp_path / 'backups'} không còn bản sao lưu nào.")
    assert "tự động xoá sau 3 ngày theo quy định lưu giữ dữ liệu cá nhân" in refused.value.message


def test_kiosk_db_restore_of_an_erased_backup_says_why_in_vietnamese(tmp_path: Path) -> None:
    db = Database(tmp_path / DATABASE_FILE)
    upgrade(db)
    db.dispose()
    made = datetime.now(UTC) - timedelta(days=30)  # the command runs on the real clock
    backup = back_up(db.path, head_revision(), made)
    backup.unlink()  # as the housekeeping of the days since erased it
    done = kiosk(tmp_path, "db-restore", str(backup))
    assert done.returncode == 5, done.stderr
    assert "Traceback" not in done.stderr
    assert "không còn: kiosk tự động xoá bản sao lưu sau 7 ngày" in done.stderr
    assert "không có gì để khôi phục" in done.stderr
