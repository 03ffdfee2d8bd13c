"""Work off the GUI thread: database commits, sealing, printing, lookups (STYLE.md §5).

A job is a plain function with its data; its result (or exception) comes back
to the GUI thread by signal.  Workers get data, never widgets.  After ``shutdown``
no answer is delivered any more: the screens that asked may be gone by then.

Jobs run in lanes, each its own thread pool, so a slow one never holds up
another lane: ``Lane.MAIN`` seals, prints, looks up (Track) and serves the
official; ``Lane.FILES`` takes what comes from outside — USB files, their
thumbnails, scans, page assembly — whose time a hostile file decides.

A job may have a time limit: past it its answer is dropped and ``on_error`` gets
``JobTimedOut``.  A Python thread cannot be killed, so the job itself must stop
when its cancel token (a ``threading.Event``, passed to ``submit`` and to the
work, e.g. the scanner's caged child process) is set: the runner sets it on a
time-out, on ``cancel_resident`` (the session wipe) and, for the resident's
jobs, on ``shutdown``; a job whose token is set before it starts never runs.
Every job on the files lane belongs to the resident at the screen; the wipe
drops their answers (no callback at all) and sets their tokens.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QDeadlineTimer, QObject, QRunnable, QThreadPool, QTimer, Signal

from kiosk.domain.errors import DomainError, error_from_table

log = logging.getLogger(__name__)

MESSAGES = {
    "job_timed_out": "Việc này mất quá lâu nên kiosk đã dừng lại. Xin thử lại, hoặc chọn "
    "cách khác, hoặc gọi cán bộ hỗ trợ.",
    "job_cancelled": "Việc này đã được huỷ.",
}


class Lane(StrEnum):
    MAIN = "main"  # sealing, printing, Track, help calls, the official's side
    FILES = "files"  # untrusted files and devices: USB imports, thumbnails, scans, assembly


LANE_THREADS = {Lane.MAIN: 2, Lane.FILES: 2}


class JobTimedOut(DomainError):
    """A job ran past its time limit: its answer will be dropped."""


class JobCancelled(DomainError):
    """A job cancelled before it started (never delivered: its answer is dropped)."""


class _Relay(QObject):
    """Lives on the GUI thread; emitting from the pool queues the call to it."""

    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, cancel: threading.Event) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        self._cancel = cancel

    def run(self) -> None:
        if self._cancel.is_set():  # cancelled while it waited for a thread: not started
            self._relay.failed.emit(error_from_table(JobCancelled, MESSAGES, "job_cancelled"))
            return
        try:
            result = self._fn()
        except Exception as error:
            self._relay.failed.emit(error)
        else:
            self._relay.done.emit(result)


@dataclass(eq=False)
class _Ticket:
    """A job whose answer is still wanted."""

    on_error: Callable[[BaseException], None]
    cancel: threading.Event
    resident: bool
    timer: QTimer | None
    name: str


class BackgroundRunner(QObject):
    """Runs jobs on thread pools, one per lane, and calls back on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools: dict[Lane, QThreadPool] = {}
        for lane, threads in LANE_THREADS.items():
            pool = QThreadPool(self)
            pool.setMaxThreadCount(threads)
            self._pools[lane] = pool
        self._relays: dict[_Relay, _Ticket] = {}
        self._closed = False

    def submit(
        self, fn: Callable[[], Any], on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None], *, lane: Lane = Lane.MAIN,
        time_limit: float | None = None, cancel: threading.Event | None = None,
        resident: bool | None = None,
    ) -> None:
        """Run ``fn`` on ``lane``; ``resident`` (default: the files lane's jobs) marks a job
        the session wipe cancels; ``cancel`` is set whenever the answer stops being wanted."""
        if self._closed:
            log.warning("job %s submitted after shutdown: not run", _name_of(fn))
            return
        token = cancel if cancel is not None else threading.Event()
        relay = _Relay(self)
        timer = self._limit(relay, time_limit) if time_limit is not None else None
        self._relays[relay] = _Ticket(on_error, token, lane is Lane.FILES if resident is None
                                      else resident, timer, _name_of(fn))
        relay.done.connect(lambda result: self._finish(relay, on_done, result))
        relay.failed.connect(lambda error: self._finish(relay, on_error, error))
        self._pools[lane].start(_Job(fn, relay, token))

    def _limit(self, relay: _Relay, seconds: float) -> QTimer:
        timer = QTimer(relay)
        timer.setSingleShot(True)
        timer.setInterval(max(0, round(seconds * 1000)))
        timer.timeout.connect(lambda: self._expire(relay))
        timer.start()
        return timer

    def _finish(self, relay: _Relay, callback: Callable[[Any], None], value: Any) -> None:
        relay.deleteLater()  # the job has emitted its one answer: nothing will use it again
        ticket = self._relays.pop(relay, None)
        if ticket is None:  # cancelled, timed out or shut down while it ran
            return
        if ticket.timer is not None:
            ticket.timer.stop()
        callback(value)

    def _expire(self, relay: _Relay) -> None:
        ticket = self._drop(relay)
        if ticket is None:
            return
        log.warning("job %s past its time limit: answer dropped", ticket.name)
        ticket.on_error(error_from_table(JobTimedOut, MESSAGES, "job_timed_out"))

    def _drop(self, relay: _Relay) -> _Ticket | None:
        """Stop wanting ``relay``'s answer; the relay lives on until the job emits on it."""
        ticket = self._relays.pop(relay, None)
        if ticket is not None:
            ticket.cancel.set()
            if ticket.timer is not None:
                ticket.timer.stop()
        return ticket

    def cancel_resident(self) -> int:
        """The session wipe: every resident job's answer dropped, its cancel token set.
        Returns how many were cancelled."""
        resident = [relay for relay, ticket in self._relays.items() if ticket.resident]
        for relay in resident:
            self._drop(relay)
        return len(resident)

    def busy(self, lane: Lane) -> int:
        """Jobs holding one of ``lane``'s threads now, started or about to (tests)."""
        return int(self._pools[lane].activeThreadCount())

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every job is finished (shutdown and tests only); their answers
        are still delivered, by the event loop."""
        deadline = QDeadlineTimer(msecs)
        return all([pool.waitForDone(deadline) for pool in self._pools.values()])

    def shutdown(self, msecs: int = 30_000) -> bool:
        """Refuse new jobs, let the running ones finish, and drop every answer not yet
        delivered: whoever asked may be deleted next (the window at exit, a test's screen).
        The resident's jobs are cancelled first (a caged import stops instead of being
        waited for; one not started is skipped); every other job, a seal, a print, runs."""
        self._closed = True
        for ticket in self._relays.values():
            if ticket.timer is not None:
                ticket.timer.stop()
            if ticket.resident:
                ticket.cancel.set()
        finished = self.wait(msecs)
        pending, self._relays = self._relays, {}  # _finish skips their answers now
        if finished:  # a job still running keeps its relay to emit on
            for relay in pending:
                relay.deleteLater()  # a queued answer dies with its relay
        return finished


def _name_of(fn: Callable[[], Any]) -> str:
    """A job's name for the log, never its repr: a partial's repr shows its arguments (a
    draft, the resident's data in it)."""
    inner = getattr(fn, "func", fn)  # functools.partial: the function it wraps
    return str(getattr(inner, "__qualname__", None) or type(fn).__name__)
