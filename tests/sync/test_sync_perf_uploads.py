"""Upload ids are kept only while a dossier still has to go out again.

A dossier the portal took needs no record of its file ids, which saves the
worker two commits a send; one that goes back to the queue keeps them, so its
next attempt uploads nothing again.  The portal's own counters tell.
"""

from __future__ import annotations

from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.states import DossierState
from kiosk.store.records import DossierDetail
from tests.support.kiosk import Kiosk
from tests.sync import faults
from tests.sync.test_worker import drain, stats, worker_for


def detail(kiosk: Kiosk, code: str) -> DossierDetail:
    found = kiosk.queue.find(code)
    assert found is not None
    return found


def attachment_ids(kiosk: Kiosk, code: str) -> list[str | None]:
    return [a.portal_file_id for a in detail(kiosk, code).attachments]


def test_a_refused_submission_keeps_its_uploads_and_the_retry_sends_no_file_again(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    (dossier,) = kiosk.seal_births(1)
    with faults.FaultProxy(portal.url, lambda m, p: (
            faults.Status(503) if p.startswith("/api/v1/dossiers") and m == "POST"
            else faults.Fault())) as proxy:
        worker, client = worker_for(kiosk, proxy.url)
        with worker.leased():  # given up at the end, as a worker that stops does
            worker.acquire()
            worker.send_due()
        client.close()
    assert detail(kiosk, dossier.code).dossier.state is DossierState.PENDING
    kept = attachment_ids(kiosk, dossier.code)
    assert kept and all(kept)
    uploaded = stats(portal)["files_new"]
    assert uploaded == len(kept)
    worker, client = worker_for(kiosk, portal.url)
    drain(kiosk, worker)
    client.close()
    assert detail(kiosk, dossier.code).dossier.state is DossierState.SENT
    counters = stats(portal)
    assert (counters["files_new"], counters["files_replayed"]) == (uploaded, 0)
    assert counters["dossiers_new"] == 1


def test_a_dossier_the_portal_took_commits_no_upload_ids(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    (dossier,) = kiosk.seal_births(1)
    worker, client = worker_for(kiosk, portal.url)
    worker.acquire()
    assert worker.send_due().sent == 1
    client.close()
    assert detail(kiosk, dossier.code).dossier.state is DossierState.SENT
    assert attachment_ids(kiosk, dossier.code) == [None] * len(
        detail(kiosk, dossier.code).attachments)
    assert stats(portal)["files_new"] >= 1
