"""The whole life on a real data dir: sealed by the Submitter, sent by the sync worker to
the real portal simulator over HTTP, purged after the retention. Afterwards no file of
the data dir holds the resident's name, ID number, phone or address; Track and the
reprint still work."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import RetentionConfig
from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.states import DossierState
from kiosk.receipts.data import receipt_from_dossier
from kiosk.store.retention import Housekeeper, Retention
from kiosk.sync.command import sync_command, with_demo_portal
from tests.support.kiosk import Kiosk, open_kiosk
from tests.sync.conftest import kiosk_client

NAME, PERSONAL_ID, PHONE = "Nguyễn Thị Ánh", "030195012345", "0912345678"
ADDRESS = "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng"


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    k = open_kiosk(tmp_path / "kiosk")
    yield k
    k.close()


def found_on_disk(data_dir: Path) -> list[str]:
    blob = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    return [s for s in (NAME, PERSONAL_ID, PHONE, ADDRESS) if s.encode() in blob]


def test_after_the_retention_the_data_dir_keeps_no_personal_data_of_a_sent_dossier(
    tmp_path: Path, kiosk: Kiosk
) -> None:
    (dossier,) = kiosk.seal_births(1)
    with PortalSimulator(tmp_path / "portal.sqlite3", step_seconds=60,
                         clock=kiosk.clock) as portal:
        client = kiosk_client(kiosk, portal.url)
        try:
            kiosk.sync_worker(client, jitter=lambda: 0.5).run_once()
        finally:
            client.close()
    sent = kiosk.queue.find(dossier.code)
    assert sent is not None and sent.dossier.state is DossierState.SENT
    data_dir = kiosk.runtime.data_dir
    assert found_on_disk(data_dir) == [NAME, PERSONAL_ID, PHONE, ADDRESS]

    housekeeping = Housekeeper(Retention(kiosk.db, kiosk.queue.files),
                               kiosk.runtime.config.retention.days)
    kiosk.clock.advance(days=kiosk.runtime.config.retention.days - 1)
    early = housekeeping(kiosk.clock())
    assert early is not None and early.dossiers == 0  # sent six days ago: kept for reprints
    assert found_on_disk(data_dir) == [NAME, PERSONAL_ID, PHONE, ADDRESS]
    kiosk.clock.advance(days=1, minutes=10)
    result = housekeeping(kiosk.clock())
    assert result is not None and result.codes == (dossier.code,)
    assert found_on_disk(data_dir) == []

    tracked = kiosk.queue.find(sent.dossier.official_code or dossier.code)
    assert tracked is not None and tracked.dossier.purged_at == kiosk.clock()
    assert tracked.timeline == sent.timeline
    receipt = receipt_from_dossier(tracked, kiosk.runtime.config)
    assert (receipt.applicant_name, receipt.applicant_id_masked) == ("Nguyễn T. Á.",
                                                                     "********2345")
    assert receipt.due_at == receipt_from_dossier(sent, kiosk.runtime.config).due_at
    assert [d.name for d in receipt.documents] == [
        d.name for d in receipt_from_dossier(sent, kiosk.runtime.config).documents]


def test_a_sync_run_with_no_retention_sends_then_erases_in_the_same_run(
    tmp_path: Path, kiosk: Kiosk
) -> None:
    (dossier,) = kiosk.seal_births(1)
    with PortalSimulator(tmp_path / "portal.sqlite3") as portal:
        runtime = with_demo_portal(kiosk.runtime, portal.url)
        runtime = replace(runtime, config=replace(runtime.config,
                                                  retention=RetentionConfig(days=0)))
        out = io.StringIO()
        assert sync_command(runtime, once=True, out=out) == 0, out.getvalue()
    found = kiosk.queue.find(dossier.code)
    assert found is not None and found.dossier.state is DossierState.SENT
    assert found.dossier.purged_at is not None
    assert found_on_disk(kiosk.runtime.data_dir) == []
