"""The portal client respects the portal as a whole: deadlines, pauses, stop (issue 9).

Real servers on 127.0.0.1 (``hostile``, the simulator); no mocks.  Time
bounds are generous multiples of the configured deadline, never tight
figures; the pauses run on an injected clock that the tests step.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
from kiosk.sync.client import MESSAGES, MIN_UPLOAD_BYTES_PER_SECOND, PortalClient
from kiosk.sync.policy import (
    AUTH_PAUSE_MAX_SECONDS,
    MAX_RETRY_AFTER_SECONDS,
    Outcome,
    OutcomeKind,
    retry_after_seconds,
)
from tests.sync.hostile import (
    TOKEN_PATH,
    Blackhole,
    DripServer,
    Reply,
    ScriptedPortal,
    Seen,
    self_signed,
    token_reply,
)

CLIENT_ID, SECRET = next(iter(DEMO_CREDENTIALS.items()))
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
WATCHDOG = "portal-watchdog"


class Tick:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def tick() -> Tick:
    return Tick()


@contextmanager
def portal_client(url: str, timeout: float = 5.0, clock: Tick | None = None,
                  secret: str = SECRET) -> Iterator[PortalClient]:
    client = PortalClient(url, CLIENT_ID, secret, timeout=timeout,
                          clock=clock or time.monotonic, jitter=lambda: 0.0)
    try:
        yield client
    finally:
        client.close()


def answering(**replies: Reply) -> Any:
    """A script: tokens t1, t2, …; a path whose first segment after /api/v1/ is a key of
    ``replies`` gets that reply; anything else a 200 that satisfies every call."""
    tokens = iter(f"t{i}" for i in range(1, 10_000))

    def script(seen: Seen) -> Reply:
        if seen.path == TOKEN_PATH:
            return token_reply(next(tokens))
        segment = seen.path.removeprefix("/api/v1/").split("?")[0].split("/")[0]
        return replies.get(segment, everything_ok())

    return script


def everything_ok() -> Reply:
    return Reply(200, {"MaHoSo": "X", "TrangThaiHoSo": 1, "IdTepTin": "f",
                       "HashTepTin": "ab" * 32,
                       "now": "20261124093000", "items": [], "status": "ok"})


def every_kind_of_call(client: PortalClient) -> dict[str, Outcome]:
    return {
        "file": client.upload_file(PDF, "ab" * 32, "a.pdf", "application/pdf"),
        "dossier": client.submit_dossier(b"{}", "key-1"),
        "status": client.dossier_status("000.00.00.H23-261124-1001"),
        "changes": client.changes_since("KIOSK-01", "20261124000000"),
        "catalogue": client.procedures_since("20261124000000"),
    }


def assert_paused(outcome: Outcome, at_most: float) -> None:
    assert (outcome.kind, outcome.code, outcome.portal_wide) == (
        OutcomeKind.TRANSIENT, "paused", True)
    assert outcome.retry_after is not None and 0 < outcome.retry_after <= at_most
    assert "tạm ngừng" in outcome.message


# --- one overall deadline ------------------------------------------------------------------


def test_a_body_dripped_one_byte_at_a_time_is_cut_at_the_deadline_as_a_timeout() -> None:
    with DripServer(interval=0.2, length=100_000) as server, \
            portal_client(server.url, timeout=1.0) as client:
        started = time.monotonic()
        outcome = client.dossier_status("X")  # the token's connection, reused, drips
        elapsed = time.monotonic() - started
    assert (outcome.kind, outcome.code) == (OutcomeKind.TRANSIENT, "timeout")
    assert outcome.message == MESSAGES["timeout"]
    assert elapsed < 30  # the drip alone would take 100_000 × 0.2 s ≈ 5.5 hours


def test_a_server_that_drips_its_status_line_is_cut_at_the_deadline_too() -> None:
    with DripServer(drip_headers=True, interval=0.2) as server, \
            portal_client(server.url, timeout=1.0) as client:
        started = time.monotonic()
        outcome = client.submit_dossier(b'{"MaHoSo": "X"}', "key-1")
        elapsed = time.monotonic() - started
    assert (outcome.kind, outcome.code) == (OutcomeKind.TRANSIENT, "timeout")
    assert elapsed < 30  # each byte comes well inside the per-read timeout: only a total cuts


def test_the_deadline_grows_with_the_upload_so_a_slow_uplink_is_not_cut() -> None:
    slow = Reply(201, {"IdTepTin": "f1", "HashTepTin": "ab" * 32}, read_pause=0.1)
    with ScriptedPortal(answering(files=slow)) as server, \
            portal_client(server.url, timeout=0.5) as client:
        big = client.upload_file(PDF + b"%" * (1024 * 1024), "ab" * 32, "a.pdf",
                                 "application/pdf")  # 17 chunks × 0.1 s, beyond 0.5 s
    assert big.kind is OutcomeKind.ACCEPTED


def test_the_same_wait_on_a_small_upload_is_a_timeout() -> None:
    late = Reply(201, {"IdTepTin": "f1", "HashTepTin": "ab" * 32}, delay=2.0)
    with ScriptedPortal(answering(files=late)) as server, \
            portal_client(server.url, timeout=0.5) as client:
        small = client.upload_file(PDF, "ab" * 32, "a.pdf", "application/pdf")
    assert small.code == "timeout"


def test_each_request_tells_on_request_its_deadline_before_it_goes_out() -> None:
    """What the sync loop's progress hears (``kiosk.sync.progress``): a long upload has a
    long deadline, so the watchdog of ``kiosk sync`` does not take it for a hang."""
    told: list[tuple[float, int]] = []
    with ScriptedPortal(answering()) as server:
        client = PortalClient(server.url, CLIENT_ID, SECRET, timeout=5.0,
                              on_request=lambda seconds: told.append((seconds, len(server.seen))))
        try:
            data = PDF + b"%" * (1024 * 1024)
            client.upload_file(data, "ab" * 32, "a.pdf", "application/pdf")
            client.dossier_status("X")
        finally:
            client.close()
    assert [seconds for seconds, _ in told] == [
        5.0, 5.0 + len(data) / MIN_UPLOAD_BYTES_PER_SECOND, 5.0]  # token, upload, status
    assert [seen for _, seen in told] == [0, 1, 2]  # each heard before it reached the portal


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A server context for https://127.0.0.1, its certificate trusted by requests."""
    made = self_signed(tmp_path)
    if made is None:
        pytest.skip("openssl is not installed")
    context, cert = made
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    return context


def test_over_https_a_dripped_body_is_cut_at_the_deadline_too(tls: Any) -> None:
    with DripServer(interval=0.2, tls=tls) as server, \
            portal_client(server.url, timeout=1.0) as client:
        started = time.monotonic()
        outcome = client.dossier_status("X")
        elapsed = time.monotonic() - started
    assert server.requests == 2  # the TLS connection worked: token, then the dripped call
    assert outcome.code == "timeout" and elapsed < 30


def test_abort_cuts_a_tls_handshake_that_never_comes(tls: Any) -> None:
    with DripServer(tls=tls, mute=True) as server, \
            portal_client(server.url, timeout=60) as client:
        thread, result = run_in_thread(lambda: client.dossier_status("X"))
        time.sleep(0.3)  # inside the handshake, which would wait a full minute
        client.abort()
        thread.join(timeout=3)
        assert not thread.is_alive()
    assert result[0].code == "stopped"


# --- Retry-After and runs of failures pause the whole client ---------------------------------


def test_a_503_with_retry_after_pauses_every_kind_of_call_without_touching_the_network(
    tick: Tick,
) -> None:
    busy = Reply(503, {"error": "busy"}, headers={"Retry-After": "30"})
    with ScriptedPortal(answering(dossiers=busy)) as server, \
            portal_client(server.url, clock=tick) as client:
        first = client.dossier_status("X")
        sent = len(server.seen)
        tick.advance(5)
        later = every_kind_of_call(client)
        healthy = client.health()
        assert len(server.seen) == sent  # nothing at all went out during the pause
        assert client.pause_remaining() == pytest.approx(25)
        tick.advance(26)
        after = client.procedures_since("20261124000000")
        assert client.pause_remaining() == 0
    assert (first.code, first.retry_after, first.portal_wide) == ("http_503", 30, True)
    for outcome in later.values():
        assert_paused(outcome, at_most=25)
    assert "quá tải" in later["file"].message  # the reason travels with the pause
    assert healthy is False
    assert after.kind is OutcomeKind.ACCEPTED and len(server.seen) == sent + 1


def test_a_retry_after_given_as_an_http_date_pauses_until_that_moment(tick: Tick) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(minutes=2), usegmt=True)
    busy = Reply(429, {"error": "slow_down"}, headers={"Retry-After": when})
    with ScriptedPortal(answering(procedures=busy)) as server, \
            portal_client(server.url, clock=tick) as client:
        client.procedures_since("20261124000000")
        remaining = client.pause_remaining()
    assert 100 < remaining <= 120


def test_three_server_errors_in_a_row_pause_the_client_and_the_pause_grows(tick: Tick) -> None:
    broken = Reply(500, {"error": "boom"})
    with ScriptedPortal(answering(dossiers=broken)) as server, \
            portal_client(server.url, clock=tick) as client:
        first, second, third = (client.dossier_status("X") for _ in range(3))
        paused = client.changes_since("KIOSK-01", "20261124000000")
        tick.advance(client.pause_remaining())
        fourth = client.dossier_status("X")
        tick.advance(client.pause_remaining())
        server_requests = len(server.seen)
    assert [o.code for o in (first, second, third)] == ["http_500"] * 3
    assert (first.portal_wide, second.portal_wide, third.portal_wide) == (False, False, True)
    assert third.retry_after is not None and third.retry_after > 0
    assert_paused(paused, at_most=third.retry_after)
    assert fourth.retry_after is not None and fourth.retry_after > third.retry_after
    assert server_requests == 1 + 4  # one token, four errors; the paused call sent nothing


def test_a_good_answer_ends_the_run_of_failures(tick: Tick) -> None:
    answers = iter([500, 500, 200, 500, 500])

    def script(seen: Seen) -> Reply:
        if seen.path == TOKEN_PATH:
            return token_reply("t1")
        status = next(answers)
        return everything_ok() if status == 200 else Reply(status, {"error": "boom"})

    with ScriptedPortal(script) as server, portal_client(server.url, clock=tick) as client:
        outcomes = [client.dossier_status("X") for _ in range(5)]
        assert client.pause_remaining() == 0
    assert [o.portal_wide for o in outcomes] == [False] * 5


def test_timeouts_count_in_the_run_of_failures() -> None:
    with DripServer(interval=0.2) as server, portal_client(server.url, timeout=0.5) as client:
        outcomes = [client.dossier_status("X") for _ in range(4)]
    assert [o.code for o in outcomes] == ["timeout", "timeout", "timeout", "paused"]
    assert outcomes[2].portal_wide and server.requests == 1 + 3


# --- credentials ----------------------------------------------------------------------------


def test_a_401_right_after_a_fresh_token_forgets_it_pauses_and_then_gets_a_new_one(
    tick: Tick,
) -> None:
    def script(seen: Seen) -> Reply:
        if seen.path == TOKEN_PATH:
            return token_reply(f"t{server.count(TOKEN_PATH)}")
        if seen.token == "t1":  # revoked the moment it was issued
            return Reply(401, {"error": "unauthorized"})
        return everything_ok()

    with ScriptedPortal(script) as server, portal_client(server.url, clock=tick) as client:
        refused = client.dossier_status("X")
        during = client.dossier_status("X")
        calls_during_pause = len(server.seen)
        assert refused.retry_after is not None and 10 <= refused.retry_after <= 30
        tick.advance(refused.retry_after)
        after = client.dossier_status("X")
    assert (refused.kind, refused.code, refused.portal_wide) == (
        OutcomeKind.AUTH, "token_rejected", True)
    assert_paused(during, at_most=30)
    assert calls_during_pause == 2  # the token and the one refused call; no retry with it
    assert after.kind is OutcomeKind.ACCEPTED
    assert [(s.path, s.token) for s in server.seen] == [
        (TOKEN_PATH, None), ("/api/v1/dossiers/X", "t1"),
        (TOKEN_PATH, None), ("/api/v1/dossiers/X", "t2")]


def test_refusals_of_fresh_tokens_back_off_longer_each_time_up_to_five_minutes(
    tick: Tick,
) -> None:
    def script(seen: Seen) -> Reply:
        return token_reply("t") if seen.path == TOKEN_PATH else Reply(401, {"error": "x"})

    with ScriptedPortal(script) as server, portal_client(server.url, clock=tick) as client:
        pauses = []
        for _ in range(8):
            outcome = client.dossier_status("X")
            assert outcome.kind is OutcomeKind.AUTH and outcome.retry_after is not None
            pauses.append(outcome.retry_after)
            tick.advance(outcome.retry_after)
    assert pauses == sorted(pauses) and pauses[0] <= 30
    assert pauses[-1] == AUTH_PAUSE_MAX_SECONDS / 2  # jitter 0: half the 5-minute cap


def test_a_token_that_expired_early_is_replaced_at_once_without_a_pause(tmp_path: Path) -> None:
    with PortalSimulator(tmp_path / "portal.sqlite3") as portal, \
            portal_client(portal.url) as client:
        first = client.procedures_since("20261124000000")
        requests.post(portal.url + "/_sim/revoke-tokens", timeout=10).raise_for_status()
        second = client.procedures_since("20261124000000")
        remaining = client.pause_remaining()
    assert first.kind is second.kind is OutcomeKind.ACCEPTED
    assert remaining == 0


def test_refused_credentials_are_auth_with_a_pause_and_nothing_else_goes_out(
    tick: Tick,
) -> None:
    def script(seen: Seen) -> Reply:
        return Reply(401, {"error": "invalid_client"})

    with ScriptedPortal(script) as server, \
            portal_client(server.url, clock=tick, secret="wrong") as client:
        refused = client.submit_dossier(b"{}", "key-1")
        during = client.submit_dossier(b"{}", "key-1")
        sent = list(server.seen)
        tick.advance(refused.retry_after or 0)
        again = client.submit_dossier(b"{}", "key-1")
    assert (refused.kind, refused.code, refused.portal_wide) == (
        OutcomeKind.AUTH, "unauthorized", True)
    assert "tài khoản" in refused.message
    assert_paused(during, at_most=30)
    assert [s.path for s in sent] == [TOKEN_PATH]
    assert again.kind is OutcomeKind.AUTH and again.retry_after is not None
    assert again.retry_after > (refused.retry_after or 0)


# --- connection failures ------------------------------------------------------------------


def test_a_refused_connection_returns_at_once_and_pauses_the_client(tick: Tick) -> None:
    with Blackhole() as hole:
        url = hole.url
    with portal_client(url, clock=tick) as client:  # nothing listens there any more
        refused = client.dossier_status("X")
        later = every_kind_of_call(client)
        remaining = client.pause_remaining()
    assert (refused.kind, refused.code, refused.portal_wide) == (
        OutcomeKind.TRANSIENT, "connection", True)
    assert refused.retry_after is not None and 0 < refused.retry_after <= 10
    assert all(o.code == "paused" for o in later.values())
    assert remaining == refused.retry_after


def test_a_connect_that_hangs_is_a_connection_failure_not_a_slow_portal(tick: Tick) -> None:
    with Blackhole() as hole, portal_client(hole.url, timeout=1.0, clock=tick) as client:
        outcome = client.changes_since("KIOSK-01", "20261124000000")
    assert (outcome.code, outcome.portal_wide) == ("connection", True)


# --- stop -------------------------------------------------------------------------------------


def run_in_thread(call: Any) -> tuple[threading.Thread, list[Outcome]]:
    result: list[Outcome] = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    return thread, result


def test_abort_cuts_a_dripping_request_at_once_and_refuses_later_calls() -> None:
    with DripServer(interval=0.2) as server, portal_client(server.url, timeout=60) as client:
        thread, result = run_in_thread(lambda: client.dossier_status("X"))
        assert server.dripping.wait(10)
        client.abort()
        thread.join(timeout=3)
        assert not thread.is_alive()
        later = client.submit_dossier(b"{}", "key-1")
        requests_seen = server.requests
    assert (result[0].code, result[0].portal_wide) == ("stopped", True)
    assert (later.kind, later.code, later.portal_wide) == (OutcomeKind.TRANSIENT, "stopped", True)
    assert later.message == MESSAGES["stopped"]
    assert requests_seen == 2  # the token and the cut request; nothing after the stop


def test_abort_cuts_a_hanging_connect_too() -> None:
    with Blackhole() as hole, portal_client(hole.url, timeout=60) as client:
        thread, result = run_in_thread(lambda: client.dossier_status("X"))
        time.sleep(0.3)  # inside connect(), which would wait its full 5 s
        client.abort()
        thread.join(timeout=3)
        assert not thread.is_alive()
    assert result[0].code == "stopped"


def test_pause_remaining_is_zero_for_an_open_client(tick: Tick) -> None:
    with ScriptedPortal(answering()) as server, portal_client(server.url, clock=tick) as client:
        assert client.pause_remaining() == 0
        assert client.dossier_status("X").kind is OutcomeKind.ACCEPTED
        assert client.pause_remaining() == 0


# --- nothing left behind --------------------------------------------------------------------


def open_descriptors() -> int:
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


def watchdogs() -> int:
    return sum(1 for t in threading.enumerate() if t.name == WATCHDOG)


def test_one_watchdog_thread_serves_many_requests_and_close_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    gc.collect()  # what earlier tests left for the collector is not counted as ours
    before_threads, before_fds = watchdogs(), open_descriptors()
    with PortalSimulator(tmp_path / "portal.sqlite3") as portal, \
            DripServer(interval=0.2) as drip:
        client = PortalClient(portal.url, CLIENT_ID, SECRET, timeout=5)
        cut = PortalClient(drip.url, CLIENT_ID, SECRET, timeout=0.3)
        for _ in range(100):
            assert client.procedures_since("20261124000000").kind is OutcomeKind.ACCEPTED
        assert cut.dossier_status("X").code == "timeout"
        assert watchdogs() == before_threads + 2  # one per client, not one per request
        client.close()
        cut.close()
    assert watchdogs() == before_threads
    assert open_descriptors() == before_fds


def test_close_after_abort_and_twice_is_harmless_and_later_calls_say_stopped() -> None:
    before = watchdogs()
    client = PortalClient("http://127.0.0.1:9", CLIENT_ID, SECRET)
    client.abort()
    client.close()
    client.close()
    assert client.dossier_status("X").code == "stopped"
    assert client.health() is False
    assert watchdogs() == before


# --- hostile Retry-After values --------------------------------------------------------------

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@settings(max_examples=500, database=None)
@given(st.text())
def test_any_retry_after_text_gives_nothing_or_a_bounded_pause(value: str) -> None:
    seconds = retry_after_seconds(value, NOW)
    assert seconds is None or 0 <= seconds <= MAX_RETRY_AFTER_SECONDS


@settings(max_examples=300, database=None)
@given(st.integers(min_value=0, max_value=10**30), st.integers(min_value=0, max_value=20))
def test_any_count_of_seconds_is_honoured_up_to_the_cap(seconds: int, zeros: int) -> None:
    expected = min(seconds, MAX_RETRY_AFTER_SECONDS)
    assert retry_after_seconds("0" * zeros + str(seconds), NOW) == expected


def test_thousands_of_digits_are_the_cap_not_an_error() -> None:
    assert retry_after_seconds("9" * 5000, NOW) == MAX_RETRY_AFTER_SECONDS
    assert retry_after_seconds("0" * 5000 + "7", NOW) == 7


@pytest.mark.parametrize("value", ["²", "٣", "-5", "1e309", "inf", "nan", "3.5", "0x10", "",
                                   "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 32 Foo 2026 99:99:99",
                                   "Thu, 01 Jan 1970 00:00:00 GMT"])
def test_values_that_are_not_seconds_or_dates_are_ignored_or_bounded(value: str) -> None:
    seconds = retry_after_seconds(value, NOW)
    assert seconds is None or 0 <= seconds <= MAX_RETRY_AFTER_SECONDS
    if value in ("²", "٣", "-5", "1e309", "inf", "nan", "3.5", "0x10", ""):
        assert seconds is None


@pytest.mark.parametrize("value", ["²", "-5", "1e309", "9" * 5000, "garbage",
                                   "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_hostile_retry_after_from_a_real_server_never_raises_and_stays_bounded(
    tick: Tick, value: str
) -> None:
    busy = Reply(503, {"error": "busy"}, headers={"Retry-After": value})
    with ScriptedPortal(answering(dossiers=busy)) as server, \
            portal_client(server.url, clock=tick) as client:
        outcome = client.dossier_status("X")
        remaining = client.pause_remaining()
    assert outcome.code == "http_503"
    assert 0 <= remaining <= MAX_RETRY_AFTER_SECONDS
