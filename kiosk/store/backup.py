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

A backup holds every resident's data as it was when it was made, so it is kept no longer
than the retention allows (Decree 13/2023/NĐ-CP: no longer than needed): ``expire``,
called by the retention purge, erases every copy made ``[retention] days`` ago or more.
That costs nothing it is needed for: a backup is the way back from ONE update, useful
in the hours after it, not weeks later.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.store.db import BUSY_TIMEOUT_MS, StoreError

BACKUPS_DIR = "backups"
KEEP = 5
PART = ".part"
_NAME = re.compile(r"^kiosk-(?P<rev>[0-9A-Za-z_]+)-(?P<stamp>\d{8}T\d{6}\d*Z)\.sqlite3$")
# Every file a copy of the database leaves in the folder: a backup (kiosk-<rev>-<time>),
# the live database kept by a restore (replaced-<time>), what SQLite may put beside
# either when someone opens it (-wal, -shm, -journal), and an interrupted copy (.part).
_COPY = re.compile(r"^(?P<base>(?:kiosk-[0-9A-Za-z_]+|replaced)-(?P<stamp>\d{8}T\d{6})"
                   r"(?P<micro>\d{0,6})Z\.sqlite3)(?P<suffix>-wal|-shm|-journal|\.part)?$")
COMPANIONS = ("-wal", "-shm", "-journal")
# A .part this young may be a copy being written right now (the migration copies under
# its write lock; the expiry runs without that lock): never pulled from under it, even
# with no retention at all.
PART_GRACE = timedelta(hours=1)

log = logging.getLogger(__name__)

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
class Expiry:
    erased: int  # copies of the database erased (their -wal/-shm/-journal with them)
    stuck: int  # copies past the retention that could not be erased (tried again next time)


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


def copies(db_path: Path) -> list[Path]:
    """Every whole copy of the database in the backups folder (backups and the databases a
    restore replaced), oldest first: what ``kiosk db-restore`` can still be given."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = [(made, p) for p in folder.iterdir()
             if (m := _COPY.match(p.name)) and m["suffix"] is None
             and (made := made_at(p)) is not None and _regular(p)]
    return [p for _, p in sorted(found)]


def made_at(path: Path) -> datetime | None:
    """When the copy at ``path`` was made (UTC, from its name); None: not a copy's name."""
    match = _COPY.match(path.name)
    if match is None:
        return None
    try:
        made = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S")
    except ValueError:  # kiosk-…-20261399T…: named like one, but no time of ours
        return None
    return made.replace(microsecond=int(match["micro"].ljust(6, "0")), tzinfo=UTC)


def expire(db_path: Path, now: datetime, days: int) -> Expiry:
    """Erase the copies of the database made ``days`` ago or more; never raises.

    "Older" is the time in the copy's name, the moment its data was read, written once by
    the code that made it: a copied or touched file keeps it, where its mtime would make
    an old copy look new and keep residents' data past the retention.  It is also the
    right bound: a dossier sent before the copy was made is due for the purge at most
    ``days`` after it, so no backup keeps a sent dossier's data longer than the live
    database does (``days = 0``: erased at the next pass, like the dossiers; the way back
    from an update then exists only until the sync worker's first housekeeping).  A copy
    named with a time in the future (the clock was wrong) waits until that time plus
    ``days``; KEEP bounds how many there can be.

    Only regular files named like a copy are touched (not a folder or symlink so named,
    nor anything else in the folder); each is unlinked, without overwriting
    (``secure_delete`` is for pages inside a database; a file is simply gone), its
    companions first, so one that cannot be erased leaves its database to be found and
    tried again.  Whatever cannot be erased (a read-only folder) is logged and counted."""
    cutoff = now - timedelta(days=days)
    folder = backups_dir(db_path)
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return Expiry(0, 0)
    except OSError as exc:
        log.warning("backups in %s could not be listed for expiry (%s); tried again at "
                    "the next pass", folder, _reason(exc))
        return Expiry(0, 1)
    return _erase_expired(folder, names, cutoff, min(cutoff, now - PART_GRACE))


def _erase_expired(folder: Path, names: list[str], cutoff: datetime, part_cutoff: datetime
                   ) -> Expiry:
    erased = 0
    stuck: set[str] = set()  # copies (by name) past the retention still on disk
    # companions before their database: "x.sqlite3-wal" sorts before "x.sqlite3"
    for name in sorted(names, key=lambda n: (n.split(".sqlite3")[0], n.endswith(".sqlite3"))):
        match, made = _COPY.match(name), made_at(folder / name)
        if match is None or made is None or not _regular(folder / name):
            continue
        if made > (part_cutoff if match["suffix"] == PART else cutoff):
            continue
        if match["base"] in stuck:  # its companion stayed: the copy stays, to be found again
            continue
        try:
            (folder / name).unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("backup file %s past the retention could not be erased (%s); tried "
                        "again at the next pass", folder / name, _reason(exc))
            stuck.add(match["base"])
            continue
        if match["suffix"] is None:  # a companion or a .part is not a backup of its own
            erased += 1
    if erased:
        _sync_dir_quietly(folder)
        log.info("%d database backup(s) past the retention erased from %s", erased, folder)
    return Expiry(erased, len(stuck))


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)  # lstat: a symlink is never followed
    except OSError:
        return False


def _sync_dir_quietly(folder: Path) -> None:
    try:
        _fsync_dir(folder)
    except OSError as exc:  # the unlinks are done; only their durability is in doubt
        log.warning("backups folder %s not flushed after expiry (%s)", folder, _reason(exc))


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
        for companion in COMPANIONS:  # a -wal left by someone opening it holds data too
            old.with_name(old.name + companion).unlink(missing_ok=True)
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
