"""Demo mode: a sealed dossier goes from waiting, to sent, to portal statuses on its own."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from kiosk.background import BackgroundSync
from kiosk.domain.states import DossierState
from tests.support.kiosk import birth_draft, open_kiosk


def eventually(condition: Callable[[], bool], limit: float = 60.0) -> None:
    """Wait for ``condition``; the limit only bounds a hang, it measures nothing."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.05)


def test_a_dossier_travels_from_waiting_to_sent_to_portal_statuses(tmp_path: Path) -> None:
    kiosk = open_kiosk(tmp_path)
    kiosk.clock.now = datetime.now(UTC)
    dossier = kiosk.submitter.seal(birth_draft(kiosk.catalogue, kiosk.clock()))
    assert kiosk.queue.find(dossier.code).dossier.state is DossierState.PENDING
    sync = BackgroundSync(kiosk.runtime, kiosk.db, demo=True, demo_step_seconds=0.3,
                          idle_seconds=0.1)
    try:
        sync.start()
        eventually(lambda: kiosk.queue.find(dossier.code).dossier.state is DossierState.SENT)
        eventually(lambda: (kiosk.queue.find(dossier.code).dossier.portal_status or 0) >= 4)
    finally:
        sync.stop()
        kiosk.close()
    again = open_kiosk(tmp_path)  # what the track screen would read after a restart
    try:
        detail = again.queue.find(dossier.code)
    finally:
        again.close()
    assert detail is not None
    assert [e.status for e in detail.timeline][:3] == [1, 2, 4]
