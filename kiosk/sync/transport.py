"""The sockets under the portal client, shown to its watchdog (urllib3, under requests).

``requests`` itself stays in ``client``; this module is the part of its
transport that the overall deadline needs: each connection tells the
client's ``Watchdog`` which socket it uses — a new one before it connects
(so a connect that hangs, or a TLS handshake that trickles, can be cut too),
a pooled one each time it is reused.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from urllib3 import PoolManager, ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

from kiosk.sync.watchdog import Watchdog

CONNECT_TIMEOUT = 5.0

class _WatchedConnection(HTTPConnection):
    """A urllib3 connection that shows each socket it uses to the client's watchdog."""

    def __init__(self, *args: Any, watchdog: Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def _new_conn(self) -> socket.socket:
        """urllib3's own, but the watchdog sees the socket before it connects."""
        try:
            sock = _connect((self._dns_host, self.port), self.timeout, self.source_address,
                            self.socket_options, self._watchdog)
        except socket.gaierror as e:
            raise NameResolutionError(self.host, self, e) from e
        except TimeoutError as e:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from e
        except OSError as e:
            raise NewConnectionError(self, f"Failed to establish a new connection: {e}") from e
        sys.audit("http.client.connect", self, self.host, self.port)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None:  # a pooled connection, reused
            self._watchdog.attach(self.sock)
        super().request(*args, **kwargs)


class _WatchedTLSConnection(_WatchedConnection, HTTPSConnection):
    pass


def _connect(address: tuple[str, int | None], timeout: object, source: tuple[str, int] | None,
             options: Any, watchdog: Watchdog) -> socket.socket:
    """``urllib3.util.connection.create_connection``, watched, with a connect limit of its own.

    urllib3 applies its "connect" timeout to sending the request too, and
    ``sendall`` takes it as a total: a large upload on a slow uplink would be
    cut after a few seconds.  So requests gets the whole deadline for both,
    and the connect step alone is held to ``CONNECT_TIMEOUT`` (or half the
    deadline, so that a hung connect is told apart from a slow portal).
    """
    host, port = address
    limit = timeout if isinstance(timeout, (int, float)) else None
    error: OSError = OSError("getaddrinfo returned no address")
    for family, kind, proto, _name, where in socket.getaddrinfo(
            host.strip("[]"), port, allowed_gai_family(), socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        try:
            for option in options or ():
                sock.setsockopt(*option)
            sock.settimeout(CONNECT_TIMEOUT if limit is None else min(CONNECT_TIMEOUT, limit / 2))
            if source:
                sock.bind(source)
            watchdog.attach(sock)
            sock.connect(where)
            sock.settimeout(limit)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class WatchedPools(PoolManager):
    """A urllib3 pool manager whose connections show their sockets to ``watchdog``."""

    def __init__(self, watchdog: Watchdog, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._watchdog = watchdog

    def _new_pool(self, scheme: str, host: str, port: int,
                  request_context: dict[str, Any] | None = None) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.ConnectionCls = _WatchedTLSConnection if scheme == "https" else _WatchedConnection
        pool.conn_kw["watchdog"] = self._watchdog
        return pool


class WatchedProxyPools(WatchedPools, ProxyManager):
    """The same through an HTTP proxy (CONNECT for https)."""
