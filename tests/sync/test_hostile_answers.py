"""Hostile portal answers over real HTTP (issue 12 items 2 and 8): the real simulator
behind the fault proxy, or a scripted server; the kiosk's real queue in SQLite.

The case that started it: the portal accepts a dossier and answers ``TrangThaiHoSo:
2**70``.  The dossier must end PENDING with a reason (never SENDING, never a crash, on
this pass or after a restart) and, once the portal answers properly, be SENT under the
same key — one dossier on the portal, the others replays.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.states import DossierState
from kiosk.sync.client import MAX_BODY_BYTES
from kiosk.sync.policy import Outcome, OutcomeKind, backoff_delay
from kiosk.sync.worker import SyncWorker
from tests.support.kiosk import Kiosk
from tests.sync import faults
from tests.sync.conftest import kiosk_client
from tests.sync.hostile import TOKEN_PATH, Reply, ScriptedPortal, Seen, token_reply
from tests.sync.test_worker import stats

Edit = Callable[[dict[str, Any]], None]


class Switch:
    """A fault plan for one kind of request, on until the test turns it off."""

    def __init__(self, method: str, prefix: str, fault: faults.Fault) -> None:
        self.on = True
        self.method, self.prefix, self.fault = method, prefix, fault

    def __call__(self, method: str, path: str) -> faults.Fault:
        hit = self.on and method == self.method and path.startswith(self.prefix)
        return self.fault if hit else faults.Fault()


def one_pass(kiosk: Kiosk, url: str) -> Any:
    """One pass of a worker of its own, as a process that starts, syncs once and stops."""
    client = kiosk_client(kiosk, url)
    worker = kiosk.sync_worker(client, jitter=lambda: 0.5)
    try:
        with worker.leased():
            return worker.run_once()
    finally:
        client.close()


def set_status(value: object) -> Edit:
    return lambda answer: answer.__setitem__("TrangThaiHoSo", value)


@pytest.mark.parametrize(("edit", "code"), [
    (set_status(2**70), "answer_range"),
    (lambda a: a.__setitem__("MaHoSo", "x" * 3_000_000), "answer_length"),
    (lambda a: a.__setitem__("MaHoSo", "A\ud800"), "answer_chars"),
    (lambda a: a.__setitem__("MaHoSoKiosk", "000.00.00.H23-261124-9999"), "answer_mismatch"),
])
def test_an_accepted_dossier_with_a_malformed_answer_waits_pending_and_is_later_sent_once(
    kiosk: Kiosk, portal: PortalSimulator, edit: Edit, code: str,
) -> None:
    (dossier,) = kiosk.seal_births(1)
    plan = Switch("POST", "/api/v1/dossiers", faults.ForwardThenRewrite(edit))
    with faults.FaultProxy(portal.url, plan) as proxy:
        first = one_pass(kiosk, proxy.url)
        waiting = kiosk.queue.find(dossier.code).dossier
        kiosk.clock.advance(hours=1)
        second = one_pass(kiosk, proxy.url)  # a restart: the portal still answers so
        still = kiosk.queue.find(dossier.code).dossier
        plan.on = False
        kiosk.clock.advance(hours=1)
        third = one_pass(kiosk, proxy.url)
    assert (waiting.state, waiting.last_error_code, waiting.attempts) == (
        DossierState.PENDING, code, 1)
    assert waiting.last_error_message and "kiosk sẽ tự gửi lại" in waiting.last_error_message
    assert (first.retried, first.errors, second.retried, second.errors) == (1, (), 1, ())
    assert (still.state, still.attempts) == (DossierState.PENDING, 2)
    sent = kiosk.queue.find(dossier.code).dossier
    assert (third.sent, sent.state, sent.portal_status) == (1, DossierState.SENT, 1)
    counters = stats(portal)
    assert (counters["dossiers_new"], counters["dossiers_replayed"]) == (1, 2)  # same key


@pytest.mark.parametrize("edit", [
    lambda page: page["items"][0].__setitem__("TrangThaiHoSo", 2**70),
    lambda page: page["items"][0]["QuaTrinhXuLy"][0].__setitem__("NoiDung", "Xong\ud800"),
    lambda page: page.__setitem__("now", 2**70),
    lambda page: page.__setitem__("items", {"0": page["items"][0]}),
])
def test_a_malformed_page_of_status_changes_changes_nothing_and_is_asked_again(
    kiosk: Kiosk, portal: PortalSimulator, edit: Edit,
) -> None:
    (dossier,) = kiosk.seal_births(1)
    plan = Switch("GET", "/api/v1/dossiers?", faults.ForwardThenRewrite(edit))
    with faults.FaultProxy(portal.url, plan) as proxy:
        plan.on = False
        one_pass(kiosk, proxy.url)  # sent, status 1; the first page is asked for here
        cursor = kiosk.queue.cursor("dossiers_changed_since")
        before = kiosk.queue.find(dossier.code).timeline
        plan.on = True
        kiosk.clock.advance(minutes=3)  # three status steps of 60 s on the simulator
        hostile = one_pass(kiosk, proxy.url)
        held = kiosk.queue.find(dossier.code)
        held_cursor = kiosk.queue.cursor("dossiers_changed_since")
        plan.on = False
        sane = one_pass(kiosk, proxy.url)
    assert (hostile.status_updates, hostile.errors) == (0, ())
    assert held.dossier.portal_status == 1 and held_cursor == cursor
    assert held.timeline == before and len(before) == 1
    assert sane.status_updates == 1
    detail = kiosk.queue.find(dossier.code)
    assert detail.dossier.portal_status == 9 and len(detail.timeline) == 4


@pytest.mark.parametrize("value", ["²", "1e309", "Tue, 24 Nov 2026 09:01:00 +0700"])
def test_a_retry_after_that_is_not_one_is_ignored_and_the_normal_backoff_applies(
    kiosk: Kiosk, portal: PortalSimulator, value: str,
) -> None:
    (dossier,) = kiosk.seal_births(1)
    plan = Switch("POST", "/api/v1/dossiers", faults.Status(503, retry_after=value))
    with faults.FaultProxy(portal.url, plan) as proxy:
        report = one_pass(kiosk, proxy.url)
        plan.on = False
        row = kiosk.queue.find(dossier.code).dossier
        kiosk.clock.advance(hours=1)
        later = one_pass(kiosk, proxy.url)
    assert (row.state, row.last_error_code, report.errors) == (DossierState.PENDING,
                                                              "http_503", ())
    assert row.next_attempt_at == kiosk.clock() - timedelta(hours=1) + timedelta(
        seconds=backoff_delay(1, 0.5))
    assert later.sent == 1


class RawReply(faults.Fault):
    name = "raw"

    def __init__(self, status: int, data: bytes) -> None:
        self.status, self.data = status, data

    def handle(self, proxy: faults.ProxyHandler, body: bytes) -> None:
        proxy.reply(self.status, self.data, "application/json")


def test_a_refusal_with_a_hostile_code_and_message_is_stored_clean(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    (dossier,) = kiosk.seal_births(1)
    data = (b'{"error": "' + b"e" * 200 + b'\\ud800", "message": "H\\u1ed3 s\\u01a1 sai'
            b'\\u0000\\ud800", "details": [{"field": "\\udfffMaHoSo", "message": 1e999}]}')
    plan = Switch("POST", "/api/v1/dossiers", RawReply(422, data))
    with faults.FaultProxy(portal.url, plan) as proxy:
        report = one_pass(kiosk, proxy.url)
    row = kiosk.queue.find(dossier.code).dossier
    assert (report.failed, report.errors) == (1, ())
    assert (row.state, row.last_error_code) == (DossierState.FAILED, "http_422")
    assert row.last_error_message and "Hồ sơ sai" in row.last_error_message


# ---------------------------------------------------------------- the client alone


def scripted(reply: Reply) -> Callable[[Seen], Reply]:
    def script(seen: Seen) -> Reply:
        return token_reply("t1") if seen.path == TOKEN_PATH else reply
    return script


@pytest.mark.parametrize(("reply", "code"), [
    (Reply(201, raw=b'{"MaHoSo": "A-1"}', content_type="text/html"), "not_json"),
    (Reply(201, raw=b'{"MaHoSo": "A-1"}', content_type="text/plain"), "not_json"),
    (Reply(201, raw='{"MaHoSo": "Ất"}'.encode("utf-16")), "not_json"),
    (Reply(201, raw=b'{"MaHoSo": "\xff\xfe"}'), "not_json"),
    (Reply(201, raw=b'{"MaHoSo": "A-1", "TrangThaiHoSo": NaN}'), "answer_range"),
    (Reply(201, raw=b'{"MaHoSo": "A-1", "TrangThaiHoSo": ' + b"9" * 5000 + b"}"),
     "answer_range"),
    (Reply(201, raw=b"[" * 50_000 + b"]" * 50_000), "not_json"),
    (Reply(201, raw=b'{"MaHoSo": "' + b"A" * (MAX_BODY_BYTES + 1) + b'"}'), "too_large"),
    (Reply(201, {"MaHoSo": "A-1", "TrangThaiHoSo": 2**70}), "answer_range"),
    (Reply(201, ["MaHoSo", "A-1"]), "answer_type"),
    (Reply(302, {}, headers={"Location": "/login"}), "redirect"),
])
def test_a_hostile_answer_from_a_real_server_is_a_transient_outcome_with_its_reason(
    kiosk: Kiosk, reply: Reply, code: str,
) -> None:
    with ScriptedPortal(scripted(reply)) as server:
        client = kiosk_client(kiosk, server.url)
        try:
            outcome = client.submit_dossier(b"{}", "key-1")
        finally:
            client.close()
    assert (outcome.kind, outcome.code) == (OutcomeKind.TRANSIENT, code)
    assert outcome.answer is None
    assert server.count("/login") == 0  # a redirect is never followed


# ---------------------------------------------------------------- error boundaries


class Poisoned:
    """A client wrapper whose dossier post raises for one idempotency key (a bug)."""

    def __init__(self, inner: Any, key: str) -> None:
        self._inner, self._key = inner, key

    def submit_dossier(self, body: bytes, idempotency_key: str) -> Outcome:
        if idempotency_key == self._key:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        result: Outcome = self._inner.submit_dossier(body, idempotency_key)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def key_of(kiosk: Kiosk, code: str) -> str:
    from tests.sync.test_worker import _idempotency_key

    return _idempotency_key(kiosk, code)


@pytest.mark.logs_errors
def test_a_dossier_whose_sending_raises_goes_back_behind_the_others_and_the_pass_ends_cleanly(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    poison, *others = kiosk.seal_births(3)
    client = kiosk_client(kiosk, portal.url)
    worker = kiosk.sync_worker(Poisoned(client, key_of(kiosk, poison.code)), jitter=lambda: 0.0)
    try:
        with worker.leased():
            kiosk.clock.advance(seconds=1)  # the clock moves: its retry is after their seal
            first = worker.run_once()
            second = worker.run_once()
    finally:
        client.close()
    row = kiosk.queue.find(poison.code).dossier
    assert (row.state, row.last_error_code, row.attempts) == (DossierState.PENDING, "crash", 0)
    assert all(kiosk.queue.find(d.code).dossier.state is DossierState.SENT for d in others)
    assert first.errors and "OverflowError" in first.errors[0]
    assert first.retry_in is not None and second.retry_in is not None
    assert second.retry_in > first.retry_in  # the passes in a row back off
    assert kiosk.queue.counts()[DossierState.SENDING] == 0


class BrokenRatings:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def submit_rating(self, body: bytes, idempotency_key: str) -> Outcome:
        raise RuntimeError("a bug in the rating stage")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.mark.logs_errors
def test_a_rating_whose_sending_raises_stays_pending_and_the_pass_goes_on_to_statuses(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    (dossier,) = kiosk.seal_births(1)
    rating = kiosk.office.ratings.record("c0ffee00-0000-4000-8000-000000000001", dossier.code,
                                         2, ["so_lan_di_lai"], None, kiosk.clock())
    client = kiosk_client(kiosk, portal.url)
    worker = kiosk.sync_worker(BrokenRatings(client), ratings=kiosk.office.ratings)
    try:
        with worker.leased():
            report = worker.run_once()
    finally:
        client.close()
    row = kiosk.office.ratings.find(rating.key)
    assert row is not None
    assert (row.state, row.attempts, row.last_error_code) == ("PENDING", 0, "crash")
    assert report.sent == 1 and report.errors and "ratings: RuntimeError" in report.errors[0]
    assert kiosk.queue.cursor("dossiers_changed_since") is not None  # statuses still polled


class BrokenStatus:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def changes_since(self, kiosk_id: str, since: str) -> Outcome:
        # an unexpected error's text may quote what it was handling
        raise RuntimeError("a bug in the status stage at 0912345678, 030195012345, a@b.vn")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.mark.logs_errors
def test_a_stage_that_raises_is_logged_and_the_others_still_run(
    kiosk: Kiosk, portal: PortalSimulator, caplog: pytest.LogCaptureFixture,
) -> None:
    kiosk.seal_births(2)
    client = kiosk_client(kiosk, portal.url)
    worker = kiosk.sync_worker(BrokenStatus(client))
    try:
        with worker.leased():
            report = worker.run_once()
    finally:
        client.close()
    assert report.sent == 2
    assert report.errors and "status: RuntimeError" in report.errors[0]
    # what `kiosk sync` prints and the health log keeps: the error, not the numbers in it
    for value in ("0912345678", "030195012345", "a@b.vn"):
        assert value not in report.errors[0]
    assert any(r.exc_info and "status" in r.getMessage() for r in caplog.records)


@pytest.mark.logs_errors
def test_housekeeping_runs_once_an_hour_between_passes_and_its_failure_stops_nothing(
    kiosk: Kiosk, portal: PortalSimulator, caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[Any] = []
    called = threading.Event()

    def housekeeping(now: Any) -> None:
        calls.append(now)
        called.set()
        raise RuntimeError("purge failed")

    kiosk.seal_births(1)
    client = kiosk_client(kiosk, portal.url)
    worker = kiosk.sync_worker(client, housekeeping=housekeeping)
    thread = threading.Thread(target=worker.run_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        assert called.wait(30)
        called.clear()
        for _ in range(20):  # more passes, the (fake) clock still: no second call
            passes = worker.last_report
            while worker.last_report is passes:
                threading.Event().wait(0.01)
        assert len(calls) == 1 and thread.is_alive()
        kiosk.clock.advance(minutes=61)
        assert called.wait(30)
        assert thread.is_alive()
    finally:
        worker.stop()
        thread.join(timeout=10)
        client.close()
    assert len(calls) == 2 and calls[1] - calls[0] == timedelta(minutes=61)
    assert kiosk.queue.counts()[DossierState.SENT] == 1
    assert any(r.exc_info and "housekeeping" in r.getMessage() for r in caplog.records)


def test_housekeeping_waits_for_the_lease(kiosk: Kiosk, portal: PortalSimulator) -> None:
    calls: list[Any] = []
    client = kiosk_client(kiosk, portal.url)
    worker: SyncWorker = kiosk.sync_worker(client, housekeeping=calls.append)
    try:
        assert worker.housekeep() is False  # not the sync owner yet
        with worker.leased():
            worker.run_once()
            assert worker.housekeep() is True
            assert worker.housekeep() is False  # within the hour
    finally:
        client.close()
    assert calls == [kiosk.clock()]


# ---------------------------------------------------------------- a day of nonsense


class Nonsense(faults.Fault):
    """After the portal has done the work, the kiosk hears nonsense of some kind: a field
    set to a hostile value, junk bytes, another status code, an odd Retry-After."""

    name = "nonsense"
    VALUES: tuple[object, ...] = (2**70, -1, 0, 1.5, True, None, "", "\ud800", "A\x00",
                                  "x" * 70_000, [], {}, [[[[[]]]]], "2026 13 99")
    JUNK: tuple[bytes, ...] = (b"", b"<html>login</html>", b"\xff\xfe\x00", b"[" * 20_000,
                               b'{"MaHoSo": NaN}', b"1" * 5000, b"null", b'"ok"')
    STATUSES = (200, 201, 302, 408, 429, 500, 503)
    RETRY_AFTERS = ("²", "-1", "1e309", "Tue, 24 Nov 2026 09:01:00 +0700", "5", "")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lock = threading.Lock()

    def handle(self, proxy: faults.ProxyHandler, body: bytes) -> None:
        status, _headers, data = proxy.fetch_upstream(body)
        with self.lock:
            reply = self._garble(status, data)
        proxy.reply(*reply)

    def _garble(self, status: int, data: bytes) -> tuple[int, bytes, str, dict[str, str]]:
        rng = self.rng
        extra = {"Retry-After": rng.choice(self.RETRY_AFTERS)} if rng.random() < 0.3 else {}
        if rng.random() < 0.5 and data.startswith(b"{"):
            answer = json.loads(data)
            targets = [answer, *[i for i in answer.get("items", []) if isinstance(i, dict)]]
            target = rng.choice(targets)
            target[rng.choice([*target, "TrangThaiHoSo"])] = rng.choice(self.VALUES)
            return status, json.dumps(answer).encode(), "application/json", extra
        content_type = rng.choice(["application/json", "text/html", "text/plain", ""])
        return rng.choice(self.STATUSES), rng.choice(self.JUNK), content_type, extra


def test_a_portal_answering_nonsense_pass_after_pass_never_breaks_the_worker_and_loses_nothing(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    sealed = kiosk.seal_births(4)
    nonsense = Nonsense(random.Random(20261202))
    plan = Switch("", "/api/v1/", nonsense)
    with faults.FaultProxy(portal.url, lambda m, p: nonsense if plan.on and p.startswith(
            "/api/v1/") else faults.Fault()) as proxy:
        client = kiosk_client(kiosk, proxy.url)
        worker = kiosk.sync_worker(client, jitter=lambda: 0.5)
        try:
            with worker.leased():
                reports = []
                for _ in range(25):
                    reports.append(worker.run_once())
                    assert kiosk.queue.counts()[DossierState.SENDING] == 0
                    kiosk.clock.advance(hours=1)
                plan.on = False
                for _ in range(5):
                    worker.run_once()
                    kiosk.clock.advance(hours=1)
        finally:
            client.close()
    assert all(not r.errors for r in reports)  # every answer an outcome, never an exception
    assert proxy.seen.get("nonsense", 0) >= 25
    rows = [kiosk.queue.find(d.code).dossier for d in sealed]
    assert [r.state for r in rows] == [DossierState.SENT] * 4, [
        (r.last_error_code, r.last_error_message) for r in rows]
    assert stats(portal)["dossiers_new"] == 4


def test_a_catalogue_page_with_text_that_cannot_be_stored_changes_nothing(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    from kiosk.catalogue_updates import CatalogueUpdates

    updates = CatalogueUpdates(kiosk.runtime.data_dir)
    plan = Switch("GET", "/api/v1/procedures", faults.ForwardThenRewrite(
        lambda page: page["items"][0].__setitem__("name", "Khai sinh\ud800")))
    with faults.FaultProxy(portal.url, plan) as proxy:
        client = kiosk_client(kiosk, proxy.url)
        worker = kiosk.sync_worker(client, catalogue_updates=updates)
        try:
            hostile = worker.run_once()
            cursor = kiosk.queue.cursor("procedures_changed_since")
            plan.on = False
            sane = worker.run_once()
        finally:
            client.close()
    assert (hostile.procedures_updated, hostile.errors, cursor) == (0, (), None)
    assert sane.procedures_updated > 0 and not sane.errors
