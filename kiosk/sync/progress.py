"""How far the sync loop has come: what lets systemd's watchdog tell a hang from a long step.

A thread that is alive proves nothing: a pass blocked in a read that never
returns (a stuck disk, a deadlock, a call no deadline covers) keeps its thread
alive forever.  So the worker touches its ``Progress`` wherever a healthy pass
is known to move — each turn of the loop, each stage, each dossier and
attachment, each portal request as it starts (``PortalClient(on_request=…)``),
and before the wait between passes — and each touch says how long the next
one may legitimately take.  ``overdue()`` above 0 means the loop is stuck;
``kiosk sync``'s heartbeat then stops pinging and systemd restarts it.

The bound after a touch is ``allow + step_seconds``:

- ``allow``, what the step itself is known to take at most: a portal request's
  own overall deadline (``timeout_seconds``, 20 s by default and at most 300,
  plus the time its upload needs at 64 KiB/s: up to 160 s more for a 10 MiB
  attachment), kept by the client's ``Watchdog``; the wait between passes
  (``Event.wait`` returns by then: the 5 s of a standby while another process
  holds the lease, a backoff of at most 15 min, a Retry-After or portal-wide
  pause of at most an hour); the hourly housekeeping (``HOUSEKEEPING_SECONDS``),
  whose purge overwrites and syncs every file it erases and tells no one
  between its batches.
- ``step_seconds`` (``LOCAL_STEP_SECONDS``, 60 s), what no deadline covers but a
  healthy kiosk may still spend between two touches: name resolution (not cut by
  the request deadline; glibc's default resolver gives up after 5 s × 2 attempts
  × 3 servers, 30 s), a connect the deadline caught midway (its own limit, 5 s,
  ``transport.CONNECT_TIMEOUT``), two SQLite writes each waiting out the busy
  timeout behind the kiosk's own screens (10 s each: the result committed and the
  next dossier claimed), and reading and hashing a 10 MiB attachment from a slow
  card.

Thread-safe: the loop touches, the heartbeat's thread asks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

LOCAL_STEP_SECONDS = 60.0
HOUSEKEEPING_SECONDS = 30 * 60.0

# The steps the worker touches, in the words ``systemctl status`` shows when one sticks.
STEPS = {
    "start": "khởi động",
    "pass": "bắt đầu lượt đồng bộ",
    "wait": "chờ giữa hai lượt đồng bộ",
    "housekeeping": "xoá dữ liệu hết hạn lưu giữ",
    "dossiers": "gửi hồ sơ",
    "ratings": "gửi đánh giá hài lòng",
    "status": "cập nhật trạng thái hồ sơ",
    "catalogue": "cập nhật danh mục thủ tục",
    "dossier": "gửi một hồ sơ",
    "attachment": "đọc tệp đính kèm",
    "portal": "chờ cổng dịch vụ công trả lời",
}


class Progress:
    def __init__(self, step_seconds: float = LOCAL_STEP_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._step = step_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._deadline = clock() + step_seconds
        self._where = "start"

    def touch(self, where: str, allow: float = 0.0) -> None:
        """The loop moved and now starts ``where`` (a key of ``STEPS``), which may take up
        to ``allow`` seconds of its own before the next touch."""
        with self._lock:
            self._deadline = self._clock() + max(0.0, allow) + self._step
            self._where = where

    def overdue(self) -> float:
        """Seconds past the bound of the step in progress; 0 or less while on time."""
        with self._lock:
            return self._clock() - self._deadline

    @property
    def where(self) -> str:
        """The step touched last: where the loop is, or where it stuck."""
        with self._lock:
            return self._where
