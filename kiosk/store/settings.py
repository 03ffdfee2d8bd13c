"""The few settings an official changes on the dashboard; each change is audited.

They are kept in the database, not written back into the config file, and win
over it: the file is the province's default, these are the office's choice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from kiosk.store.audit import append_in
from kiosk.store.db import Database
from kiosk.store.models import SettingRow


class KioskSettings:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, name: str) -> str | None:
        with self._db.read() as session:
            row = session.get(SettingRow, name)
            return row.value if row is not None else None

    def all(self) -> dict[str, str]:
        with self._db.read() as session:
            return {row.name: row.value for row in session.scalars(select(SettingRow))}

    def set(self, name: str, value: str, now: datetime, actor: str) -> None:
        with self._db.write() as session:
            row = session.get(SettingRow, name)
            old = row.value if row is not None else None
            if old == value:
                return
            if row is None:
                session.add(SettingRow(name=name, value=value, updated_at=now))
            else:
                row.value, row.updated_at = value, now
            append_in(session, actor, "setting_change", now, name, {"old": old, "new": value})
