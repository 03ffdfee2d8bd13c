"""Schema migrations, run at every start before anything else touches the database.

An older database is upgraded in place; a database written by a newer kiosk
(a revision this build does not know) is refused with a clear message instead
of being damaged by old code.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from kiosk.store.db import Database, StoreError

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"

NEWER_SCHEMA = (
    "Cơ sở dữ liệu {path} do một phiên bản phần mềm mới hơn tạo ra (phiên bản lược đồ {rev}). "
    "Xin cập nhật phần mềm kiosk; dữ liệu được giữ nguyên, không bị sửa."
)


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


def upgrade(db: Database) -> str:
    """Bring ``db`` to the newest schema; return the revision it is at."""
    cfg = _alembic_config()
    current = current_revision(db)
    if current is not None and not _known(cfg, current):
        raise StoreError("schema_newer", NEWER_SCHEMA.format(path=db.path, rev=current))
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    return head_revision()


def _known(cfg: AlembicConfig, revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(cfg).get_revision(revision) is not None
    except CommandError:
        return False
