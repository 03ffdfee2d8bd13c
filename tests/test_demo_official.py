"""Demo mode has an official to sign in with; a real office's accounts are left alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kiosk.config import Config
from kiosk.services import DEMO_OFFICIAL, DEMO_PIN, Runtime, ensure_demo_official, open_database
from kiosk.store.officials import Officials, fast_hasher

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_the_demo_official_is_added_once_and_signs_in(tmp_path: Path) -> None:
    db = open_database(Runtime(Config(), tmp_path))
    ensure_demo_official(db, NOW)
    ensure_demo_official(db, NOW)  # the second start of the demo
    officials = Officials(db)
    assert [o.staff_id for o in officials.all()] == [DEMO_OFFICIAL[0]]
    signed = officials.sign_in(DEMO_PIN, NOW)
    assert signed.official is not None and signed.official.name == DEMO_OFFICIAL[1]
    db.dispose()


def test_an_office_with_its_own_officials_keeps_them(tmp_path: Path) -> None:
    db = open_database(Runtime(Config(), tmp_path))
    Officials(db, fast_hasher()).add("CB-01", "Lê Văn Tám", "can_bo", "482913", NOW, "cli:root")
    ensure_demo_official(db, NOW)
    staff = {o.staff_id: o.disabled for o in Officials(db).all()}
    assert staff == {"CB-01": False, DEMO_OFFICIAL[0]: False}
    db.dispose()
