"""A fault-injecting HTTP proxy for the sync tests: real sockets, real HTTP.

It sits between the kiosk's client and the portal simulator and, for the
requests a plan picks, misbehaves the way real networks and portals do.  Some
faults happen *after* forwarding — the portal has accepted the dossier but the
kiosk never hears it — which is the case idempotency exists for.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

HTML_LOGIN = (b"<!DOCTYPE html><html><head><title>Wi-Fi login</title></head>"
              b"<body><form>Please sign in</form></body></html>")


class Fault:
    """What to do with one request. Subclasses override ``handle``."""

    name = "pass"

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        proxy.forward(body)


@dataclass
class Status(Fault):
    status: int
    retry_after: str | None = None

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"status_{self.status}"

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        payload = b'{"error":"injected","message":"L\\u1ed7i gi\\u1ea3 l\\u1eadp"}'
        headers = {"Retry-After": self.retry_after} if self.retry_after else {}
        proxy.reply(self.status, payload, "application/json", headers)


class Html200(Fault):
    name = "html_200"

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        proxy.reply(200, HTML_LOGIN, "text/html")


class Drop(Fault):
    """Close the connection without a word (before the portal sees the request)."""

    name = "drop"

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        proxy.abort()


class Stall(Fault):
    """Hold the request longer than the client waits: a timeout."""

    name = "stall"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        time.sleep(self.seconds)
        proxy.abort()


class ForwardThenDrop(Fault):
    """The portal accepts, then the answer is lost on the way back."""

    name = "forward_then_drop"

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        proxy.fetch_upstream(body)
        proxy.abort()


class ForwardThenStall(Fault):
    """The portal accepts, and the answer is held back: a kill now is the worst moment."""

    name = "forward_then_stall"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        status, headers, data = proxy.fetch_upstream(body)
        time.sleep(self.seconds)
        proxy.reply(status, data, headers.get("Content-Type", "application/json"))


class ForwardThenTruncate(Fault):
    """The portal accepts; the kiosk gets half of a JSON body with a matching length."""

    name = "forward_then_truncate"

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        status, _headers, data = proxy.fetch_upstream(body)
        proxy.reply(status, data[: max(1, len(data) // 2)], "application/json")


class ForwardThenRewrite(Fault):
    """The portal answers; the kiosk gets that answer with its JSON changed by ``edit``
    (a portal with a bug after the work is done: 2**70 as a status, a lone surrogate …)."""

    name = "forward_then_rewrite"

    def __init__(self, edit: Callable[[dict[str, Any]], None]) -> None:
        self.edit = edit

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        status, headers, data = proxy.fetch_upstream(body)
        answer = json.loads(data)
        self.edit(answer)
        proxy.reply(status, json.dumps(answer).encode(),
                    headers.get("Content-Type", "application/json"))


class ExpireTokens(Fault):
    """Every token is forgotten by the portal just before this request."""

    name = "expire_tokens"

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        proxy.server.upstream_call("POST", "/_sim/revoke-tokens")  # type: ignore[attr-defined]
        proxy.forward(body)


Plan = Callable[[str, str], Fault]


def random_plan(seed: int, rate: float, faults: list[Fault]) -> Plan:
    """Each dossier/file request misbehaves with probability ``rate``."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def plan(method: str, path: str) -> Fault:
        if method != "POST" or not path.startswith(("/api/v1/dossiers", "/api/v1/files")):
            return Fault()
        with lock:
            return rng.choice(faults) if rng.random() < rate else Fault()

    return plan


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, the body waits for the
    # client's delayed ACK (40 ms a request on Linux).
    disable_nagle_algorithm = True
    server: FaultProxy

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = self.server.plan(self.command, self.path)
        self.server.record(fault.name)
        fault.handle(self, body)

    def fetch_upstream(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "connection"}}
        return self.server.upstream_call(self.command, self.path, body, headers)

    def forward(self, body: bytes) -> None:
        status, headers, data = self.fetch_upstream(body)
        extra = {k: v for k, v in headers.items() if k.lower() == "retry-after"}
        self.reply(status, data, headers.get("Content-Type", "application/json"), extra)

    def reply(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def abort(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class FaultProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, plan: Plan) -> None:
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.plan = plan
        self.seen: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(self, name: str) -> None:
        with self._lock:
            self.seen[name] = self.seen.get(name, 0) + 1

    def upstream_call(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()
