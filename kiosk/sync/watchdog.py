"""One overall deadline per portal request, kept by one long-lived thread per client.

``requests`` only has per-socket-operation timeouts: a server that sends one
byte every few seconds never trips them.  The client arms this watchdog
before each request; the connection in use attaches its socket (when it is
created, before connecting, and when a pooled one is reused); at the deadline,
or at once on ``abort``, the watchdog shuts that socket down, and the
request's thread gets an error or an end of stream straight away.

The watchdog holds its own duplicate of the descriptor (``socket.fromfd``):
it never touches a number the owner may have closed and the system may have
handed to someone else, and a TLS wrap (which detaches the original socket
object) does not hide the connection from it.  Shutting a socket down is
per connection, so shutting the duplicate down ends the owner's reads too.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time

log = logging.getLogger(__name__)

ERROR_PAUSE_SECONDS = 0.5


class Watchdog:
    """Shuts the socket of the request in flight down at its deadline. Thread-safe."""

    def __init__(self, name: str = "portal-watchdog") -> None:
        self._name = name
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._armed = False
        self._deadline: float | None = None  # time.monotonic(); None once fired
        self._socket: socket.socket | None = None  # our duplicate of the one in flight
        self._fired = False
        self._aborted = False
        self._closed = False

    def arm(self, seconds: float) -> None:
        """A request starts: it must be over ``seconds`` from now."""
        with self._cond:
            self._start()
            self._armed, self._fired = True, False
            self._deadline = time.monotonic() + max(0.0, seconds)
            if self._aborted:
                self._fire()
            self._cond.notify()

    def attach(self, sock: socket.socket) -> None:
        """The socket the request in flight uses (called on the request's own thread).

        Raises ``ConnectionAbortedError`` when the request is already cut short:
        shutting down a socket that is not connected yet would not stop it.
        """
        twin = socket.fromfd(sock.fileno(), sock.family, sock.type)
        with self._cond:
            fired = self._fired
            old, self._socket = self._socket, (None if fired else twin)
        for spare in (old, twin if fired else None):
            if spare is not None:
                spare.close()
        if fired:
            raise ConnectionAbortedError("the request was cut short (deadline or stop)")

    def disarm(self) -> bool:
        """The request is over; True when the deadline or an abort cut it short."""
        with self._cond:
            fired, twin = self._fired, self._socket
            self._armed, self._fired, self._deadline, self._socket = False, False, None, None
        if twin is not None:
            twin.close()
        return fired

    def abort(self) -> None:
        """Cut the request in flight now, and every later one as soon as it starts."""
        with self._cond:
            self._aborted = True
            if self._armed:
                self._fire()

    def close(self) -> None:
        """Abort, then end the thread (it wakes at once) and wait for it."""
        with self._cond:
            self.abort()
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join()

    def _start(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def _fire(self) -> None:
        self._fired, self._deadline = True, None
        if self._socket is not None:
            _shut(self._socket)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                try:
                    self._step()
                except Exception:  # the thread's error boundary: deadlines must go on
                    log.exception("portal watchdog: a step failed")
                    self._cond.wait(ERROR_PAUSE_SECONDS)

    def _step(self) -> None:
        if self._deadline is None:
            self._cond.wait()
            return
        left = self._deadline - time.monotonic()
        if left <= 0:
            self._fire()
        else:
            self._cond.wait(left)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # not connected yet, or already reset: nothing to cut
        sock.shutdown(socket.SHUT_RDWR)
