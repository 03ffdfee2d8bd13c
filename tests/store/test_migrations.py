"""Migrations: the first schema upgrades with its data, and the result matches the models."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from kiosk.domain.codes import SequenceBlock
from kiosk.store.codes import CodeIssuer
from kiosk.store.db import Database
from kiosk.store.migrate import _alembic_config, current_revision, head_revision, upgrade
from kiosk.store.models import Base


def migrate_to(db: Database, revision: str) -> None:
    cfg = _alembic_config()
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def test_a_first_schema_database_upgrades_and_keeps_its_counters(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.sqlite3")
    migrate_to(db, "0001")
    assert "dossiers" not in inspect(db.engine).get_table_names()
    issuer = CodeIssuer(db, "000.00.00.H23", SequenceBlock(1000, 1999))
    issuer.issue(date(2026, 11, 24))
    upgrade(db)
    assert current_revision(db) == head_revision()
    assert "dossiers" in inspect(db.engine).get_table_names()
    assert issuer.issue(date(2026, 11, 24)).sequence == 1001
    db.dispose()


def test_the_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    db = Database(tmp_path / "k.sqlite3")
    upgrade(db)
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    db.dispose()
    assert diff == []
