"""What goes wrong under the database, in words a technician can act on.

A full disk, a read-only or missing data folder, a folder where the database
file should be, a corrupt file: each becomes a ``StoreError`` with a code and a
Vietnamese message naming what to do (``MESSAGES``), never a traceback.

A corrupt database is moved aside (renamed with a timestamp, with its -wal and
-shm), never overwritten.  The kiosk then does NOT start over with an empty one
by itself: the moved file may hold sealed dossiers not yet sent, and a fresh
database would hand out today's dossier codes a second time.  While a moved
file lies in the data folder and no database is there, every command refuses
with a message saying where the file is and what to do; once a technician has
saved it elsewhere, the next start creates a fresh database.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from kiosk.store.db import StoreError

_log = logging.getLogger(__name__)

MESSAGES = {
    "data_dir_unusable": (
        "Không dùng được thư mục dữ liệu {path} ({reason}). Xin kiểm tra đường dẫn (--data-dir "
        "hoặc KIOSK_DATA_DIR) và ổ đĩa, rồi mở lại kiosk."
    ),
    "read_only": (
        "Kiosk không ghi được vào {path}: thư mục dữ liệu chỉ cho đọc. Xin cấp quyền ghi cho "
        "tài khoản chạy kiosk, hoặc kiểm tra ổ đĩa có bị khoá chỉ đọc không, rồi mở lại kiosk."
    ),
    "db_is_folder": (
        "Ở chỗ tệp cơ sở dữ liệu {path} lại là một thư mục. Xin chuyển thư mục đó đi nơi "
        "khác rồi mở lại kiosk."
    ),
    "disk_full": (
        "Ổ đĩa chứa dữ liệu kiosk ({path}) đã đầy nên chưa lưu được. Xin giải phóng dung lượng "
        "ổ đĩa rồi thử lại; các hồ sơ đã nộp trước đó vẫn được giữ nguyên."
    ),
    "io": (
        "Lỗi đọc ghi ổ đĩa ở {path} (ổ đĩa đầy hoặc bị hỏng) nên chưa lưu được. Xin giải phóng "
        "dung lượng hoặc kiểm tra ổ đĩa rồi thử lại; các hồ sơ đã nộp trước đó vẫn được giữ."
    ),
    "busy": (
        "Cơ sở dữ liệu {path} đang bị một tiến trình khác giữ quá lâu. Xin thử lại sau ít phút; "
        "nếu vẫn lỗi, khởi động lại máy."
    ),
    "cannot_open": (
        "Không mở được cơ sở dữ liệu {path} ({reason}). Xin kiểm tra ổ đĩa và quyền của thư mục "
        "dữ liệu, rồi mở lại kiosk."
    ),
    "corrupt_moved": (
        "Cơ sở dữ liệu {path} bị hỏng nên đã được chuyển sang {moved} (không bị ghi đè, không "
        "bị xoá). Kiosk chưa tạo cơ sở dữ liệu mới, để không che mất các hồ sơ chưa gửi và "
        "không cấp trùng mã hồ sơ. Xin gọi cán bộ kỹ thuật: sao lưu tệp đó ra nơi khác để "
        "khôi phục, xoá nó khỏi thư mục dữ liệu, rồi mở lại kiosk."
    ),
    "corrupt_pending": (
        "Cơ sở dữ liệu cũ bị hỏng đang nằm ở {moved} và chưa được xử lý. Kiosk chưa tạo cơ sở "
        "dữ liệu mới, để không che mất các hồ sơ chưa gửi và không cấp trùng mã hồ sơ. Xin "
        "gọi cán bộ kỹ thuật: sao lưu tệp đó ra nơi khác để khôi phục, xoá nó khỏi thư mục "
        "dữ liệu, rồi mở lại kiosk."
    ),
}

# What a fault in the store can be raised as, caught at each command's boundary.
FAULTS: tuple[type[BaseException], ...] = (OSError, sqlite3.Error, SQLAlchemyError)
CORRUPT_MARK = ".corrupt-"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600

_SQLITE_CODES = {
    sqlite3.SQLITE_FULL: "disk_full",
    sqlite3.SQLITE_CORRUPT: "corrupt",
    sqlite3.SQLITE_NOTADB: "corrupt",
    sqlite3.SQLITE_READONLY: "read_only",
    sqlite3.SQLITE_PERM: "read_only",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_CANTOPEN: "cannot_open",
}
_ERRNO_CODES = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EFBIG: "disk_full",
    errno.EROFS: "read_only",
    errno.EACCES: "read_only",
    errno.EPERM: "read_only",
    errno.EISDIR: "db_is_folder",
    errno.ENOTDIR: "data_dir_unusable",
    errno.ENAMETOOLONG: "data_dir_unusable",
    errno.ELOOP: "data_dir_unusable",
}


def store_error(code: str, **params: object) -> StoreError:
    return StoreError(code, MESSAGES[code].format(**params))


def fault_code(exc: BaseException) -> str:
    """The MESSAGES code of a fault from SQLite or the file system ("corrupt" included)."""
    if isinstance(exc, SQLAlchemyError):
        orig = getattr(exc, "orig", None)
        exc = orig if isinstance(orig, BaseException) else exc
    if isinstance(exc, sqlite3.Error):
        primary = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        return _SQLITE_CODES.get(primary, "io")
    if isinstance(exc, OSError):
        return _ERRNO_CODES.get(exc.errno or 0, "io")
    return "io"


def as_store_error(exc: BaseException, path: Path) -> StoreError:
    """``exc`` in words; a corrupt file found here is reported as such (not moved)."""
    if isinstance(exc, StoreError):
        return exc
    code = fault_code(exc)
    if code == "cannot_open":
        code = _why_not_open(path)
    if code == "corrupt":
        code = "cannot_open"  # only open_database moves a file aside, and says so itself
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    return store_error(code, path=path, reason=reason)


def _why_not_open(path: Path) -> str:
    if path.is_dir():
        return "db_is_folder"
    if not path.parent.is_dir():
        return "data_dir_unusable"
    if not os.access(path.parent, os.W_OK):
        return "read_only"
    return "cannot_open"


def prepare_data_dir(data_dir: Path, own_names: tuple[str, ...]) -> None:
    """The data folder exists, is a folder, and only the kiosk's account can open it.

    A folder open to others is tightened only when it is the kiosk's own: made just
    now, or holding nothing but what the kiosk writes (names starting with one of
    ``own_names``) and not a shared sticky folder such as /tmp.  Anything else (a home
    folder named by mistake) is left as it is, and said (the doctor flags it).
    """
    try:
        existed = data_dir.is_dir()
        data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        mode = stat.S_IMODE(data_dir.stat().st_mode)
        if not mode & 0o077:
            return
        own = all(p.name.startswith(own_names) for p in data_dir.iterdir())
        if not existed or (own and not mode & stat.S_ISVTX):
            data_dir.chmod(PRIVATE_DIR)
            _log.warning("data dir %s was mode %o: tightened to 700", data_dir, mode)
        else:
            _log.warning("data dir %s is mode %o and not only the kiosk's: left as it is",
                         data_dir, mode)
    except FileExistsError as exc:
        raise store_error("data_dir_unusable", path=data_dir,
                          reason="đã có một tệp trùng tên") from exc
    except OSError as exc:
        raise as_store_error(exc, data_dir) from exc


def create_private(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its -wal and -shm copy the mode);
    an existing one is tightened, with its -wal and -shm."""
    if path.is_dir():
        raise store_error("db_is_folder", path=path)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
        os.close(fd)
    except FileExistsError:
        for item in (path, *_companions(path)):
            if item.exists() and stat.S_IMODE(item.stat().st_mode) & 0o077:
                item.chmod(PRIVATE_FILE)
    except OSError as exc:
        raise as_store_error(exc, path) from exc


SQLITE_HEADER = b"SQLite format 3\x00"


def has_foreign_header(path: Path) -> bool:
    """``path`` holds bytes but not an SQLite database: told before SQLite opens it, so
    SQLite never checkpoints or deletes the -wal that came with it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise as_store_error(exc, path) from exc
    return bool(head) and head != SQLITE_HEADER


def refuse_if_corrupt_pending(path: Path) -> None:
    """No database and a moved corrupt one beside it: wait for a technician."""
    if path.exists():
        return
    moved = corrupt_copies(path)
    if moved:
        raise store_error("corrupt_pending", path=path, moved=moved[-1])


def corrupt_copies(path: Path) -> list[Path]:
    """Corrupt databases moved aside next to ``path``, oldest first."""
    pattern = f"{path.name}{CORRUPT_MARK}*"
    return sorted(p for p in path.parent.glob(pattern) if not p.name.endswith(("-wal", "-shm")))


def move_aside(path: Path, now: datetime) -> Path:
    """Rename ``path`` and its -wal/-shm to ``<name>.corrupt-<UTC time>``; nothing is replaced."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}{CORRUPT_MARK}{stamp}")
    counter = 1
    while any(p.exists() for p in (target, *_companions(target))):
        counter += 1
        target = path.with_name(f"{path.name}{CORRUPT_MARK}{stamp}-{counter}")
    for source, destination in zip((path, *_companions(path)), (target, *_companions(target)),
                                   strict=True):
        if source.exists():
            os.rename(source, destination)
    _log.error("corrupt database %s moved aside to %s", path, target)
    return target


def _companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
