"""A copy of the database before its schema changes, so that an update can be undone.

Made with SQLite's online backup API (``sqlite3.Connection.backup``) from a reader
connection while the migrating connection holds the write lock (``BEGIN IMMEDIATE``):
nothing can commit between the copy and the migration, and WAL lets the copy read.
The copy is written to ``<name>.part``, checked (``PRAGMA quick_check``), flushed to
disk and only then renamed to ``backups/kiosk-<old revision>-<UTC time>.sqlite3``: a
power cut leaves a ``.part`` (ignored, removed by the next backup) or a whole, checked
copy.  The live database is checked first (``PRAGMA integrity_check``): a damaged one is
not copied over a good backup, nor migrated.

Attachment files are not copied: they are content-addressed (named by their sha256),
written once and never changed, and no migration touches them.  A restored database
names only files that were there when it was copied; the one way one can go missing
since is the retention purge of a dossier the portal already holds, which
``check_files`` reports (the restore command says so).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.store.db import BUSY_TIMEOUT_MS, StoreError

BACKUPS_DIR = "backups"
KEEP = 5
PART = ".part"
_NAME = re.compile(r"^kiosk-(?P<rev>[0-9A-Za-z_]+)-(?P<stamp>\d{8}T\d{6}\d*Z)\.sqlite3$")

MESSAGES: Mapping[str, str] = {
    "backup_failed": (
        "Chưa cập nhật cơ sở dữ liệu lên phiên bản mới vì không sao lưu được nó vào {folder} "
        "({reason}). Dữ liệu vẫn nguyên như cũ. Xin giải phóng dung lượng ổ đĩa hoặc kiểm tra "
        "quyền ghi của thư mục đó, rồi mở lại kiosk."
    ),
    "live_damaged": (
        "Chưa cập nhật cơ sở dữ liệu {path} vì phép kiểm tra toàn vẹn báo lỗi ({reason}). "
        "Dữ liệu chưa bị sửa. Xin gọi cán bộ kỹ thuật: khôi phục bản sao lưu gần nhất trong "
        "{folder} (lệnh kiosk db-restore)."
    ),
}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str | None  # None: not a kiosk database (no alembic_version)
    check: str  # "ok", or what PRAGMA integrity_check said first


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / BACKUPS_DIR


def list_backups(db_path: Path) -> list[Path]:
    """The backups next to ``db_path``, oldest first (by the time in their names)."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = [(m["stamp"], p) for p in folder.iterdir() if (m := _NAME.match(p.name))]
    return [p for _, p in sorted(found)]


def revision_of_name(path: Path) -> str | None:
    match = _NAME.match(path.name)
    return match["rev"] if match else None


def back_up(db_path: Path, revision: str, now: datetime, keep: int = KEEP) -> Path:
    """Copy the database at ``db_path`` (schema ``revision``) into the backups folder.

    Call it while holding the database's write lock.  Returns the checked copy; raises
    StoreError ``live_damaged`` or ``backup_failed`` (nothing else is changed then)."""
    folder = backups_dir(db_path)
    target = folder / f"kiosk-{revision}-{now.strftime('%Y%m%dT%H%M%S%fZ')}.sqlite3"
    part = target.with_name(target.name + PART)
    source = _connect(db_path)
    try:
        _check_live(source, db_path, folder)
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)  # the residents' data: the kiosk's account alone
        _remove_parts(folder)
        _copy(source, part)
        os.replace(part, target)
        _fsync_dir(folder)
    except (OSError, sqlite3.Error) as exc:
        part.unlink(missing_ok=True)
        raise StoreError("backup_failed", MESSAGES["backup_failed"].format(
            folder=folder, reason=_reason(exc))) from exc
    finally:
        source.close()
    _prune(db_path, keep)
    return target


def inspect(path: Path) -> BackupInfo:
    """Open ``path`` read-only and say which schema it holds and whether it is whole."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    finally:
        connection.close()
    return BackupInfo(path, revision, str(check))


def copy_database(source_path: Path, target: Path) -> None:
    """A whole, checked, flushed copy of ``source_path`` at ``target`` (via ``.part``)."""
    part = target.with_name(target.name + PART)
    source = _connect(source_path)
    try:
        _copy(source, part)
        os.replace(part, target)
        _fsync_dir(target.parent)
    finally:
        part.unlink(missing_ok=True)
        source.close()


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def _check_live(source: sqlite3.Connection, db_path: Path, folder: Path) -> None:
    check = source.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        raise StoreError("live_damaged", MESSAGES["live_damaged"].format(
            path=db_path, reason=check, folder=folder))


def _copy(source: sqlite3.Connection, part: Path) -> None:
    part.unlink(missing_ok=True)
    os.close(os.open(part, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    copy = sqlite3.connect(part, isolation_level=None)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"quick_check of the copy: {check}")
    finally:
        copy.close()
    fd = os.open(part, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(db_path: Path, keep: int) -> None:
    for old in list_backups(db_path)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)


def _remove_parts(folder: Path) -> None:
    for leftover in folder.glob(f"*{PART}"):
        leftover.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
