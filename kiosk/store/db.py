"""The one place that knows how the kiosk talks to SQLite.

Settings (STYLE.md §12): WAL, ``synchronous=FULL`` because kiosks get
unplugged, a busy timeout, foreign keys on, and ``BEGIN IMMEDIATE`` for every
write so that two writers never deadlock half-way through a transaction.
One Session per unit of work; Sessions never cross threads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain.errors import DomainError

BUSY_TIMEOUT_MS = 10_000
_BEGIN_OPTION = "kiosk_sqlite_begin"


class StoreError(DomainError):
    """The database cannot be used (newer schema, corrupt file, disk full …)."""


class Database:
    """An SQLite file with the kiosk's settings, handing out units of work."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.engine = _make_engine(path)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._write = sessionmaker(write_engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE), committed on success, rolled back on error."""
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot (deferred BEGIN: WAL readers never block the writer)."""
        with self._read() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _make_engine(path: Path) -> Engine:
    # Pooled connections are handed to one thread at a time (the UI's or the sync
    # worker's), never shared while in use: the sqlite3 module's own check is redundant.
    # hide_parameters: an error's text (logged, shown to a technician) never carries the
    # values bound to it, which for a sealed dossier are the resident's personal data.
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False},
                           hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's "begin" event: the sqlite3
    # module's own implicit BEGIN is always DEFERRED and skips DDL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


def _on_begin(connection: Any) -> None:
    mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")
