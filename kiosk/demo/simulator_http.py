"""The simulator's HTTP plumbing: routing, bodies, JSON answers, clean shutdown.

Knows nothing of dossiers: it matches a route, enforces the route's body
limit *before* reading the body (a 500 MB upload is refused from its
Content-Length alone), asks the portal to authorize, calls the handler and
turns whatever comes back — a ``Response``, a ``PortalError``, or an
unexpected exception — into a JSON answer.  No Python traceback ever leaves.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from kiosk.demo.simulator_errors import ERRORS, PortalError, portal_error

logger = logging.getLogger(__name__)

# After an early refusal the client may still be sending its body; reading and
# dropping a bounded amount lets it receive our answer instead of a reset.
DRAIN_LIMIT = 64 * 1024 * 1024
LINGER_SECONDS = 2.0
# A client that stops sending mid-request must not hold a thread forever.
REQUEST_TIMEOUT_SECONDS = 30.0
_DIGITS = re.compile(r"[0-9]{1,15}")  # ASCII only: "²".isdigit() is true, int("²") fails


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str]
    headers: Message
    body: bytes
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class Response:
    status: int
    body: object
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    body_limit: int = 0
    auth: bool = True


def route(
    method: str, path: str, handler: Handler, *, body_limit: int = 0, auth: bool = True
) -> Route:
    """A route; ``{name}`` in ``path`` matches one URL-encoded path segment."""
    pattern = re.sub(r"\\\{\w+\\\}", "([^/]+)", re.escape(path))
    return Route(method, re.compile(pattern), handler, body_limit, auth)


def match_route(routes: Sequence[Route], method: str, path: str) -> tuple[Route, tuple[str, ...]]:
    """The route for ``method path``, with its decoded parameters; else 404 or 405."""
    allowed = set()
    for candidate in routes:
        found = candidate.pattern.fullmatch(path)
        if found is None:
            continue
        if candidate.method == method:
            return candidate, tuple(unquote(g) for g in found.groups())
        allowed.add(candidate.method)
    if allowed:
        raise portal_error("method", headers={"Allow": ", ".join(sorted(allowed))}, method=method)
    raise portal_error("no_route", path=path[:200])


def error_response(error: PortalError) -> Response:
    return Response(error.status, error.body(), error.headers)


class SimulatorServer(ThreadingHTTPServer):
    """A threading server that can close its idle keep-alive connections on stop.

    Handler threads are not daemons, so ``server_close`` joins them; waking
    the idle ones first (``close_connections``) keeps that join short.
    """

    daemon_threads = False
    block_on_close = True

    def __init__(
        self,
        address: tuple[str, int],
        routes: Sequence[Route],
        authorize: Callable[[str | None], None],
    ) -> None:
        super().__init__(address, SimulatorHandler)
        self.routes = tuple(routes)
        self.authorize = authorize
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler blocked on a keep-alive connection so it ends."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by its client
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-answer is routine, not worth a traceback on stderr.
        logger.debug("connection from %s ended abruptly", client_address, exc_info=True)


class SimulatorHandler(BaseHTTPRequestHandler):
    server: SimulatorServer
    protocol_version = "HTTP/1.1"  # keep-alive, as the kiosk's requests.Session expects
    # Headers and body go out in two writes: with Nagle on, the body waits for the
    # client's delayed ACK, 40 ms on every answer.
    disable_nagle_algorithm = True
    timeout = REQUEST_TIMEOUT_SECONDS
    _body_pending = 0  # bytes announced by the client that are not read yet

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        try:
            response = self._respond()
        except PortalError as error:
            response = error_response(error)
        except ConnectionError:
            self.close_connection = True  # the client left mid-body: no one to answer
            return
        except Exception:
            logger.exception("portal simulator failed on %s %s", self.command, self.path)
            response = error_response(portal_error("internal"))
        self._send(response)

    def _respond(self) -> Response:
        # Framing first: whatever the answer, the connection must know what is left unread.
        self._body_pending = 0
        self._body_pending = self._content_length()
        parts = urlsplit(self.path)
        found, params = match_route(self.server.routes, self.command, parts.path)
        if self._body_pending > found.body_limit:
            raise portal_error("body_too_large", limit=found.body_limit)
        body = self._read_body()
        if found.auth:
            self.server.authorize(self.headers.get("Authorization"))
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        request = Request(self.command, parts.path, query, self.headers, body, params)
        return found.handler(request)

    def _content_length(self) -> int:
        values = self.headers.get_all("Content-Length") or []
        if not values:
            if self.headers.get("Transfer-Encoding"):
                self.close_connection = True  # a chunked body we will not read
                raise portal_error("length_required")
            return 0
        if len(set(values)) != 1 or not _DIGITS.fullmatch(values[0].strip()):
            self.close_connection = True  # the framing of this connection is lost
            raise portal_error("bad_length")
        return int(values[0])

    def _read_body(self) -> bytes:
        body = self.rfile.read(self._body_pending)
        if len(body) < self._body_pending:
            raise ConnectionError("client closed the connection before sending its body")
        self._body_pending = 0
        return body

    def _send(self, response: Response) -> None:
        # "replace": a lone surrogate echoed from a hostile body must not break the answer.
        payload = json.dumps(response.body, ensure_ascii=False).encode("utf-8", "replace")
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection or self._body_pending:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        if self._body_pending:
            self._linger()

    def _linger(self) -> None:
        """Drop what the client still sends after an early answer, then let it close."""
        self.close_connection = True
        remaining = min(self._body_pending, DRAIN_LIMIT)
        self._body_pending = 0
        try:
            self.connection.shutdown(socket.SHUT_WR)  # the answer is complete: say so
            self.connection.settimeout(LINGER_SECONDS)
            while remaining > 0:
                chunk = self.rfile.read1(min(65536, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
        except OSError:
            pass  # the client gave up or went quiet: close anyway

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer http.server's own refusals (bad request line, unknown method) in JSON too."""
        key = f"http_{code}" if f"http_{code}" in ERRORS else "http_other"
        error = portal_error(key)
        self.close_connection = True
        self._send(Response(code, error.body()))

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)
