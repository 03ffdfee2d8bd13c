"""What the store's tests share: a migrated database in the test's own folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.store.db import Database
from kiosk.store.migrate import upgrade


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "k.sqlite3")
    upgrade(database)
    yield database
    database.dispose()
