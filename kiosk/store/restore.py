"""Putting a backup back in place of the live database: the way back from an update.

Refused unless the kiosk is stopped (no process has the database open, no live sync
lease on this machine), the backup is whole (``PRAGMA integrity_check``) and holds a
schema this build can open.  Nothing is thrown away: the live database is first copied
whole to ``backups/replaced-<UTC time>.sqlite3``.  Dossiers sealed since the backup
would vanish from the kiosk's queue, so they are listed and the restore refused unless
forced; either way the dossier code counters are carried forward, so a rolled-back
kiosk never hands out a code it already gave (``kiosk.store.faults`` says why that
matters).  The live file's -wal is checkpointed and gone before the copy moves in: an
old -wal beside a different database file would be replayed into it.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import socket
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.domain.dates import format_moment
from kiosk.store.backup import (
    BackupInfo,
    backups_dir,
    copies,
    copy_database,
    inspect,
    made_at,
)
from kiosk.store.db import StoreError
from kiosk.store.syncstate import process_alive

# SQLite (unix VFS) holds a shared lock on this byte of the -shm file for as long as a
# connection has the database open in WAL mode (the "DMS" slot: 120 + 8 lock bytes).
_SHM_DMS_BYTE = 128
_STORED_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"  # kiosk.store.models.UtcDateTime: sorts as text

MESSAGES: Mapping[str, str] = {
    "backup_missing": "Không tìm thấy tệp sao lưu {path}. {left}",
    # A backup holds every resident's data of its day: it is erased once as old as the
    # retention (kiosk.store.backup.expire), so a technician asking for one may meet this.
    "backup_expired": (
        "Bản sao lưu {name} (tạo lúc {made}) không còn: kiosk tự động xoá bản sao lưu sau "
        "{days} ngày theo quy định lưu giữ dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP; mục "
        "[retention] days của tệp cấu hình). {left}"
    ),
    "nothing_left": (
        "Không có gì để khôi phục: thư mục {folder} không còn bản sao lưu nào. Bản sao lưu "
        "chỉ được tạo ngay trước mỗi lần cập nhật phần mềm và được tự động xoá sau {days} ngày "
        "theo quy định lưu giữ dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP; mục [retention] days "
        "của tệp cấu hình)."
    ),
    "left_some": "Các bản sao lưu còn lại trong {folder}: {names}.",
    "left_none": "Thư mục {folder} không còn bản sao lưu nào: không có gì để khôi phục.",
    "backup_damaged": (
        "Tệp sao lưu {path} bị hỏng (kiểm tra toàn vẹn báo: {check}), không dùng để khôi phục "
        "được. Xin chọn một bản sao lưu khác trong thư mục backups."
    ),
    "not_kiosk_db": "Tệp {path} không phải cơ sở dữ liệu của kiosk (không có phiên bản lược đồ).",
    "backup_newer": (
        "Bản sao lưu {path} có phiên bản lược đồ {rev}, mới hơn phiên bản phần mềm đang cài. "
        "Xin cài phiên bản phần mềm tương ứng rồi chạy lại lệnh."
    ),
    "kiosk_running": (
        "Kiosk hoặc tiến trình đồng bộ đang chạy và mở cơ sở dữ liệu {path} ({who}). Xin dừng "
        "chúng trước (sudo systemctl stop kiosk kiosk-sync), rồi chạy lại lệnh."
    ),
    "would_lose": (
        "Cơ sở dữ liệu hiện tại có {count} hồ sơ không có trong bản sao lưu (được nộp sau lần "
        "sao lưu), ví dụ: {codes}. Khôi phục sẽ làm chúng biến mất khỏi hàng đợi của kiosk "
        "(bản hiện tại vẫn được giữ lại trong thư mục backups). Nếu vẫn muốn khôi phục, chạy "
        "lại lệnh với --force."
    ),
    "restore_failed": "Không khôi phục được ({reason}). Cơ sở dữ liệu hiện tại chưa bị thay.",
}


@dataclass(frozen=True)
class RestoreResult:
    backup: BackupInfo
    replaced: Path | None  # where the live database was kept (None: there was none)
    lost_codes: tuple[str, ...]  # dossiers in the replaced database, not in the backup
    missing_files: int  # attachment files the restored rows name that are not on disk


def restore(backup: Path, db_path: Path, attachments: Path, now: datetime, *,
            known: Callable[[str], bool], force: bool = False,
            retention_days: int | None = None) -> RestoreResult:
    """Replace the database at ``db_path`` with ``backup``; StoreError when refused.

    ``retention_days`` (the configured ``[retention] days``) lets a missing backup be
    told as one the retention erased, rather than as a wrong path."""
    if not backup.is_file():
        raise _missing(backup, db_path, now, retention_days)
    info = _checked(backup, known)
    _refuse_if_running(db_path, now)
    live = db_path.is_file() and db_path.stat().st_size > 0
    lost = _codes(db_path) - _codes(backup) if live else set()
    if lost and not force:
        raise _error("would_lose", count=len(lost), codes=", ".join(sorted(lost)[:5]))
    try:
        replaced = _keep_live(db_path, now) if live else None
        _put_in_place(backup, db_path, replaced)
    except (OSError, sqlite3.Error) as exc:
        raise _error("restore_failed", reason=exc) from exc
    return RestoreResult(info, replaced, tuple(sorted(lost)), _missing_files(db_path, attachments))


def _missing(backup: Path, db_path: Path, now: datetime, days: int | None) -> StoreError:
    """Why there is no ``backup``: erased by the retention (its name says when it was
    made), none left at all, or a path that names no backup; with the backups left."""
    folder = backups_dir(db_path)
    left = [p.name for p in copies(db_path)][-5:]  # the newest few: the ones worth naming
    made = made_at(backup)
    listing = (MESSAGES["left_some"].format(folder=folder, names=", ".join(left)) if left
               else MESSAGES["left_none"].format(folder=folder))
    if days is not None and made is not None and made <= now - timedelta(days=days):
        return _error("backup_expired", name=backup.name, made=format_moment(made), days=days,
                      left=listing)
    if days is not None and not left:
        return _error("nothing_left", folder=folder, days=days)
    return _error("backup_missing", path=backup, left=listing)


def _checked(backup: Path, known: Callable[[str], bool]) -> BackupInfo:
    try:
        info = inspect(backup)
    except sqlite3.Error as exc:
        raise _error("backup_damaged", path=backup, check=exc) from exc
    if info.check != "ok":
        raise _error("backup_damaged", path=backup, check=info.check)
    if info.revision is None:
        raise _error("not_kiosk_db", path=backup)
    if not known(info.revision):
        raise _error("backup_newer", path=backup, rev=info.revision)
    return info


def running_owner(db_path: Path, now: datetime) -> str | None:
    """What holds the database now: a process with it open, or a live sync lease here
    (unexpired, its process alive: a lease left by a power cut names a pid reused since)."""
    shm = db_path.with_name(db_path.name + "-shm")
    if shm.exists() and _shm_in_use(shm):
        return "một tiến trình đang mở cơ sở dữ liệu"
    lease = _sync_lease(db_path, now)
    if lease is not None:
        host, pid = lease
        if host == socket.gethostname() and process_alive(pid):
            return f"tiến trình đồng bộ pid {pid}"
    return None


def _refuse_if_running(db_path: Path, now: datetime) -> None:
    who = running_owner(db_path, now)
    if who is not None:
        raise _error("kiosk_running", path=db_path, who=who)


def _shm_in_use(shm: Path) -> bool:
    fd = os.open(shm, os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN):
            return True
        raise
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)  # closing also drops the probe's lock


def _sync_lease(db_path: Path, now: datetime) -> tuple[str, int] | None:
    if not db_path.is_file():
        return None
    stamp = now.astimezone(UTC).strftime(_STORED_TIME)
    with _open(db_path) as connection:
        if not _has_table(connection, "sync_lease"):
            return None
        row = connection.execute("SELECT host, pid FROM sync_lease WHERE expires_at > ?",
                                 (stamp,)).fetchone()
    return (str(row[0]), int(row[1])) if row else None


def _codes(path: Path) -> set[str]:
    with _open(path) as connection:
        if not _has_table(connection, "dossiers"):
            return set()
        return {r[0] for r in connection.execute("SELECT code FROM dossiers")}


def _keep_live(db_path: Path, now: datetime) -> Path:
    folder = backups_dir(db_path)
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"replaced-{now.strftime('%Y%m%dT%H%M%S%fZ')}.sqlite3"
    copy_database(db_path, target)
    return target


def _put_in_place(backup: Path, db_path: Path, replaced: Path | None) -> None:
    incoming = db_path.with_name(db_path.name + ".restoring")
    copy_database(backup, incoming)
    if replaced is not None:
        _carry_counters(replaced, incoming)
    if db_path.exists():
        with _open(db_path) as connection:  # the -wal into the file, emptied
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for companion in ("-wal", "-shm"):
        db_path.with_name(db_path.name + companion).unlink(missing_ok=True)
    os.chmod(incoming, 0o600)
    os.replace(incoming, db_path)
    fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _carry_counters(source: Path, target: Path) -> None:
    """Each (agency, day) counter in ``target`` at least as far as in ``source``."""
    with _open(source) as live:
        rows = live.execute("SELECT agency, day, last_sequence FROM code_counters").fetchall()
    with _open(target) as incoming:
        incoming.execute("BEGIN IMMEDIATE")
        incoming.executemany(
            "INSERT INTO code_counters (agency, day, last_sequence) VALUES (?, ?, ?) "
            "ON CONFLICT (agency, day) DO UPDATE SET last_sequence = "
            "max(last_sequence, excluded.last_sequence)", rows)
        incoming.execute("COMMIT")


def _missing_files(db_path: Path, attachments: Path) -> int:
    with _open(db_path) as connection:
        if not _has_table(connection, "attachments"):
            return 0
        hashes = {r[0] for r in connection.execute("SELECT sha256 FROM attachments")}
    return sum(1 for h in hashes if not _file_whole(attachments / h[:2] / h, h))


def _file_whole(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def _open(path: Path) -> closing[sqlite3.Connection]:
    # closing: a sqlite3 connection's own `with` commits but never closes
    return closing(sqlite3.connect(path, isolation_level=None))


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.execute(query, (name,)).fetchone() is not None


def _error(code: str, **params: object) -> StoreError:
    return StoreError(code, MESSAGES[code].format(**params))
