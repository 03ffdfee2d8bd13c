"""Real servers on 127.0.0.1 that misbehave the way slow or broken portals do.

- ``ScriptedPortal``: an HTTP server whose every answer a test script chooses,
  counting what reached it (method, path, bearer token).
- ``DripServer``: answers the token properly, then trickles the answer to
  anything else one byte at a time (the body, or the status line itself).
- ``Blackhole``: a listener whose accept queue is full, so connecting hangs.

Each one, leaving its ``with`` block, cuts its connections and joins every
thread it started: nothing outlives the test.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

TOKEN_PATH = "/api/v1/token"


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    token: str | None  # the bearer token the request carried


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = field(default_factory=dict)  # sent as JSON
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    read_pause: float = 0.0  # seconds to wait between 64 KiB chunks of the request body
    raw: bytes | None = None  # sent as is instead of ``body``
    content_type: str = "application/json"


Script = Callable[[Seen], Reply]


def token_reply(token: str) -> Reply:
    return Reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 30
    server: ScriptedPortal

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        auth = self.headers.get("Authorization") or ""
        seen = Seen(self.command, self.path, auth.removeprefix("Bearer ") or None)
        reply = self.server.record(seen)
        self._read_body(reply.read_pause)
        if reply.delay and self.server.closing.wait(reply.delay):
            return
        data = json.dumps(reply.body).encode() if reply.raw is None else reply.raw
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self, pause: float) -> None:
        left = int(self.headers.get("Content-Length") or 0)
        while left > 0 and not self.server.closing.is_set():
            chunk = self.rfile.read(min(left, 64 * 1024))
            if not chunk:
                return
            left -= len(chunk)
            if pause:
                self.server.closing.wait(pause)


class ScriptedPortal(ThreadingHTTPServer):
    daemon_threads = False  # server_close joins the handler threads
    block_on_close = True

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.seen: list[Seen] = []
        self.closing = threading.Event()
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,),
                                        name="scripted-portal")

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
        return self.script(seen)

    def count(self, prefix: str = "/") -> int:
        with self._lock:
            return sum(1 for s in self.seen if s.path.startswith(prefix))

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        with self._lock:
            self._connections.append(connection)
        return connection, address

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.shutdown()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        self.server_close()
        self._thread.join()


class DripServer:
    """Token requests get a token; every other request an answer one byte per ``interval``."""

    def __init__(self, *, drip_headers: bool = False, interval: float = 0.5,
                 length: int = 100_000, tls: ssl.SSLContext | None = None,
                 mute: bool = False) -> None:
        self.drip_headers = drip_headers
        self.tls = tls  # speak HTTPS with this server context
        self.mute = mute  # accept, then say nothing at all (not even a TLS handshake)
        self.interval = interval
        self.length = length
        self.dripping = threading.Event()  # set when a drip has begun
        self.requests = 0
        self._closing = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        scheme = "http" if self.tls is None else "https"
        return f"{scheme}://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> Self:
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            threads = list(self._threads)
        for thread in threads:
            thread.join()
        for connection in self._connections:
            connection.close()

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name="drip-server")
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(connection)
            self._spawn(self._serve, connection)

    def _serve(self, connection: socket.socket) -> None:
        if self.mute:
            self._closing.wait()
            return
        if self.tls is not None:
            with contextlib.suppress(OSError):
                connection = self.tls.wrap_socket(connection, server_side=True)
                with self._lock:
                    self._connections.append(connection)
                self._converse(connection)
            return
        self._converse(connection)

    def _converse(self, connection: socket.socket) -> None:
        with connection.makefile("rb") as reader, contextlib.suppress(OSError, ValueError):
            while not self._closing.is_set():
                path = _read_request(reader)
                if path is None:
                    return
                with self._lock:
                    self.requests += 1
                if path != TOKEN_PATH:
                    self._drip(connection)
                    return
                connection.sendall(_token_answer())

    def _drip(self, connection: socket.socket) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" \
               f"Content-Length: {self.length}\r\n\r\n".encode()
        if not self.drip_headers:
            connection.sendall(head)
        data = (head if self.drip_headers else b"") + b" " * self.length
        self.dripping.set()
        for offset in range(len(data)):
            connection.sendall(data[offset:offset + 1])
            if self._closing.wait(self.interval):
                return


def _read_request(reader: Any) -> str | None:
    """The path of the next request on a keep-alive connection (its body skipped)."""
    line = reader.readline()
    if not line:
        return None
    length = 0
    while (header := reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    reader.read(length)
    return str(line.split()[1].decode("latin-1"))


def _token_answer() -> bytes:
    body = json.dumps({"access_token": "drip-token", "token_type": "Bearer",
                       "expires_in": 3600}).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" \
           f"Content-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


class Blackhole:
    """A listener that never accepts, its queue full: a connect to it hangs (SYN dropped)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=0)
        self._fillers: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> Self:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(self._listener.getsockname())
            self._fillers.append(filler)
        time.sleep(0.2)  # let the first handshakes fill the accept queue
        return self

    def __exit__(self, *exc: object) -> None:
        for filler in self._fillers:
            filler.close()
        self._listener.close()


def self_signed(folder: Path) -> tuple[ssl.SSLContext, Path] | None:
    """A server context for 127.0.0.1 and the certificate to trust, or None without openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert
