"""The sync worker on a thread of its own inside the kiosk (and, in demo mode, the simulator).

Started after the database and stopped before it closes; the UI never waits
for the network.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from kiosk.catalogue_updates import CatalogueUpdates
from kiosk.services import Runtime, build_queue
from kiosk.store.db import Database
from kiosk.sync.client import PortalClient
from kiosk.sync.simulator import PortalSimulator
from kiosk.sync.worker import SyncWorker

DEMO_STEP_SECONDS = 20.0
SYNC_IDLE_SECONDS = 5.0


def utc_now() -> datetime:
    return datetime.now(UTC)


class BackgroundSync:
    """Owns the worker thread, its HTTP client, and the demo simulator if any."""

    def __init__(
        self, runtime: Runtime, db: Database, *, demo: bool,
        demo_step_seconds: float = DEMO_STEP_SECONDS, idle_seconds: float = SYNC_IDLE_SECONDS,
    ) -> None:
        portal = runtime.config.portal
        self.simulator: PortalSimulator | None = None
        url = portal.url
        if demo:
            self.simulator = PortalSimulator(_demo_db(runtime.data_dir),
                                             step_seconds=demo_step_seconds)
            self.simulator.start()
            url = self.simulator.url
        self._client = PortalClient(url, portal.client_id, portal.client_secret,
                                    timeout=portal.timeout_seconds)
        self.worker = SyncWorker(build_queue(runtime, db), self._client, runtime.config.kiosk.id,
                                 utc_now, catalogue_updates=CatalogueUpdates(runtime.data_dir))
        self._thread = threading.Thread(target=self.worker.run_forever,
                                        args=(idle_seconds,), name="sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.worker.stop()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        self._client.close()
        if self.simulator is not None:
            self.simulator.stop()


def _demo_db(data_dir: Path) -> Path:
    folder = data_dir / "portal-sim"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "portal.sqlite3"
