"""The audit log cannot be edited, help calls ring once, ratings count once, settings audited."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.errors import ValidationError
from kiosk.domain.ratings import rating_body
from kiosk.store.audit import AuditLog
from kiosk.store.db import Database
from kiosk.store.helpcalls import HelpCallError, HelpCalls
from kiosk.store.migrate import upgrade
from kiosk.store.queue import LostRace
from kiosk.store.ratings import Ratings
from kiosk.store.settings import KioskSettings

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam


def test_audit_rows_cannot_be_changed_or_deleted(db: Database) -> None:
    log = AuditLog(db)
    log.append("CB-01", "receipt_reprint", NOW, "000.00.00.H23-261202-1001", {"copies": 1})
    with sqlite3.connect(db.path) as raw:
        for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                raw.execute(statement)
    (entry,) = log.entries()
    assert (entry.actor, entry.action, entry.detail) == ("CB-01", "receipt_reprint",
                                                         {"copies": 1})


def test_the_hash_chain_names_the_first_row_edited_around_the_triggers(db: Database) -> None:
    log = AuditLog(db)
    for i in range(4):
        log.append("CB-01", "dossier_retry", NOW + timedelta(minutes=i), f"code-{i}")
    assert log.verify() is None
    with sqlite3.connect(db.path) as raw:  # someone with the file and a shell
        raw.execute("DROP TRIGGER audit_log_no_update")
        raw.execute("UPDATE audit_log SET target = 'other' WHERE target = 'code-2'")
    second = [e.id for e in reversed(log.entries())][2]
    assert log.verify() == second


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_text_is_logged_without_breaking_the_chain(actor: str, target: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "k.sqlite3")
        upgrade(database)
        log = AuditLog(database)
        log.append(actor, "setting_change", NOW, target, {"new": target})
        log.append("CB-01", "signout", NOW)
        assert log.verify() is None and len(log.entries()) == 2
        database.dispose()


def test_a_second_call_while_one_is_open_rings_once(db: Database) -> None:
    calls = HelpCalls(db)
    first = calls.open("form", "Bước 4: Tờ khai", NOW)
    again = calls.open("home", None, NOW + timedelta(seconds=5))
    assert again.id == first.id and len(calls.open_calls()) == 1
    taken = calls.take(first.id, "CB-01", NOW + timedelta(minutes=1))
    assert (taken.state, taken.taken_by) == ("taken", "CB-01")
    calls.close(first.id, "CB-01", NOW + timedelta(minutes=9))
    assert calls.open_calls() == []
    with pytest.raises(HelpCallError):
        calls.take(first.id, "CB-02", NOW)
    assert calls.open("home", None, NOW).id != first.id  # a new resident, a new call
    actions = [e.action for e in AuditLog(db).entries()]
    assert actions.count("help_call") == 2 and "takeover" in actions and "help_close" in actions


def test_a_rating_recorded_twice_counts_once(db: Database) -> None:
    ratings = Ratings(db)
    first = ratings.record("key-1", "000.00.00.H23-261202-1001", 2,
                           ["thai_do_ho_tro", "so_lan_di_lai", "so_lan_di_lai"], None, NOW)
    again = ratings.record("key-1", "000.00.00.H23-261202-1001", 5, [], None, NOW)
    assert again == first and first.reasons == ("so_lan_di_lai", "thai_do_ho_tro")
    summary = ratings.summary(NOW - timedelta(hours=1))
    assert (summary.count, summary.by_level, summary.average) == (1, {2: 1}, 2.0)


@pytest.mark.parametrize(("level", "reasons", "comment"), [
    (0, [], None), (6, [], None), (True, [], None), (4, ["khac"], None),
    (2, ["nothing_like_it"], None), (1, [], "x" * 501), (3, [], "\ud800"),
])
def test_ratings_outside_the_contract_are_refused(db: Database, level: int,
                                                   reasons: list[str],
                                                   comment: str | None) -> None:
    with pytest.raises(ValidationError):
        Ratings(db).record("k", None, level, reasons, comment, NOW)
    assert Ratings(db).due(NOW) == []


def test_a_rating_moves_only_from_pending(db: Database) -> None:
    ratings = Ratings(db)
    rating = ratings.record("key-1", None, 4, [], None, NOW)
    ratings.mark_retry(rating.id, NOW, NOW + timedelta(minutes=5), "timeout", "Hết giờ chờ")
    assert ratings.due(NOW) == [] and len(ratings.due(NOW + timedelta(minutes=5))) == 1
    ratings.mark_sent(rating.id, "DG-1", NOW)
    with pytest.raises(LostRace):
        ratings.mark_failed(rating.id, NOW, "invalid", "Sai")
    sent = ratings.find("key-1")
    assert sent is not None and (sent.state, sent.attempts, sent.portal_id) == ("SENT", 1, "DG-1")


def test_the_portal_body_is_the_same_on_every_retry(db: Database) -> None:
    rating = Ratings(db).record("key-1", "C-1", 3, ["khac"], None, NOW)
    body = rating.body("KIOSK-01")
    assert body == {"MaKiosk": "KIOSK-01", "MaHoSo": "C-1", "ThoiDiem": "20261202090000",
                    "MucDo": 3, "LyDo": ["khac"], "GopY": None}
    stored = Ratings(db).find("key-1")
    assert stored is not None and stored.body("KIOSK-01") == body
    assert rating_body("K", None, NOW, 5, (), None)["LyDo"] == []


def test_a_setting_change_is_audited_with_old_and_new(db: Database) -> None:
    values = KioskSettings(db)
    values.set("idle_seconds", "120", NOW, "CB-01")
    values.set("idle_seconds", "120", NOW, "CB-01")  # no change, no row
    values.set("idle_seconds", "180", NOW, "CB-02")
    assert values.get("idle_seconds") == "180" and values.all() == {"idle_seconds": "180"}
    changes = [e.detail for e in AuditLog(db).entries() if e.action == "setting_change"]
    assert changes == [{"old": "120", "new": "180"}, {"old": None, "new": "120"}]
