"""When the portal client may talk to the portal again: pauses, their reason, and stop.

The portal is one thing: a ``Retry-After``, a run of server failures, a
connection that cannot be made or a refused login speaks for every request,
not one dossier.  The gate keeps the counters and the end of the pause on an
injectable monotonic clock; the lengths come from ``policy``.  Thread-safe:
the worker's thread records, any thread may ask or stop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from kiosk.sync import policy

Clock = Callable[[], float]
Jitter = Callable[[], float]


class PortalGate:
    def __init__(self, clock: Clock, jitter: Jitter) -> None:
        self._clock = clock
        self._jitter = jitter
        self._lock = threading.Lock()
        self._until: float | None = None
        self._reason = ""
        self._failures = 0  # server failures in a row
        self._connection_failures = 0
        self._auth_failures = 0
        self._stopped = False

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        """For good: later calls are refused (``PortalClient.abort``)."""
        self._stopped = True

    def pause(self) -> tuple[float, str]:
        """(seconds left, why) — (0, "") when the gate is open."""
        with self._lock:
            left = self._left()
            return (left, self._reason) if left > 0 else (0.0, "")

    def answered(self, *, authenticated: bool) -> None:
        """The portal answered properly: the runs of failures are over."""
        with self._lock:
            self._failures = self._connection_failures = 0
            if authenticated:
                self._auth_failures = 0

    def server_failed(self, reason: str, retry_after: float | None) -> float:
        """A 5xx, timeout, reset or junk body; returns the pause now in force (0: none)."""
        with self._lock:
            self._failures += 1
            self._connection_failures = 0
            seconds = policy.failure_pause(self._failures, self._jitter())
            return self._hold(max(seconds, retry_after or 0.0), reason)

    def connection_failed(self, reason: str) -> float:
        with self._lock:
            self._connection_failures += 1
            seconds = policy.connection_pause(self._connection_failures, self._jitter())
            return self._hold(seconds, reason)

    def auth_failed(self, reason: str) -> float:
        with self._lock:
            self._auth_failures += 1
            return self._hold(policy.auth_pause(self._auth_failures, self._jitter()), reason)

    def _hold(self, seconds: float, reason: str) -> float:
        """Pause ``seconds`` (capped) from now; never shortens a pause already running."""
        seconds = min(max(seconds, 0.0), policy.MAX_RETRY_AFTER_SECONDS)
        if seconds > 0 and seconds > self._left():
            self._until, self._reason = self._clock() + seconds, reason
        return self._left()

    def _left(self) -> float:
        return 0.0 if self._until is None else max(0.0, self._until - self._clock())
