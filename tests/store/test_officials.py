"""Officials' accounts and the PIN sign-in: hashes only, one PIN per official, a lock that
survives a restart, and every attempt in the audit log."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.errors import ValidationError
from kiosk.domain.officials import LOCK_SECONDS, MAX_FAILURES, validate_name, validate_pin
from kiosk.store.audit import AuditLog
from kiosk.store.db import Database
from kiosk.store.migrate import upgrade
from kiosk.store.officials import OfficialError, Officials, fast_hasher

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
PIN = "482913"


def open_db(path: Path) -> Database:
    db = Database(path / "k.sqlite3")
    upgrade(db)
    return db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_db(tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def officials(db: Database) -> Officials:
    return Officials(db, fast_hasher())


def test_the_pin_is_stored_only_as_an_argon2id_hash(officials: Officials, db: Database) -> None:
    officials.add("cb-01", "  Nguyễn   Thị Thuở ", "can_bo", PIN, NOW, "cli:root")
    (added,) = officials.all()
    assert (added.staff_id, added.name, added.role) == ("CB-01", "Nguyễn Thị Thuở", "can_bo")
    with sqlite3.connect(db.path) as raw:
        (digest,) = raw.execute("SELECT pin_hash FROM officials").fetchone()
        everything = "\n".join(line for line in raw.iterdump())
    assert digest.startswith("$argon2id$")
    assert PIN not in everything  # not in any table, the audit log included


def test_the_right_pin_signs_in_and_says_who(officials: Officials, db: Database) -> None:
    officials.add("CB-01", "Lê Văn Tám", "can_bo", PIN, NOW, "cli:root")
    officials.add("CB-02", "Trần Thị Hai", "quan_tri", "730125", NOW, "cli:root")
    result = officials.sign_in("730125", NOW)
    assert result.ok and result.official is not None
    assert result.official.helper_label == "Trần Thị Hai (CB-02)"
    assert [e.action for e in AuditLog(db).entries()][:1] == ["signin_ok"]


def test_five_wrong_pins_lock_and_the_lock_survives_a_restart(tmp_path: Path) -> None:
    db = open_db(tmp_path)
    officials = Officials(db, fast_hasher())
    officials.add("CB-01", "Lê Văn Tám", "can_bo", PIN, NOW, "cli:root")
    answers = [officials.sign_in("000001", NOW + timedelta(seconds=i))
               for i in range(MAX_FAILURES)]
    assert [a.failures_left for a in answers] == [4, 3, 2, 1, 0]
    assert answers[-1].locked_until == NOW + timedelta(seconds=MAX_FAILURES - 1 + LOCK_SECONDS)
    db.dispose()

    again = open_db(tmp_path)  # the plug pulled, the kiosk started again
    after = Officials(again, fast_hasher())
    during = after.sign_in(PIN, NOW + timedelta(seconds=60))  # even the right PIN waits
    assert not during.ok and during.locked_until is not None
    later = after.sign_in(PIN, NOW + timedelta(seconds=LOCK_SECONDS + 10))
    assert later.ok
    actions = [e.action for e in AuditLog(again).entries()]
    assert actions.count("signin_failed") == MAX_FAILURES
    assert actions.count("signin_lock") == 1 and actions.count("signin_locked") == 1
    again.dispose()


def test_a_right_pin_resets_the_count(officials: Officials) -> None:
    officials.add("CB-01", "Lê Văn Tám", "can_bo", PIN, NOW, "cli:root")
    for _ in range(MAX_FAILURES - 1):
        officials.sign_in("999990", NOW)
    assert officials.sign_in(PIN, NOW).ok
    assert officials.sign_in("999990", NOW).failures_left == MAX_FAILURES - 1


def test_a_disabled_official_cannot_sign_in(officials: Officials, db: Database) -> None:
    officials.add("CB-01", "Lê Văn Tám", "can_bo", PIN, NOW, "cli:root")
    officials.disable("cb-01", NOW, "cli:root")
    officials.disable("CB-01", NOW, "cli:root")  # already disabled: no second audit row
    assert not officials.sign_in(PIN, NOW).ok
    officials.enable("CB-01", NOW, "cli:root")
    assert officials.sign_in(PIN, NOW).ok
    actions = [e.action for e in AuditLog(db).entries()]
    assert actions.count("official_disable") == 1 and actions.count("official_enable") == 1


def test_two_officials_may_not_share_a_pin(officials: Officials) -> None:
    officials.add("CB-01", "Lê Văn Tám", "can_bo", PIN, NOW, "cli:root")
    with pytest.raises(OfficialError) as refused:
        officials.add("CB-02", "Trần Thị Hai", "can_bo", PIN, NOW, "cli:root")
    assert refused.value.code == "pin_taken"
    officials.add("CB-02", "Trần Thị Hai", "can_bo", "730125", NOW, "cli:root")
    with pytest.raises(OfficialError):
        officials.set_pin("CB-02", PIN, NOW, "cli:root")
    officials.set_pin("CB-01", PIN, NOW, "cli:root")  # keeping one's own PIN is fine
    assert [o.staff_id for o in officials.all()] == ["CB-01", "CB-02"]


def test_account_errors_leave_nothing_half_done(officials: Officials, db: Database) -> None:
    officials.add("CB-01", "Lê Văn Tám", "can_bo", PIN, NOW, "cli:root")
    before = len(AuditLog(db).entries())
    with pytest.raises(OfficialError) as duplicate:
        officials.add("CB-01", "Người Khác", "can_bo", "730125", NOW, "cli:root")
    assert duplicate.value.code == "staff_exists"
    with pytest.raises(OfficialError) as unknown:
        officials.set_pin("CB-99", "730125", NOW, "cli:root")
    assert unknown.value.code == "staff_unknown"
    assert len(AuditLog(db).entries()) == before and len(officials.all()) == 1


@pytest.mark.parametrize("pin", ["", "12345", "123456789", "12a456", " 482913", "48291３",
                                 "١٢٣٤٥٦", "111111", "123456", "987654"])
def test_pins_that_are_refused(pin: str) -> None:
    with pytest.raises(ValidationError):
        validate_pin(pin)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_valid_name_or_a_clear_refusal(text: str) -> None:
    try:
        name = validate_name(text)
    except ValidationError as refused:
        assert refused.code == "name_format" and refused.message
    else:
        assert 1 <= len(name) <= 120 and name == name.strip() and "  " not in name
        name.encode("utf-8")


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=40))
def test_any_text_on_the_pin_pad_is_a_plain_no(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:  # a fresh database per example
        db = open_db(Path(folder))
        officials = Officials(db, fast_hasher())
        officials.add("CB-01", "Lê Văn Tám", "can_bo", PIN, NOW, "cli:root")
        result = officials.sign_in(text, NOW)
        assert result.ok == (text == PIN)
        db.dispose()
