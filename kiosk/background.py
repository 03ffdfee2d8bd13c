"""The sync worker on a thread of its own inside the kiosk (and, in demo mode, the simulator).

Started after the database and stopped before it closes; the UI never waits
for the network.  Where a ``kiosk sync`` service already holds the sync lease,
this worker waits and takes over only if that service stops.  Without a
configured portal no worker starts (said once in the log): dossiers wait in
the queue, and the officials' screens say the portal is not configured.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.services import Runtime
from kiosk.store.db import Database
from kiosk.sync.client import PortalClient
from kiosk.sync.command import build_worker, portal_client, with_demo_portal
from kiosk.sync.worker import SyncWorker

if TYPE_CHECKING:  # the demo package is imported only in demo mode
    from kiosk.demo.simulator import PortalSimulator

_log = logging.getLogger(__name__)

DEMO_STEP_SECONDS = 20.0
SYNC_IDLE_SECONDS = 5.0


class BackgroundSync:
    """Owns the worker thread, its HTTP client, and the demo simulator if any."""

    def __init__(
        self, runtime: Runtime, db: Database, *, demo: bool,
        demo_step_seconds: float = DEMO_STEP_SECONDS, idle_seconds: float = SYNC_IDLE_SECONDS,
    ) -> None:
        self.simulator: PortalSimulator | None = None
        self.worker: SyncWorker | None = None
        self._client: PortalClient | None = None
        self._thread: threading.Thread | None = None
        if demo:
            from kiosk.demo.simulator import PortalSimulator

            self.simulator = PortalSimulator(_demo_db(runtime.data_dir),
                                             step_seconds=demo_step_seconds)
            self.simulator.start()
            runtime = with_demo_portal(runtime, self.simulator.url)
        if not runtime.config.portal.configured:
            _log.warning("portal not configured: no sync worker; dossiers wait in the queue")
            return
        self._client = portal_client(runtime)
        self.worker = build_worker(runtime, db, self._client, "kiosk-ui")
        self._thread = threading.Thread(target=self.worker.run_forever,
                                        args=(idle_seconds,), name="sync", daemon=True)

    def start(self) -> None:
        if self._thread is not None:
            self._thread.start()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()  # cuts the request in flight short: the join is brief
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=10)
        if self._client is not None:
            self._client.close()
        if self.simulator is not None:
            self.simulator.stop()


def _demo_db(data_dir: Path) -> Path:
    folder = data_dir / "portal-sim"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "portal.sqlite3"
