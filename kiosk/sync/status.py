"""What an official reads about syncing: who syncs now, when the portal last answered,
the last failure and why — the same lines in ``kiosk doctor`` and ``kiosk queue``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.dates import format_moment
from kiosk.store.db import Database
from kiosk.store.syncstate import LeaseHolder, SyncHealth, SyncHealthLog, lease_holder

TEXTS = {
    "syncing": "Đang đồng bộ: tiến trình {pid} trên máy {host} (báo hiệu lúc {beat}).",
    "stale": "Tiến trình đồng bộ {pid} trên máy {host} không còn báo hiệu từ {beat}.",
    "nobody": "Không có tiến trình đồng bộ nào đang chạy.",
    "contact": "Liên lạc được với cổng dịch vụ công lần cuối lúc {at}.",
    "no_contact": "Chưa liên lạc được với cổng dịch vụ công lần nào.",
    "failing": "Đồng bộ đang lỗi ({count} lượt liên tiếp), lần gần nhất lúc {at}: {message}",
    "last_failure": "Lỗi đồng bộ gần nhất (đã hết) lúc {at}: {message}",
}


@dataclass(frozen=True)
class SyncStatus:
    holder: LeaseHolder | None
    health: SyncHealth

    @property
    def failing(self) -> bool:
        return self.health.failures_in_row > 0


def read_sync_status(db: Database) -> SyncStatus:
    return SyncStatus(lease_holder(db), SyncHealthLog(db).read())


def status_lines(status: SyncStatus, now: datetime) -> list[str]:
    return [_holder_line(status.holder, now), *_health_lines(status.health)]


def _holder_line(holder: LeaseHolder | None, now: datetime) -> str:
    if holder is None:
        return TEXTS["nobody"]
    key = "syncing" if holder.expires_at > now else "stale"
    return TEXTS[key].format(pid=holder.pid, host=holder.host,
                             beat=format_moment(holder.heartbeat_at))


def _health_lines(health: SyncHealth) -> list[str]:
    lines = [TEXTS["contact"].format(at=format_moment(health.last_contact_at))
             if health.last_contact_at else TEXTS["no_contact"]]
    if health.last_failure_at is not None:
        key = "failing" if health.failures_in_row else "last_failure"
        lines.append(TEXTS[key].format(count=health.failures_in_row,
                                       at=format_moment(health.last_failure_at),
                                       message=health.last_failure_message or ""))
    return lines
