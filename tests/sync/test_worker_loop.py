"""The sync loop as a thread lives it: a bug in a pass, a stop mid-request, a portal that
asks everyone to wait — against the real simulator and the fault proxy."""

from __future__ import annotations

import logging
import threading

import pytest

from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.states import DossierState
from kiosk.store.syncstate import SyncHealthLog, lease_holder
from kiosk.sync.client import PortalClient
from kiosk.sync.policy import Outcome
from kiosk.sync.worker import SyncWorker
from tests.support.kiosk import Kiosk
from tests.sync import faults
from tests.sync.conftest import kiosk_client

WAIT_SECONDS = 30.0


class BrokenOnce(PortalClient):
    """A client with a bug that shows once: the first dossier post raises."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.raised = False

    def submit_dossier(self, body: bytes, idempotency_key: str) -> Outcome:
        if not self.raised:
            self.raised = True
            raise RuntimeError("a bug in the client")
        return super().submit_dossier(body, idempotency_key)


def wait_until(condition: object, what: str) -> None:
    done = threading.Event()
    for _ in range(int(WAIT_SECONDS / 0.05)):
        if condition():  # type: ignore[operator]
            return
        done.wait(0.05)
    raise AssertionError(f"not within {WAIT_SECONDS:.0f} s: {what}")


def in_thread(worker: SyncWorker) -> threading.Thread:
    thread = threading.Thread(target=worker.run_forever, args=(0.05,), name="sync", daemon=True)
    thread.start()
    return thread


def sent(kiosk: Kiosk) -> int:
    return kiosk.queue.counts()[DossierState.SENT]


@pytest.mark.logs_errors
def test_a_bug_in_a_pass_is_logged_and_recorded_and_syncing_goes_on(
    kiosk: Kiosk, portal: PortalSimulator, caplog: pytest.LogCaptureFixture,
) -> None:
    kiosk.seal_births(3)
    client = kiosk_client(kiosk, portal.url, cls=BrokenOnce)
    worker = kiosk.sync_worker(client, jitter=lambda: 0.0)
    thread = in_thread(worker)
    try:
        wait_until(lambda: sent(kiosk) == 3, "every dossier sent after the bug")
        wait_until(lambda: SyncHealthLog(kiosk.db).read().failures_in_row == 0,
                   "a good pass recorded after the failed one")
        assert thread.is_alive()
    finally:
        worker.stop()
        thread.join(timeout=10)
        client.close()
    crash = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert crash and "a bug in the client" in str(crash[0].exc_info[1])  # type: ignore[index]
    health = SyncHealthLog(kiosk.db).read()
    assert health.last_failure_code == "crash"
    assert health.last_failure_message and "a bug in the client" in health.last_failure_message
    assert kiosk.queue.counts()[DossierState.SENDING] == 0
    assert all(d.attempts == 0 for d in kiosk.queue.recent())  # a bug is not the dossier's


def test_stop_cuts_a_request_in_flight_short_and_leaves_nothing_sending(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    (dossier,) = kiosk.seal_births(1)
    stall = faults.Stall(60.0)
    with faults.FaultProxy(portal.url, lambda m, p: stall if m == "POST" and
                           p == "/api/v1/dossiers" else faults.Fault()) as proxy:
        client = kiosk_client(kiosk, proxy.url)
        worker = kiosk.sync_worker(client)
        thread = in_thread(worker)
        wait_until(lambda: proxy.seen.get("stall", 0) > 0, "the dossier post in flight")
        worker.stop()
        thread.join(timeout=3)  # the stall would hold it a minute
        stopped = not thread.is_alive()
        client.close()
    assert stopped
    row = kiosk.queue.find(dossier.code).dossier
    assert row.state is DossierState.PENDING and row.attempts == 0
    assert lease_holder(kiosk.db) is None  # given up: another owner may take over at once


def test_a_retry_after_holds_every_call_until_then(
    kiosk: Kiosk, portal: PortalSimulator,
) -> None:
    kiosk.seal_births(3)
    busy = faults.Status(503, retry_after="120")
    with faults.FaultProxy(portal.url, lambda m, p: busy if m == "POST" and
                           p == "/api/v1/dossiers" else faults.Fault()) as proxy:
        client = kiosk_client(kiosk, proxy.url)
        worker = kiosk.sync_worker(client)
        first = worker.run_once()
        calls = sum(proxy.seen.values())
        second = worker.run_once()
        kiosk.clock.advance(seconds=60)
        third = worker.run_once()
        held = sum(proxy.seen.values())
        kiosk.clock.advance(seconds=61)
        worker.run_once()
        after = sum(proxy.seen.values())
        client.close()
    assert first.paused_code == "http_503" and first.retried == 1
    assert (second.sent, third.sent) == (0, 0)
    assert held == calls  # no dossier, file, token or status call went out meanwhile
    assert after > held
    assert all(d.attempts == 0 for d in kiosk.queue.recent())  # the portal's state, not theirs
