"""The Prometheus endpoint of ``kiosk run`` and ``kiosk sync``: on only when an address is set.

``[metrics] address = "127.0.0.1:9108"`` (or ``KIOSK_METRICS_ADDRESS``) turns it
on; it binds exactly that address, nothing wider.  Metrics are never worth a
kiosk: an address that cannot be bound (a port in use, a host not on this
machine) is said once in the log, in Vietnamese, and the kiosk goes on without
them; any other fault in setting up is treated the same way.  The server is
prometheus_client's own (a thread, one short-lived thread per scrape).
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
from collections.abc import Callable
from datetime import datetime
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, ProcessCollector, start_http_server

from kiosk import __version__
from kiosk.config import parse_listen_address
from kiosk.domain.dates import utc_now
from kiosk.metrics.collector import Identity, KioskCollector, process_start_time
from kiosk.metrics.devices import DeviceBoard, initial_states
from kiosk.metrics.hours import OfficeHours
from kiosk.services import Runtime, build_calendar
from kiosk.store.db import Database

log = logging.getLogger(__name__)

MESSAGES = {
    "in_use": "Không mở được cổng giám sát {address}: cổng này đang có chương trình khác dùng. "
    "Kiosk vẫn chạy bình thường, chỉ không có số liệu giám sát; hãy chọn cổng khác ở "
    "[metrics] address hoặc KIOSK_METRICS_ADDRESS.",
    "cannot_bind": "Không mở được cổng giám sát {address} ({reason}). Kiosk vẫn chạy bình "
    "thường, chỉ không có số liệu giám sát; hãy kiểm tra [metrics] address hoặc "
    "KIOSK_METRICS_ADDRESS (địa chỉ phải thuộc máy này).",
    "failed": "Không khởi động được phần số liệu giám sát ({reason}). Kiosk vẫn chạy bình "
    "thường, chỉ không có số liệu giám sát.",
    "listening": "Số liệu giám sát (Prometheus) tại http://{address}/metrics",
}
ROLES = ("run", "sync")


class Exporter:
    """A running endpoint; ``board`` (``kiosk run`` only) takes the devices' live state."""

    def __init__(self, server: WSGIServer, thread: threading.Thread,
                 board: DeviceBoard | None) -> None:
        self._server, self._thread = server, thread
        self.board = board

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def start_exporter(
    runtime: Runtime, db: Database, *, role: str, clock: Callable[[], datetime] = utc_now,
) -> Exporter | None:
    """Serve ``/metrics`` at the configured address; None when off or when it cannot be."""
    if role not in ROLES:
        raise ValueError(role)
    text = runtime.config.metrics.address_for(role)
    address = parse_listen_address(text)  # checked when the config was loaded
    if address is None:
        return None
    try:
        board = DeviceBoard(initial_states(runtime.config)) if role == "run" else None
        registry = _registry(runtime, db, role, board, clock)
        server, thread = start_http_server(address[1], addr=address[0], registry=registry)
    except OSError as exc:
        log.warning(_bind_message(text, exc))
        return None
    except Exception as exc:  # never crash the kiosk for metrics
        log.warning(MESSAGES["failed"].format(reason=type(exc).__name__), exc_info=True)
        return None
    log.info(MESSAGES["listening"].format(address=text))
    return Exporter(server, thread, board)


def _registry(runtime: Runtime, db: Database, role: str, board: DeviceBoard | None,
              clock: Callable[[], datetime]) -> CollectorRegistry:
    config = runtime.config
    hours = OfficeHours(build_calendar(config), config.metrics.office_open,
                        config.site.office_close)
    identity = Identity(config.kiosk.id, config.site.agency_code, __version__, role,
                        process_start_time())
    registry = CollectorRegistry(auto_describe=False)
    registry.register(KioskCollector(db, identity, hours, runtime.data_dir, board=board,
                                     clock=clock))
    ProcessCollector(registry=registry)  # process_cpu_seconds_total, memory, open files
    return registry


def _bind_message(address: str, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return MESSAGES["in_use"].format(address=address)
    if isinstance(exc, socket.gaierror):
        reason = "không tìm thấy máy có tên này"
    else:
        reason = {errno.EADDRNOTAVAIL: "địa chỉ không thuộc máy này",
                  errno.EACCES: "không đủ quyền dùng cổng này"}.get(
                      exc.errno or 0, f"lỗi hệ thống {exc.errno}")
    return MESSAGES["cannot_bind"].format(address=address, reason=reason)
