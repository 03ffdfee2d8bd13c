"""The sync worker against the real portal simulator on 127.0.0.1 (ephemeral ports).

"Exactly once" is checked on the portal's side: its own count of dossiers
accepted as new, against the number the kiosk sealed.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import requests

from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.states import DossierState
from kiosk.sync.client import PortalClient
from kiosk.sync.worker import SyncWorker
from tests.support.kiosk import Kiosk
from tests.sync import faults
from tests.sync.conftest import CLIENT_ID, CLIENT_SECRET, kiosk_client


def worker_for(kiosk: Kiosk, url: str, timeout: float = 5.0, secret: str = CLIENT_SECRET
               ) -> tuple[SyncWorker, PortalClient]:
    client = kiosk_client(kiosk, url, timeout, secret)
    return kiosk.sync_worker(client, jitter=lambda: 0.5), client


def stats(portal: PortalSimulator) -> dict[str, Any]:
    response = requests.get(portal.url + "/_sim/stats", timeout=10)
    response.raise_for_status()
    return dict(response.json())


def states(kiosk: Kiosk) -> dict[DossierState, int]:
    return {s: n for s, n in kiosk.queue.counts().items() if n}


def drain(kiosk: Kiosk, worker: SyncWorker, rounds: int = 200) -> int:
    """Run passes, letting the fake clock move past every backoff, until nothing is left."""
    for used in range(1, rounds + 1):
        worker.run_once()
        counts = kiosk.queue.counts()
        if counts[DossierState.PENDING] == counts[DossierState.SENDING] == 0:
            return used
        kiosk.clock.advance(hours=1)
    raise AssertionError(f"queue not drained after {rounds} passes: {states(kiosk)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_fifty_dossiers_sealed_offline_are_delivered_exactly_once(
    kiosk: Kiosk, tmp_path: Path
) -> None:
    port = free_port()
    worker, client = worker_for(kiosk, f"http://127.0.0.1:{port}", timeout=2)
    sealed = kiosk.seal_births(50)
    report = worker.run_once()  # the portal is down: the pass ends at once, nothing is lost
    assert (report.sent, report.retried, report.paused_code) == (0, 1, "connection")
    assert states(kiosk) == {DossierState.PENDING: 50}
    assert all(d.attempts == 0 for d in kiosk.queue.recent())  # the network's fault, not theirs
    assert [d.last_error_code for d in kiosk.queue.recent()].count("connection") == 1
    with PortalSimulator(tmp_path / "portal.sqlite3", port=port, clock=kiosk.clock) as sim:
        drain(kiosk, worker)
        counters = stats(sim)
    client.close()
    assert states(kiosk) == {DossierState.SENT: 50}
    assert counters["dossiers_new"] == 50 and counters["dossiers"] == 50
    for dossier in sealed:
        assert kiosk.queue.find(dossier.code).dossier.official_code == dossier.code


def test_every_kind_of_network_and_portal_fault_still_delivers_each_dossier_once(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    plan = faults.random_plan(seed=7, rate=0.6, faults=[
        faults.Status(500), faults.Status(503, retry_after="120"), faults.Status(429),
        faults.Status(502), faults.Status(408), faults.Html200(), faults.Drop(),
        faults.Stall(1.0), faults.ForwardThenDrop(), faults.ForwardThenTruncate(),
        faults.ExpireTokens(),
    ])
    kiosk.seal_births(20)
    with faults.FaultProxy(portal.url, plan) as proxy:
        worker, client = worker_for(kiosk, proxy.url, timeout=0.5)
        drain(kiosk, worker)
        client.close()
    counters = stats(portal)
    assert states(kiosk) == {DossierState.SENT: 20}
    assert counters["dossiers_new"] == 20
    assert counters["dossiers_replayed"] >= 1  # forward-then-drop really happened
    assert {"status_503", "html_200", "forward_then_drop", "stall"} <= set(proxy.seen)


def test_a_dossier_the_portal_rejects_ends_failed_with_its_reason_and_others_go_on(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    bad, good = kiosk.seal_births(2)
    payload = kiosk.queue.find(bad.code).payload
    conflicting = payload | {"TaiLieuNop": [], "TrichYeuHoSo": "Một hồ sơ khác"}
    key = _idempotency_key(kiosk, bad.code)
    _post_directly(portal, conflicting, key)  # someone else already used this key
    worker, client = worker_for(kiosk, portal.url)
    report = worker.run_once()
    client.close()
    failed = kiosk.queue.find(bad.code).dossier
    assert failed.state is DossierState.FAILED
    assert failed.last_error_code == "idempotency_conflict"
    assert failed.last_error_message and "từ chối" in failed.last_error_message
    assert kiosk.queue.find(good.code).dossier.state is DossierState.SENT
    assert (report.sent, report.failed) == (1, 1)


def test_an_invalid_dossier_fails_permanently_with_the_portals_details(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    from dataclasses import replace

    from kiosk.domain.draft import Delivery
    from tests.support.kiosk import birth_draft

    draft = replace(birth_draft(kiosk.catalogue, kiosk.clock()), delivery=Delivery.BY_POST)
    dossier = kiosk.submitter.seal(draft)  # bypasses the kiosk's own check on purpose
    worker, client = worker_for(kiosk, portal.url)
    worker.run_once()
    client.close()
    failed = kiosk.queue.find(dossier.code).dossier
    assert failed.state is DossierState.FAILED
    assert failed.last_error_code == "invalid"
    assert "DiaChiNhanKetQua" in (failed.last_error_message or "")


def test_refused_credentials_pause_the_batch_without_counting_attempts(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    kiosk.seal_births(3)
    worker, client = worker_for(kiosk, portal.url, secret="wrong")
    report = worker.run_once()
    client.close()
    assert report.paused_reason and "tài khoản" in report.paused_reason
    assert report.sent == 0
    assert states(kiosk) == {DossierState.PENDING: 3}
    assert all(d.attempts == 0 for d in kiosk.queue.recent())
    assert stats(portal)["dossiers"] == 0


def test_a_recovered_kiosk_resends_an_interrupted_dossier_as_a_replay(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    (dossier,) = kiosk.seal_births(1)
    with faults.FaultProxy(portal.url, lambda m, p: (
            faults.ForwardThenDrop() if p.startswith("/api/v1/dossiers") and m == "POST"
            else faults.Fault())) as proxy:
        worker, client = worker_for(kiosk, proxy.url)
        with worker.leased():  # given up at the end, as a worker that stops does
            worker.acquire()
            worker.send_due()
        client.close()
    assert kiosk.queue.find(dossier.code).dossier.state is DossierState.PENDING
    worker, client = worker_for(kiosk, portal.url)
    kiosk.clock.advance(hours=1)
    worker.run_once()
    client.close()
    assert kiosk.queue.find(dossier.code).dossier.state is DossierState.SENT
    counters = stats(portal)
    assert (counters["dossiers_new"], counters["dossiers_replayed"]) == (1, 1)


def test_statuses_advance_on_the_portal_and_the_timeline_is_recorded(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    (dossier,) = kiosk.seal_births(1)
    worker, client = worker_for(kiosk, portal.url)
    worker.run_once()
    kiosk.clock.advance(minutes=3)  # three status steps of 60 s on the simulator
    worker.run_once()
    client.close()
    detail = kiosk.queue.find(dossier.code)
    assert detail.dossier.portal_status == 9
    assert [e.status for e in detail.timeline] == [1, 2, 4, 9]
    assert all(e.note for e in detail.timeline)


def test_a_code_the_portal_rekeys_is_found_by_either_code(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    (dossier,) = kiosk.seal_births(1)
    payload = kiosk.queue.find(dossier.code).payload
    _post_directly(portal, payload | {"TaiLieuNop": []}, "someone-elses-key")
    worker, client = worker_for(kiosk, portal.url)
    worker.run_once()
    client.close()
    sent = kiosk.queue.find(dossier.code).dossier
    assert sent.state is DossierState.SENT
    assert sent.official_code and sent.official_code != dossier.code
    assert kiosk.queue.find(sent.official_code).dossier.code == dossier.code


def _idempotency_key(kiosk: Kiosk, code: str) -> str:
    from sqlalchemy import select

    from kiosk.store.models import DossierRow

    with kiosk.db.read() as session:
        return str(session.scalars(select(DossierRow.idempotency_key).where(
            DossierRow.code == code)).one())


def _post_directly(portal: PortalSimulator, body: dict[str, Any], key: str) -> None:
    token = requests.post(portal.url + "/api/v1/token", json={
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, timeout=10).json()
    requests.post(portal.url + "/api/v1/dossiers", timeout=10,
                  data=json.dumps(body, ensure_ascii=False).encode(),
                  headers={"Authorization": f"Bearer {token['access_token']}",
                           "Idempotency-Key": key, "Content-Type": "application/json"})
