"""systemd's watchdog is fed while the sync loop moves, not merely while its thread exists.

A real worker on a real queue runs in a thread; ``kiosk sync``'s own heartbeat
(``sync_heartbeat``) pings a unix datagram socket bound by the test, as systemd's
would be.  The step bound is shrunk to a second (``STEP``), so a
stuck pass shows in a moment while a healthy one — resting between passes, paused
by a Retry-After, on standby, waiting for a slow portal within its deadline —
must keep pinging for many times that bound.  Time figures here only bound the
waits; nothing asserts on how long anything took.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.states import DossierState
from kiosk.store.syncstate import LeaseOwner, SyncLease
from kiosk.sync.client import PortalClient
from kiosk.sync.command import COMMAND_MESSAGES, portal_client, sync_heartbeat, with_demo_portal
from kiosk.sync.progress import STEPS, Progress
from kiosk.sync.worker import SyncWorker
from kiosk.systemd_notify import WATCHDOG, Notifier
from tests.support.kiosk import Kiosk
from tests.support.notify import notify_listener
from tests.sync.conftest import kiosk_client
from tests.sync.hostile import Reply, ScriptedPortal, Seen, token_reply

STEP = 1.0  # the bound of a local step here (60 s in ``kiosk sync``): slack for a busy CI
PINGS_PAST_THE_BOUND = 3 * int(STEP / 0.1)  # a ping every 0.1 s: three bounds' worth
WAIT_SECONDS = 30.0  # how long a test waits for what it expects, at most
STUCK = "STATUS=" + COMMAND_MESSAGES["stuck"].split("«")[0]


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    with notify_listener(tmp_path, 0.2) as bound:
        yield bound


def heard(sock: socket.socket, enough: Callable[[list[str]], bool],
          within: float = WAIT_SECONDS) -> list[str]:
    """The lines received until ``enough`` of them came, or ``within`` s (a bound, no figure)."""
    lines: list[str] = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and not enough(lines):
        with contextlib.suppress(TimeoutError):
            lines += sock.recv(4096).decode().splitlines()
    return lines


def pings(count: int) -> Callable[[list[str]], bool]:
    return lambda lines: lines.count(WATCHDOG) >= count or any(STUCK in x for x in lines)


@contextmanager
def watched(worker: SyncWorker, notify_path: str, idle: float) -> Iterator[threading.Thread]:
    """The worker's loop in a thread, with ``kiosk sync``'s heartbeat pinging every 0.1 s."""
    thread = threading.Thread(target=worker.run_forever, args=(idle,), name="sync",
                              daemon=True)
    notifier = Notifier({"NOTIFY_SOCKET": notify_path, "WATCHDOG_USEC": "200000"})
    heartbeat = sync_heartbeat(worker.progress, thread, notifier)
    thread.start()
    heartbeat.start()
    try:
        yield thread
    finally:
        worker.stop()
        thread.join(timeout=WAIT_SECONDS)
        heartbeat.stop()


def wired(kiosk: Kiosk, url: str, timeout: float = 5.0) -> tuple[PortalClient, Progress]:
    """A client built as ``kiosk sync`` builds it, its requests touching the progress."""
    progress = Progress(step_seconds=STEP)
    runtime = with_demo_portal(kiosk.runtime, url)
    portal = replace(runtime.config.portal, timeout_seconds=timeout)
    runtime = replace(runtime, config=replace(runtime.config, portal=portal))
    return portal_client(runtime, progress), progress


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_SECONDS:.0f} s: {what}")
        time.sleep(0.02)


def stall_attachments(kiosk: Kiosk) -> list[Path]:
    """Each stored file replaced by a named pipe nobody writes: reading it never returns,
    as a read from a failing card or a hung mount does, and no portal deadline covers it."""
    stalled = [p for p in kiosk.queue.files.root.rglob("*") if p.is_file()]
    for path in stalled:
        path.unlink()
        os.mkfifo(path)
    return stalled


def release(fifos: list[Path]) -> None:
    """The stuck reads end (at once, with nothing read: a damaged file, refused)."""
    for path in fifos:
        with contextlib.suppress(OSError):  # ENXIO: nobody is reading this one
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


# --- the rule itself ---------------------------------------------------------------------


def test_progress_is_overdue_only_past_its_step_bound_plus_what_the_step_allows() -> None:
    now = [100.0]
    progress = Progress(step_seconds=60, clock=lambda: now[0])
    now[0] += 59
    assert progress.overdue() <= 0
    now[0] += 2
    assert progress.overdue() > 0
    progress.touch("portal", allow=200)  # a request whose deadline is 200 s
    now[0] += 259
    assert progress.overdue() <= 0 and progress.where == "portal"
    now[0] += 2
    assert progress.overdue() > 0


def test_every_step_the_worker_touches_has_vietnamese_words() -> None:
    assert set(STEPS) >= {"start", "pass", "wait", "housekeeping", "dossiers", "ratings",
                          "status", "catalogue", "dossier", "attachment", "portal"}


# --- a stuck pass --------------------------------------------------------------------------


@pytest.mark.logs_errors
def test_the_pings_stop_when_a_pass_sticks_in_a_read_that_no_deadline_covers(
    kiosk: Kiosk, portal: PortalSimulator, listener: tuple[socket.socket, str],
) -> None:
    sock, path = listener
    kiosk.seal_births(1)
    fifos = stall_attachments(kiosk)
    client = kiosk_client(kiosk, portal.url)
    worker = kiosk.sync_worker(client, progress=Progress(step_seconds=STEP))
    try:
        with watched(worker, path, idle=0.05) as thread:
            lines = heard(sock, lambda lines: any(STUCK in x for x in lines))
            after = heard(sock, lambda _: False, within=PINGS_PAST_THE_BOUND * 0.1)
            assert thread.is_alive()  # the thread lives on: only its progress tells
            release(fifos)
    finally:
        release(fifos)
        client.close()
    stuck = [x for x in lines if STUCK in x]
    assert stuck == ["STATUS=" + COMMAND_MESSAGES["stuck"].format(step=STEPS["attachment"])]
    assert WATCHDOG in lines  # it pinged while the pass moved
    assert lines[-1] == stuck[0] and WATCHDOG not in after  # then never again


# --- healthy passes that take long ---------------------------------------------------------


def test_the_wait_between_passes_does_not_stop_the_pings(
    kiosk: Kiosk, portal: PortalSimulator, listener: tuple[socket.socket, str],
) -> None:
    sock, path = listener
    client = kiosk_client(kiosk, portal.url)
    worker = kiosk.sync_worker(client, progress=Progress(step_seconds=STEP))
    try:
        with watched(worker, path, idle=3600.0):
            wait_until(lambda: worker.progress.where == "wait", "the first pass over")
            lines = heard(sock, pings(PINGS_PAST_THE_BOUND))
            assert worker.progress.where == "wait"  # still between the first two passes
    finally:
        client.close()
    assert not any(STUCK in x for x in lines)
    assert lines.count(WATCHDOG) >= PINGS_PAST_THE_BOUND


def test_an_hour_long_retry_after_does_not_stop_the_pings(
    kiosk: Kiosk, listener: tuple[socket.socket, str],
) -> None:
    sock, path = listener
    kiosk.seal_births(1)

    def busy_portal(seen: Seen) -> Reply:
        if seen.path == "/api/v1/token":
            return token_reply("t1")
        return Reply(503, {"error": "busy"}, headers={"Retry-After": "3600"})

    with ScriptedPortal(busy_portal) as server:
        client, progress = wired(kiosk, server.url)
        worker = kiosk.sync_worker(client, progress=progress)
        try:
            with watched(worker, path, idle=0.05):
                wait_until(lambda: worker.progress.where == "wait" and server.count(
                    "/api/v1/files") + server.count("/api/v1/dossiers") == 1,
                    "the portal asked for an hour's pause")
                lines = heard(sock, pings(PINGS_PAST_THE_BOUND))
                assert client.pause_remaining() > 3000
        finally:
            client.close()
    assert not any(STUCK in x for x in lines)
    assert lines.count(WATCHDOG) >= PINGS_PAST_THE_BOUND


def test_standing_by_while_another_process_holds_the_lease_does_not_stop_the_pings(
    kiosk: Kiosk, portal: PortalSimulator, listener: tuple[socket.socket, str],
) -> None:
    sock, path = listener
    other = SyncLease(kiosk.db, LeaseOwner.of_this_process("kiosk-ui"))
    assert other.acquire()
    client = kiosk_client(kiosk, portal.url)
    worker = kiosk.sync_worker(client, progress=Progress(step_seconds=STEP))
    try:
        with watched(worker, path, idle=0.05):
            wait_until(lambda: worker.last_report.standby is not None, "standing by")
            lines = heard(sock, pings(PINGS_PAST_THE_BOUND))
            assert worker.last_report.standby is not None  # still, and nothing sent
    finally:
        client.close()
        other.release()
    assert not any(STUCK in x for x in lines)
    assert lines.count(WATCHDOG) >= PINGS_PAST_THE_BOUND


def test_a_slow_answer_within_the_request_deadline_is_not_taken_for_a_hang(
    kiosk: Kiosk, listener: tuple[socket.socket, str],
) -> None:
    sock, path = listener
    kiosk.seal_births(1)
    answered = {"n": 0}

    def slow_portal(seen: Seen) -> Reply:
        if seen.path == "/api/v1/token":
            return token_reply("t1")
        answered["n"] += 1
        slow = answered["n"] == 1  # the first call takes three step bounds, well in its deadline
        return Reply(503, {"error": "busy"}, delay=3 * STEP if slow else 0.0)

    with ScriptedPortal(slow_portal) as server:
        client, progress = wired(kiosk, server.url, timeout=WAIT_SECONDS)
        worker = kiosk.sync_worker(client, progress=progress)
        try:
            with watched(worker, path, idle=0.05):
                lines = heard(sock, lambda lines: answered["n"] >= 2 or any(
                    STUCK in x for x in lines))
                lines += heard(sock, pings(3))
        finally:
            client.close()
    assert not any(STUCK in x for x in lines)
    assert answered["n"] >= 2 and lines.count(WATCHDOG) >= 3
    assert kiosk.queue.counts()[DossierState.SENT] == 0  # the portal was busy, not stuck
