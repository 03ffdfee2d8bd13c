"""What a sync pass tells the dashboard and the CLI: its report and the worker's words."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.domain.dates import format_moment
from kiosk.store.syncstate import LeaseHolder

MESSAGES = {
    "standby": "Một tiến trình đồng bộ khác đang chạy ({holder}); tiến trình này chờ và sẽ "
    "tự tiếp quản khi tiến trình kia dừng.",
    "busy": "Một tiến trình đồng bộ khác đang chạy ({holder}); lần này không gửi gì để tránh "
    "gửi trùng. Xin thử lại sau, hoặc dừng tiến trình kia.",
    "holder": "tiến trình {pid} trên máy {host}, từ {since}",
    "took_over": "Tiến trình này đã nhận việc đồng bộ.",
    "crash": "Lỗi nội bộ khi đồng bộ ({error}); kiosk tự thử lại sau {seconds:.0f} giây.",
    "item_crash": "Lỗi nội bộ khi gửi ({error}); kiosk sẽ tự gửi lại.",
}


def describe_holder(holder: LeaseHolder | None) -> str:
    if holder is None:
        return "không rõ"
    return MESSAGES["holder"].format(pid=holder.pid, host=holder.host,
                                     since=format_moment(holder.acquired_at))


@dataclass(frozen=True)
class SyncReport:
    """What one pass did, for the dashboard and the CLI."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    status_updates: int = 0
    procedures_updated: int = 0
    paused_reason: str | None = None  # the portal as a whole is out of reach for now
    paused_code: str | None = None
    ratings_sent: int = 0
    ratings_retried: int = 0
    ratings_failed: int = 0
    recovered: int = 0  # SENDING rows a gone owner left, put back in the queue
    standby: LeaseHolder | None = None  # another worker holds the lease: nothing was done
    errors: tuple[str, ...] = field(default_factory=tuple)  # stages that raised (logged)
    retry_in: float | None = None  # after errors: the backoff before the next pass
