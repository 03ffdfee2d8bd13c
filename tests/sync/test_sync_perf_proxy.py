"""The portal client reads the proxy settings once, when it is built, and keeps them.

requests would look them up again on every call; the kiosk's environment does
not change while it runs, so the client resolves them up front.  A proxy the
environment names must still carry every request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.sync.client import PortalClient

PORTAL = "http://portal.invalid:8080"


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy that forwards nothing: it notes the request line and answers 503."""

    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.requestline)
        body = b'{"error": "busy"}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (_Proxy,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def clear_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_a_proxy_named_in_the_environment_carries_the_requests(
    proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = proxy
    clear_proxy_variables(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", url)
    client = PortalClient(PORTAL, "kiosk", "secret", timeout=5)
    try:
        assert client.health() is False  # the proxy's 503
    finally:
        client.close()
    assert seen == [f"GET {PORTAL}/api/v1/health HTTP/1.1"]


def test_no_proxy_for_the_portal_is_honoured(
    proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = proxy
    clear_proxy_variables(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.setenv("NO_PROXY", "portal.invalid")
    client = PortalClient(PORTAL, "kiosk", "secret", timeout=5)
    try:
        assert client.health() is False  # portal.invalid does not resolve
    finally:
        client.close()
    assert seen == []


def test_the_environment_is_read_when_the_client_is_built_and_not_per_call(
    proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = proxy
    clear_proxy_variables(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", url)
    client = PortalClient(PORTAL, "kiosk", "secret", timeout=5)
    monkeypatch.delenv("HTTP_PROXY")
    try:
        client.health()
    finally:
        client.close()
    assert len(seen) == 1
