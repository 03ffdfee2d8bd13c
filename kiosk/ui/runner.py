"""Work off the GUI thread: database commits, sealing, printing, lookups (STYLE.md §5).

A job is a plain function with its data; its result (or exception) comes back
to the GUI thread by signal.  Workers get data, never widgets.  After ``shutdown``
no answer is delivered any more: the screens that asked may be gone by then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; emitting from the pool queues the call to it."""

    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as error:
            self._relay.failed.emit(error)
        else:
            self._relay.done.emit(result)


class BackgroundRunner(QObject):
    """Runs jobs on a thread pool and calls back on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._relays: set[_Relay] = set()
        self._closed = False

    def submit(
        self, fn: Callable[[], Any], on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        if self._closed:
            log.warning("job %r submitted after shutdown: not run", fn)
            return
        relay = _Relay(self)
        self._relays.add(relay)  # kept alive until the answer arrives
        relay.done.connect(lambda result: self._finish(relay, on_done, result))
        relay.failed.connect(lambda error: self._finish(relay, on_error, error))
        self._pool.start(_Job(fn, relay))

    def _finish(self, relay: _Relay, callback: Callable[[Any], None], value: Any) -> None:
        if relay not in self._relays:  # cancelled by shutdown while the answer was queued
            return
        self._relays.discard(relay)
        relay.deleteLater()
        callback(value)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every job is finished (shutdown and tests only); their answers
        are still delivered, by the event loop."""
        return bool(self._pool.waitForDone(msecs))

    def shutdown(self, msecs: int = 30_000) -> bool:
        """Refuse new jobs, let the running ones finish, and drop every answer not yet
        delivered: whoever asked may be deleted next (the window at exit, a test's screen)."""
        self._closed = True
        finished = self.wait(msecs)
        pending, self._relays = self._relays, set()  # _finish skips their answers now
        if finished:  # a job still running keeps its relay to emit on
            for relay in pending:
                relay.deleteLater()  # a queued answer dies with its relay
        return finished
