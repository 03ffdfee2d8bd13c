"""Tell systemd how the process is doing (``sd_notify``), with the standard library only.

A ``Type=notify`` unit waits for ``READY=1``; with ``WatchdogSec=`` it kills and
restarts a process that stops sending ``WATCHDOG=1``.  systemd names the socket in
``$NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract namespace) and the watchdog's
period in ``$WATCHDOG_USEC``; outside systemd neither is set and every call does nothing.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Mapping

READY = "READY=1"
WATCHDOG = "WATCHDOG=1"
STOPPING = "STOPPING=1"


def status(text: str) -> str:
    """A ``STATUS=`` line (systemctl status shows it); one line, no newline inside."""
    return "STATUS=" + " ".join(text.split())


class Notifier:
    """Sends to the socket systemd gave this process; does nothing without one."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._address = _address(env.get("NOTIFY_SOCKET", ""))
        self._interval = watchdog_interval(env)

    @property
    def active(self) -> bool:
        return self._address is not None

    @property
    def watchdog_seconds(self) -> float | None:
        """How often to send ``WATCHDOG=1``: half the period systemd waits, or None."""
        return self._interval

    def send(self, *states: str) -> bool:
        """One datagram with ``states``, a line each; False if not sent (never raises)."""
        if self._address is None or not states:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto("\n".join(states).encode(), self._address)
        except OSError:  # systemd gone or socket unreachable: nothing to tell anyone
            return False
        return True


def watchdog_interval(env: Mapping[str, str]) -> float | None:
    """Half of ``$WATCHDOG_USEC`` in seconds, if it is meant for this process: systemd's
    main process, or its only child (the kiosk under cage, or under xvfb-run)."""
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    pid = env.get("WATCHDOG_PID", "")
    if usec <= 0 or (pid and pid not in (str(os.getpid()), str(os.getppid()))):
        return None
    return usec / 2_000_000


def _address(name: str) -> str | bytes | None:
    if name.startswith("@"):  # the abstract namespace: a leading NUL byte instead of '@'
        return b"\0" + name[1:].encode()
    return name if name.startswith("/") else None


class Heartbeat:
    """A daemon thread sending ``WATCHDOG=1`` every interval while ``alive()`` says so.

    For a process whose loop may sleep longer than the watchdog's period (the sync
    worker between passes).  ``alive()`` is asked before every ping, so it must say
    more than "the thread exists": ``kiosk sync``'s also asks whether its loop has
    moved within the bound of its current step.  Once ``alive()`` is false the pings
    stop for good and systemd restarts the service: a loop stuck that long is not
    trusted to come back."""

    def __init__(self, notifier: Notifier, alive: Callable[[], bool]) -> None:
        self._notifier, self._alive = notifier, alive
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)

    def start(self) -> None:
        if self._notifier.watchdog_seconds is not None:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        interval = self._notifier.watchdog_seconds or 1.0
        while self._alive() and not self._stop.is_set():
            self._notifier.send(WATCHDOG)
            self._stop.wait(interval)
