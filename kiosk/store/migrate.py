"""Schema migrations, run at every start before anything else touches the database.

An older database is upgraded in place, under the write lock (``BEGIN IMMEDIATE``): of
two processes starting at once on the same old file, one migrates and the other then
finds it at the newest revision.  Before a migration that changes an existing database,
a checked copy is made with SQLite's online backup API (``kiosk.store.backup``); if it
cannot be made, nothing is migrated.  A database written by a newer kiosk (a revision
this build does not know) is refused with a clear message, naming the backup to
restore, instead of being damaged by old code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from kiosk.store.backup import back_up, list_backups, revision_of_name
from kiosk.store.db import Database, StoreError

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"

NEWER_SCHEMA = (
    "Cơ sở dữ liệu {path} do một phiên bản phần mềm mới hơn tạo ra (phiên bản lược đồ {rev}), "
    "phiên bản đang cài không đọc được. Dữ liệu được giữ nguyên, không bị sửa. Xin cài lại "
    "phiên bản mới hơn; hoặc, nếu cố ý quay về phiên bản cũ này, dừng kiosk và khôi phục bản "
    "sao lưu được tạo ngay trước lần cập nhật: {how}"
)
RESTORE_HOW = "kiosk db-restore {backup}"
NO_BACKUP_HOW = (
    "trong thư mục {folder} không có bản sao lưu nào dùng được cho phiên bản này (bản sao lưu "
    "bị xoá sau số ngày lưu giữ dữ liệu đã đặt); xin gọi cán bộ kỹ thuật."
)

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest schema revision this build knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "the migrations folder holds no revision"
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, clock: Clock = _utc_now) -> str:
    """Bring ``db`` to the newest schema; return the revision it is at.

    An existing database at an older revision is backed up first (StoreError
    ``backup_failed`` and no migration if that fails)."""
    cfg = _alembic_config()
    head = head_revision()
    with db.write() as session:  # BEGIN IMMEDIATE: one migrating process at a time
        connection = session.connection()
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return head
        if current is not None and not _known(cfg, current):
            raise StoreError("schema_newer", newer_schema_message(db.path, current, head))
        if current is not None:  # a new, empty database has nothing to lose
            back_up(db.path, current, clock())
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    return head


def newer_schema_message(path: Path, revision: str, head: str) -> str:
    """The refusal of a downgraded build, naming the newest backup at this build's schema."""
    fitting = [b for b in list_backups(path) if revision_of_name(b) == head]
    how = (RESTORE_HOW.format(backup=fitting[-1]) if fitting
           else NO_BACKUP_HOW.format(folder=path.parent / "backups"))
    return NEWER_SCHEMA.format(path=path, rev=revision, how=how)


def is_known(revision: str) -> bool:
    """``revision`` is one this build can open (itself or older)."""
    return _known(_alembic_config(), revision)


def _known(cfg: AlembicConfig, revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(cfg).get_revision(revision) is not None
    except CommandError:
        return False
