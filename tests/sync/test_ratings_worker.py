"""Ratings from a real SQLite store to the real simulator through the sync worker (§7):
one resident counts once, whatever the network loses or the portal answers oddly."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from kiosk.demo.simulator import PortalSimulator
from kiosk.store.ratings import Rating
from kiosk.sync.rating_sender import rating_payload
from kiosk.sync.worker import SyncWorker
from tests.support.kiosk import Kiosk
from tests.sync import faults
from tests.sync.conftest import kiosk_client

KEY = "b1e1a6f0-7d0c-4c55-9a5e-2a8f1c0d3e21"


def record(kiosk: Kiosk, key: str = KEY, level: int = 2, comment: str | None = "Chờ lâu.",
           reasons: tuple[str, ...] = ("so_lan_di_lai",)) -> Rating:
    return kiosk.office.ratings.record(key, "000.00.00.H23-261124-1001", level, list(reasons),
                                       comment, kiosk.clock())


def held(portal: PortalSimulator, kiosk: Kiosk) -> list[dict[str, Any]]:
    answer = requests.get(f"{portal.url}/_sim/ratings",
                          params={"kiosk": kiosk.runtime.config.kiosk.id}, timeout=10)
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def worker(kiosk: Kiosk, url: str) -> SyncWorker:
    return kiosk.sync_worker(kiosk_client(kiosk, url), jitter=lambda: 0.0,
                             ratings=kiosk.office.ratings)


def state(kiosk: Kiosk, key: str = KEY) -> Rating:
    found = kiosk.office.ratings.find(key)
    assert found is not None
    return found


def on_ratings(fault: faults.Fault, times: int = 1) -> faults.Plan:
    """The first ``times`` rating posts meet ``fault``; everything else goes through."""
    left = [times]

    def plan(method: str, path: str) -> faults.Fault:
        if method == "POST" and path.startswith("/api/v1/ratings") and left[0] > 0:
            left[0] -= 1
            return fault
        return faults.Fault()

    return plan


def test_a_recorded_rating_reaches_the_portal_once_even_when_the_pass_runs_twice(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    record(kiosk)
    sync = worker(kiosk, portal.url)
    report = sync.run_once()
    assert report.ratings_sent == 1
    sync.run_once()
    items = held(portal, kiosk)
    assert len(items) == 1
    assert items[0]["MucDo"] == 2 and items[0]["LyDo"] == ["so_lan_di_lai"]
    assert items[0]["MaKiosk"] == kiosk.runtime.config.kiosk.id
    assert state(kiosk).state == "SENT"
    assert state(kiosk).portal_id == items[0]["IdDanhGia"]


def test_a_lost_first_answer_is_retried_with_the_same_key_and_counted_once(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    record(kiosk)
    with faults.FaultProxy(portal.url, on_ratings(faults.ForwardThenDrop())) as proxy:
        sync = worker(kiosk, proxy.url)
        first = sync.run_once()
        assert first.ratings_sent == 0
        assert state(kiosk).state == "PENDING"
        assert len(held(portal, kiosk)) == 1  # the portal has it; the kiosk does not know
        kiosk.clock.advance(hours=1)
        second = sync.run_once()
    assert second.ratings_sent == 1
    assert len(held(portal, kiosk)) == 1
    assert state(kiosk).portal_id == held(portal, kiosk)[0]["IdDanhGia"]


def test_the_bytes_sent_are_the_same_on_every_attempt(kiosk: Kiosk) -> None:
    rating = record(kiosk, comment="Tốt \"lắm\"\n")
    kiosk.clock.advance(days=3)
    again = state(kiosk)
    payload = rating_payload(again, "KIOSK-01")
    assert payload == rating_payload(rating, "KIOSK-01")
    local = rating.at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert json.loads(payload)["ThoiDiem"] == local.strftime("%Y%m%d%H%M%S")
    assert json.loads(payload)["GopY"] == "Tốt \"lắm\"\n"


class Answer(faults.Fault):
    """The portal gets the request; the kiosk gets ``data`` with ``status`` instead."""

    name = "odd_answer"

    def __init__(self, status: int, data: bytes, content_type: str = "application/json") -> None:
        self.status, self.data, self.content_type = status, data, content_type

    def handle(self, proxy: faults.ProxyHandler, body: bytes) -> None:
        proxy.fetch_upstream(body)
        proxy.reply(self.status, self.data, self.content_type)


@pytest.mark.parametrize("answer", [
    Answer(201, b"{}"),
    Answer(201, b'{"IdDanhGia": ""}'),
    Answer(201, b'{"IdDanhGia": 17}'),
    Answer(201, b'{"IdDanhGia": null}'),
    Answer(200, b"<html>Wi-Fi login</html>", "text/html"),
    Answer(201, b'{"IdDanhGia": "x"'),
    Answer(201, b"[]"),
    Answer(201, b'{"IdDanhGia": "' + b"x" * (5 * 1024 * 1024) + b'"}'),
], ids=["empty", "blank_id", "number_id", "null_id", "html", "truncated", "list", "huge"])
def test_an_odd_answer_is_not_taken_for_acceptance(
    kiosk: Kiosk, portal: PortalSimulator, answer: Answer,
) -> None:
    record(kiosk)
    with faults.FaultProxy(portal.url, on_ratings(answer)) as proxy:
        sync = worker(kiosk, proxy.url)
        assert sync.run_once().ratings_sent == 0
        assert state(kiosk).state == "PENDING"
        kiosk.clock.advance(hours=1)
        assert sync.run_once().ratings_sent == 1
    assert len(held(portal, kiosk)) == 1


@pytest.mark.parametrize(("status", "body", "code"), [
    (422, b'{"error": "invalid", "message": "sai", "details": [{"field": "MucDo", '
          b'"message": "x"}]}', "invalid"),
    (409, b'{"error": "idempotency_conflict", "message": "trung"}', "idempotency_conflict"),
])
def test_a_refusal_for_good_is_failed_with_the_reason_and_not_sent_again(
    kiosk: Kiosk, portal: PortalSimulator, status: int, body: bytes, code: str,
) -> None:
    record(kiosk)
    with faults.FaultProxy(portal.url, on_ratings(Answer(status, body), times=5)) as proxy:
        sync = worker(kiosk, proxy.url)
        report = sync.run_once()
        kiosk.clock.advance(hours=1)
        sync.run_once()
        assert proxy.seen.get("odd_answer") == 1
    assert report.ratings_failed == 1
    assert state(kiosk).state == "FAILED"
    assert state(kiosk).last_error_code == code


def test_a_server_error_is_retried_later_with_backoff(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    record(kiosk)
    with faults.FaultProxy(portal.url, on_ratings(faults.Status(500))) as proxy:
        sync = worker(kiosk, proxy.url)
        report = sync.run_once()
        assert (report.ratings_retried, state(kiosk).attempts) == (1, 1)
        assert sync.run_once().ratings_sent == 0  # not due yet: nothing went out
        assert proxy.seen["status_500"] == 1
        kiosk.clock.advance(minutes=20)
        assert sync.run_once().ratings_sent == 1
    assert len(held(portal, kiosk)) == 1


def test_ratings_go_after_the_dossiers_and_each_counts_once(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    kiosk.seal_births(2)
    for i in range(3):
        record(kiosk, key=f"key-{i}", level=5, reasons=(), comment=None)
    order: list[str] = []

    def plan(method: str, path: str) -> faults.Fault:
        if method == "POST":
            order.append(path.split("?")[0])
        return faults.Fault()

    with faults.FaultProxy(portal.url, plan) as proxy:
        report = worker(kiosk, proxy.url).run_once()
    assert (report.sent, report.ratings_sent) == (2, 3)
    posts = [p for p in order if p in ("/api/v1/dossiers", "/api/v1/ratings")]
    assert posts == ["/api/v1/dossiers"] * 2 + ["/api/v1/ratings"] * 3
    assert sorted(r["MucDo"] for r in held(portal, kiosk)) == [5, 5, 5]


def test_a_worker_without_ratings_sends_none(kiosk: Kiosk, portal: PortalSimulator) -> None:
    record(kiosk)
    report = kiosk.sync_worker(kiosk_client(kiosk, portal.url)).run_once()
    assert report.ratings_sent == 0
    assert held(portal, kiosk) == []



def test_a_portal_wide_wait_ends_the_pass_without_counting_an_attempt(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    record(kiosk, key="first")
    record(kiosk, key="second")
    busy = faults.Status(503, retry_after="120")
    with faults.FaultProxy(portal.url, on_ratings(busy, times=5)) as proxy:
        report = worker(kiosk, proxy.url).run_once()
        assert proxy.seen["status_503"] == 1  # the second rating was not tried
    assert report.paused_code == "http_503" and report.ratings_sent == 0
    assert state(kiosk, "first").attempts == 0
    assert held(portal, kiosk) == []
