"""A stand-in for systemd's NOTIFY_SOCKET: a bound datagram socket a test reads."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def notify_listener(folder: Path, timeout: float) -> Iterator[tuple[socket.socket, str]]:
    """The socket (each ``recv`` waits at most ``timeout`` s) and its path for NOTIFY_SOCKET."""
    path = folder / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(timeout)
    try:
        yield sock, str(path)
    finally:
        sock.close()
