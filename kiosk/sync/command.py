"""``kiosk sync``: the sync worker as a process of its own (cron, systemd, tests)."""

from __future__ import annotations

import signal
from datetime import UTC, datetime
from typing import TextIO

from kiosk.catalogue_updates import CatalogueUpdates
from kiosk.services import Runtime, build_queue, open_database
from kiosk.sync.client import PortalClient
from kiosk.sync.worker import SyncReport, SyncWorker


def utc_now() -> datetime:
    return datetime.now(UTC)


def sync_command(runtime: Runtime, *, once: bool, out: TextIO) -> int:
    """Send what is due and follow statuses; ``once``: one pass, else until stopped."""
    db = open_database(runtime)
    portal = runtime.config.portal
    client = PortalClient(portal.url, portal.client_id, portal.client_secret,
                          timeout=portal.timeout_seconds)
    worker = SyncWorker(build_queue(runtime, db), client, runtime.config.kiosk.id, utc_now,
                        catalogue_updates=CatalogueUpdates(runtime.data_dir))
    try:
        if once:
            recovered = worker.start()
            report = worker.run_once()
            _print_report(report, recovered, out)
            return 1 if report.paused_reason else 0
        _stop_on_signals(worker)
        worker.run_forever()
        return 0
    finally:
        client.close()
        db.dispose()


def _stop_on_signals(worker: SyncWorker) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _signum, _frame: worker.stop())


def _print_report(report: SyncReport, recovered: int, out: TextIO) -> None:
    if recovered:
        print(f"Đã đưa {recovered} hồ sơ bị gián đoạn về hàng chờ gửi.", file=out)
    print(f"Đã gửi: {report.sent}; chờ gửi lại: {report.retried}; bị từ chối: {report.failed}; "
          f"cập nhật trạng thái: {report.status_updates}.", file=out)
    if report.paused_reason:
        print(f"Tạm dừng: {report.paused_reason}", file=out)
