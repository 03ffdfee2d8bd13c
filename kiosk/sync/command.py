"""``kiosk sync``: the sync worker as a process of its own (cron, systemd, tests).

It shares the data dir with the kiosk's own background sync: whichever holds
the sync lease sends, the other waits (``kiosk sync``) or says so and leaves
(``kiosk sync --once``).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import traceback
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import TextIO

from kiosk.catalogue_updates import CatalogueUpdates
from kiosk.domain.dates import utc_now
from kiosk.metrics import start_exporter
from kiosk.services import Runtime, build_queue, open_database
from kiosk.store.db import Database
from kiosk.store.ratings import Ratings
from kiosk.store.retention import Housekeeper, Retention
from kiosk.store.syncstate import LeaseOwner, SyncHealthLog, SyncLease
from kiosk.sync.client import PortalClient
from kiosk.sync.progress import STEPS, Progress
from kiosk.sync.worker import MESSAGES, SyncReport, SyncWorker, describe_holder
from kiosk.systemd_notify import READY, STOPPING, Heartbeat, Notifier, status

EXIT_PAUSED = 1  # the portal is out of reach or refused the kiosk's login
EXIT_BUSY = 3  # another sync process holds the lease
EXIT_NOT_CONFIGURED = 4  # no portal address or credentials: nothing can be sent
EXIT_ERRORS = 6  # a stage of the pass failed inside the kiosk (logged with its traceback)
DEMO_PORTAL_URL = "http://127.0.0.1:8765"  # where ``kiosk portal-sim`` listens by default

log = logging.getLogger(__name__)

COMMAND_MESSAGES = {
    "not_configured": (
        "Cổng dịch vụ công chưa được cấu hình: thiếu địa chỉ hoặc tài khoản kết nối (mục "
        "[portal] của tệp cấu hình: url, client_id, client_secret; hoặc các biến môi trường "
        "KIOSK_PORTAL_URL, KIOSK_PORTAL_CLIENT_ID, KIOSK_PORTAL_CLIENT_SECRET). Hồ sơ vẫn "
        "được lưu trên kiosk và sẽ được gửi khi cổng được cấu hình."
    ),
    "stuck": "Đồng bộ bị treo ở bước «{step}»; hệ thống sẽ tự khởi động lại tiến trình "
    "đồng bộ.",
}


def with_demo_portal(runtime: Runtime, url: str = DEMO_PORTAL_URL) -> Runtime:
    """The runtime with the simulator's address and demo account: demo mode only."""
    from kiosk.demo.simulator import DEMO_CREDENTIALS  # the demo package: demo mode only

    client_id, secret = next(iter(DEMO_CREDENTIALS.items()))
    portal = replace(runtime.config.portal, url=url, client_id=client_id, client_secret=secret)
    return replace(runtime, config=replace(runtime.config, portal=portal))


def build_worker(runtime: Runtime, db: Database, client: PortalClient, role: str,
                 out: TextIO | None = None, progress: Progress | None = None) -> SyncWorker:
    """The worker every sync owner runs: the CLI's and the kiosk's background one
    (``progress``: the one its client's ``on_request`` touches too, see ``portal_client``)."""
    lease = SyncLease(db, LeaseOwner.of_this_process(role))
    notify = None if out is None else (lambda text: print(text, file=out, flush=True))
    queue = build_queue(runtime, db)
    # Whoever holds the sync lease also erases what the retention no longer allows to keep.
    housekeeping = Housekeeper(Retention(db, queue.files), runtime.config.retention.days)
    return SyncWorker(queue, client, runtime.config.kiosk.id, utc_now,
                      lease=lease, health=SyncHealthLog(db),
                      catalogue_updates=CatalogueUpdates(runtime.data_dir), notify=notify,
                      ratings=Ratings(db), housekeeping=housekeeping, progress=progress)


def portal_client(runtime: Runtime, progress: Progress | None = None) -> PortalClient:
    """The configured client; each request it sends touches ``progress`` with its deadline."""
    portal = runtime.config.portal
    on_request = None if progress is None else partial(progress.touch, "portal")
    return PortalClient(portal.url, portal.client_id, portal.client_secret,
                        timeout=portal.timeout_seconds, on_request=on_request)


def sync_command(runtime: Runtime, *, once: bool, out: TextIO, err: TextIO | None = None,
                 env: Mapping[str, str] | None = None) -> int:
    """Send what is due and follow statuses; ``once``: one pass, else until stopped (under
    systemd, ``env``'s NOTIFY_SOCKET hears READY and the watchdog's pings)."""
    if not runtime.config.portal.configured:
        print(COMMAND_MESSAGES["not_configured"], file=err or out)
        return EXIT_NOT_CONFIGURED
    db = open_database(runtime)
    progress = Progress()
    client = portal_client(runtime, progress)
    worker = build_worker(runtime, db, client, "kiosk-sync", out, progress)
    exporter = None if once else start_exporter(runtime, db, role="sync")  # None: off
    try:
        if once:
            with worker.leased():
                report = worker.run_once()
                worker.housekeep()  # a `kiosk sync --once` from cron erases what is due too
            return _print_report(report, out)
        _stop_on_signals(worker)
        _run_notifying(worker, Notifier(env or {}))
        return 0
    finally:
        if exporter is not None:
            exporter.stop()
        client.close()
        db.dispose()


def _run_notifying(worker: SyncWorker, notifier: Notifier) -> None:
    """``run_forever`` on this thread; systemd's watchdog is fed while that loop runs and
    moves: once a step outlasts its bound (``kiosk.sync.progress``) the pings stop, and
    systemd restarts the service at most ``WatchdogSec`` later."""
    heartbeat = sync_heartbeat(worker.progress, threading.current_thread(), notifier)
    notifier.send(READY, status("Đang đồng bộ hồ sơ với cổng dịch vụ công"))
    heartbeat.start()
    try:
        worker.run_forever()
    finally:
        notifier.send(STOPPING)
        heartbeat.stop()


def sync_heartbeat(progress: Progress, loop: threading.Thread, notifier: Notifier) -> Heartbeat:
    """Pings while ``loop`` (the thread running the worker whose ``progress`` this is)
    is alive and on time."""
    return Heartbeat(notifier, partial(_moving, loop, progress, notifier))


def _moving(loop: threading.Thread, progress: Progress, notifier: Notifier) -> bool:
    """The heartbeat's rule: the loop is alive and on time.  When it is stuck, say where
    (the log gets the stuck thread's stack, ``systemctl status`` a line) before the
    pings stop for good."""
    if not loop.is_alive():
        return False
    late = progress.overdue()
    if late <= 0:
        return True
    frame = sys._current_frames().get(loop.ident or 0)
    stack = "".join(traceback.format_stack(frame)) if frame is not None else "?"
    log.error("sync loop stuck in step %r, %.0f s past its bound; the watchdog will restart "
              "it. Its stack:\n%s", progress.where, late, stack)
    step = STEPS.get(progress.where, progress.where)
    notifier.send(status(COMMAND_MESSAGES["stuck"].format(step=step)))
    return False


def _stop_on_signals(worker: SyncWorker) -> None:
    """``stop()`` from a thread of its own: a handler runs on the main thread between two
    of its bytecodes, maybe inside the very lock ``stop()`` takes (the portal watchdog's,
    the stop event's), and taking it there again would hang the process for good."""
    def handle(_signum: int, _frame: object) -> None:
        threading.Thread(target=worker.stop, name="sync-stop", daemon=True).start()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handle)


def _print_report(report: SyncReport, out: TextIO) -> int:
    if report.standby is not None:
        print(MESSAGES["busy"].format(holder=describe_holder(report.standby)), file=out)
        return EXIT_BUSY
    if report.recovered:
        print(f"Đã đưa {report.recovered} hồ sơ bị gián đoạn về hàng chờ gửi.", file=out)
    print(f"Đã gửi: {report.sent}; chờ gửi lại: {report.retried}; bị từ chối: {report.failed}; "
          f"cập nhật trạng thái: {report.status_updates}.", file=out)
    if report.ratings_sent or report.ratings_retried or report.ratings_failed:
        print(f"Đánh giá hài lòng — đã gửi: {report.ratings_sent}; chờ gửi lại: "
              f"{report.ratings_retried}; bị từ chối: {report.ratings_failed}.", file=out)
    for error in report.errors:
        print(error, file=out)
    if report.paused_reason:
        print(f"Tạm dừng: {report.paused_reason}", file=out)
        return EXIT_PAUSED
    return EXIT_ERRORS if report.errors else 0
