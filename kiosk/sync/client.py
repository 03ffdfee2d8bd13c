"""The portal client: the only module that speaks HTTP (PORTAL_API.md v1).

Every answer — or the lack of one — becomes an ``Outcome`` in ``classify``;
nothing else in the kiosk looks at status codes.  A 2xx whose body is not the
JSON promised (a captive portal's login page, a truncated body, a field of the
wrong type or out of range: ``answers``) is transient, and only the checked
answer leaves the client; a dossier is marked sent only on a sound ``MaHoSo``.
Redirects are never followed: a 3xx is transient too.

The client respects the portal as a whole (``gate``): after a Retry-After, a
run of server failures, a connection that cannot be made or a refused login,
every call returns a "paused" outcome at once, without touching the network,
until the pause is over.  Each request has one overall deadline, kept by a
``Watchdog`` that shuts its socket down; ``abort`` cuts the request in flight.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from kiosk.sync import answers
from kiosk.sync.answers import BadAnswer, Parser, decode_json
from kiosk.sync.gate import Clock, Jitter, PortalGate
from kiosk.sync.policy import Outcome, OutcomeKind, bad_answer, retry_after_seconds
from kiosk.sync.refusals import parse_refusal
from kiosk.sync.transport import WatchedPools, WatchedProxyPools
from kiosk.sync.watchdog import Watchdog

MAX_BODY_BYTES = 4 * 1024 * 1024
# The deadline of a request grows with what it uploads: a slow uplink is not a dead portal.
MIN_UPLOAD_BYTES_PER_SECOND = 64 * 1024
CLOSE_WAIT_SECONDS = 5.0

MESSAGES = {
    "timeout": "Cổng dịch vụ công không trả lời kịp; kiosk sẽ tự gửi lại.",
    "connection": "Không kết nối được tới cổng dịch vụ công (mất mạng?); kiosk sẽ tự gửi lại.",
    "reset": "Kết nối tới cổng dịch vụ công bị ngắt giữa chừng; kiosk sẽ tự gửi lại.",
    "not_json": "Cổng trả về nội dung không đúng định dạng (có thể mạng yêu cầu đăng nhập); "
    "kiosk sẽ tự gửi lại.",
    "too_large": "Cổng trả về nội dung quá lớn; kiosk sẽ tự gửi lại.",
    "server": "Cổng dịch vụ công đang gặp sự cố (mã {status}); kiosk sẽ tự gửi lại.",
    "busy": "Cổng dịch vụ công đang quá tải (mã {status}); kiosk sẽ tự gửi lại.",
    "auth": "Cổng dịch vụ công không chấp nhận tài khoản của kiosk. Cán bộ cần kiểm tra cấu hình "
    "(client_id, client_secret).",
    "token_rejected": "Cổng dịch vụ công từ chối mã truy cập vừa cấp cho kiosk; kiosk sẽ xin mã "
    "mới sau ít phút.",
    "paused": "Kiosk tạm ngừng liên lạc với cổng dịch vụ công khoảng {seconds} giây nữa. "
    "Lý do: {reason}",
    "stopped": "Kiosk đã dừng đồng bộ; hồ sơ sẽ được gửi khi kiosk chạy lại.",
    "refused": "Cổng dịch vụ công từ chối hồ sơ (mã {status}): {message}",
    "redirect": "Cổng dịch vụ công chuyển hướng sang trang khác (mã {status}; có thể mạng "
    "yêu cầu đăng nhập); kiosk sẽ tự gửi lại.",
}


class Portal(Protocol):
    """What the sync worker needs from a portal; the simulator's tests use the real one."""

    def upload_file(self, data: bytes, sha256: str, file_name: str, content_type: str) -> Outcome:
        ...

    def submit_dossier(self, body: bytes, idempotency_key: str) -> Outcome: ...

    def dossier_status(self, code: str) -> Outcome: ...

    def submit_rating(self, body: bytes, idempotency_key: str) -> Outcome: ...

    def changes_since(self, kiosk_id: str, since: str) -> Outcome: ...

    def procedures_since(self, since: str) -> Outcome: ...

    def abort(self) -> None:
        """Cut the request in flight now; later calls return a "stopped" outcome (any thread)."""

    def pause_remaining(self) -> float:
        """Seconds until calls go out again; 0 when open (and when stopped: nothing to wait)."""
        ...


# ---------------------------------------------------------------- what an answer means


def classify(
    response: requests.Response | None, error: Exception | None, parse: Parser
) -> Outcome:
    """The one place that decides what an HTTP exchange means (with ``policy``)."""
    if response is None:
        return _transient(_error_code(error))
    status = response.status_code
    if 200 <= status < 300:
        return _classify_success(response, parse)
    if status == 401:
        return Outcome(OutcomeKind.AUTH, "unauthorized", MESSAGES["auth"])
    if status in (408, 429) or status >= 500 or status < 200:
        key = "busy" if status in (429, 503) else "server"
        wait = _retry_after(response) if status in (429, 503) else None
        return Outcome(OutcomeKind.TRANSIENT, f"http_{status}",
                       MESSAGES[key].format(status=status), retry_after=wait)
    if 300 <= status < 400:  # never followed: a captive portal's login page, or a moved portal
        return Outcome(OutcomeKind.TRANSIENT, "redirect", MESSAGES["redirect"].format(
            status=status))
    return _classify_refusal(response)


def _transient(code: str) -> Outcome:
    return Outcome(OutcomeKind.TRANSIENT, code, MESSAGES[code])


def _error_code(error: Exception | None) -> str:
    """"connection": no connection could be made (portal-wide); else "timeout" or "reset"."""
    if isinstance(error, (requests.ConnectTimeout, requests.exceptions.ProxyError)):
        return "connection"
    reason = error.args[0] if error is not None and error.args else None
    if isinstance(getattr(reason, "reason", reason), NewConnectionError):
        return "connection"
    return "timeout" if isinstance(error, requests.Timeout) else "reset"


def _classify_success(response: requests.Response, parse: Parser) -> Outcome:
    try:
        body = decode_json(response.content, response.headers.get("Content-Type"))
        answer = parse(body)
    except BadAnswer as error:
        if error.reason in ("content_type", "encoding", "json"):
            return _transient("not_json")
        return bad_answer(error)
    # Only the checked answer leaves the client: the raw body may hold anything.
    return Outcome(OutcomeKind.ACCEPTED, f"http_{response.status_code}", "", answer=answer)


def _classify_refusal(response: requests.Response) -> Outcome:
    refusal = parse_refusal(response.status_code, response.content)
    text = MESSAGES["refused"].format(status=response.status_code,
                                      message=refusal.message or "không rõ lý do")
    return Outcome(OutcomeKind.PERMANENT, refusal.code, text[:2000])


def _retry_after(response: requests.Response) -> float | None:
    return retry_after_seconds(response.headers.get("Retry-After", ""), datetime.now(UTC))


# ---------------------------------------------------------------- requests, over watched sockets


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter, its connections (direct or through an HTTP proxy) watched."""

    def __init__(self, watchdog: Watchdog) -> None:
        self._watchdog = watchdog
        super().__init__()

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = WatchedPools(self._watchdog, num_pools=connections, maxsize=maxsize,
                                         block=block, **pool_kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        if proxy in self.proxy_manager or proxy.lower().startswith("socks"):
            return super().proxy_manager_for(proxy, **proxy_kwargs)  # SOCKS: not watched
        manager = self.proxy_manager[proxy] = WatchedProxyPools(
            self._watchdog, proxy_url=proxy, proxy_headers=self.proxy_headers(proxy),
            num_pools=self._pool_connections, maxsize=self._pool_maxsize,
            block=self._pool_block, **proxy_kwargs)
        return manager


def _settle_environment(session: requests.Session, url: str) -> None:
    """Read once what requests would otherwise read from the environment on every call.

    With ``trust_env`` on, requests scans the proxy variables (and ``no_proxy``)
    for each request, milliseconds a call.  A kiosk's environment does not
    change while it runs: the proxy that applies to the portal's address, and a
    CA bundle named by REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, are resolved here
    once and kept on the session.  ``.netrc`` is no longer consulted: it could
    only replace the portal's bearer token.
    """
    settings = session.merge_environment_settings(url, {}, None, None, None)
    session.trust_env = False
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]


# ---------------------------------------------------------------- the client


class PortalClient:
    """``Portal`` over HTTP with requests; gets a token, and a new one once on 401.

    One caller at a time (the sync worker); ``abort`` and ``pause_remaining``
    may be called from any thread.  ``on_request`` hears each request's deadline as
    it goes out (the sync loop's ``Progress``: a long upload is not a hang).
    ``clock`` (monotonic seconds) and ``jitter`` (uniform in [0, 1)) are for tests.
    """

    def __init__(
        self, base_url: str, client_id: str, client_secret: str, timeout: float = 20.0, *,
        clock: Clock = time.monotonic, jitter: Jitter = random.random,
        on_request: Callable[[float], None] | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._credentials = {"client_id": client_id, "client_secret": client_secret}
        self._timeout = timeout
        self._gate = PortalGate(clock, jitter)
        self._watchdog = Watchdog()
        self._session = requests.Session()
        _settle_environment(self._session, self._base)
        adapter = _WatchedAdapter(self._watchdog)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._lock = threading.Lock()  # one request in flight: the one the watchdog watches
        self._token: str | None = None
        self._on_request = on_request or (lambda _seconds: None)

    def abort(self) -> None:
        """Stop for good: the request in flight ends at once, later calls return "stopped"."""
        self._gate.stop()
        self._watchdog.abort()

    def close(self) -> None:
        """Abort, then release the connections and the watchdog's thread."""
        self.abort()
        idle = self._lock.acquire(timeout=CLOSE_WAIT_SECONDS)  # the aborted request ends first
        try:
            self._session.close()
        finally:
            if idle:
                self._lock.release()
        self._watchdog.close()

    def pause_remaining(self) -> float:
        """Seconds until calls go out again; 0 when open (and when stopped)."""
        return self._gate.pause()[0]

    def upload_file(self, data: bytes, sha256: str, file_name: str, content_type: str) -> Outcome:
        files = {"file": (file_name, data, content_type)}
        return self._call("POST", "/api/v1/files", answers.parse_file,
                          upload=len(data), files=files, data={"sha256": sha256})

    def submit_dossier(self, body: bytes, idempotency_key: str) -> Outcome:
        headers = {"Idempotency-Key": idempotency_key,
                   "Content-Type": "application/json; charset=utf-8"}
        return self._call("POST", "/api/v1/dossiers", answers.parse_dossier, upload=len(body),
                          data=body, headers=headers)

    def submit_rating(self, body: bytes, idempotency_key: str) -> Outcome:
        """§7: sent only on a body whose ``IdDanhGia`` is a short visible id."""
        headers = {"Idempotency-Key": idempotency_key,
                   "Content-Type": "application/json; charset=utf-8"}
        return self._call("POST", "/api/v1/ratings", answers.parse_rating, upload=len(body),
                          data=body, headers=headers)

    def dossier_status(self, code: str) -> Outcome:
        path = "/api/v1/dossiers/" + quote(code, safe="")
        return self._call("GET", path, answers.parse_status)

    def changes_since(self, kiosk_id: str, since: str) -> Outcome:
        params = {"kiosk": kiosk_id, "changed_since": since}
        return self._call("GET", "/api/v1/dossiers", answers.parse_changes, params=params)

    def procedures_since(self, since: str) -> Outcome:
        return self._call("GET", "/api/v1/procedures", answers.parse_procedures,
                          params={"changed_since": since})

    def health(self) -> bool:
        outcome = self._exchange("GET", "/api/v1/health", answers.parse_health, auth=False)
        return outcome.kind is OutcomeKind.ACCEPTED

    # ------------------------------------------------------------ tokens

    def _call(self, method: str, path: str, parse: Parser, **kwargs: Any) -> Outcome:
        fresh = self._token is None
        if fresh:
            failure = self._fetch_token()
            if failure is not None:
                return failure
        outcome = self._exchange(method, path, parse, **kwargs)
        if outcome.kind is OutcomeKind.AUTH and not fresh:  # expired early: one new token
            failure = self._fetch_token()
            if failure is not None:
                return failure
            outcome = self._exchange(method, path, parse, **kwargs)
        if outcome.kind is OutcomeKind.AUTH:  # a token just issued refused: never reuse it
            return self._auth_failed("token_rejected", "token_rejected")
        return outcome

    def _fetch_token(self) -> Outcome | None:
        self._token = None
        outcome = self._exchange("POST", "/api/v1/token", answers.parse_token, auth=False,
                                 json=self._credentials)
        if outcome.kind is OutcomeKind.ACCEPTED and isinstance(outcome.answer,
                                                                answers.TokenAnswer):
            self._token = outcome.answer.token
            return None
        if outcome.kind in (OutcomeKind.AUTH, OutcomeKind.PERMANENT):
            return self._auth_failed("unauthorized", "auth")
        return replace(outcome, portal_wide=True)  # about the token, never about the item

    def _auth_failed(self, code: str, key: str) -> Outcome:
        self._token = None
        pause = self._gate.auth_failed(MESSAGES[key])
        return Outcome(OutcomeKind.AUTH, code, MESSAGES[key], retry_after=pause,
                       portal_wide=True)

    # ------------------------------------------------------------ one exchange

    def _exchange(
        self, method: str, path: str, parse: Parser, *, auth: bool = True, upload: int = 0,
        **kwargs: Any,
    ) -> Outcome:
        refusal = self._refusal()
        if refusal is not None:
            return refusal
        headers = dict(kwargs.pop("headers", {}))
        if auth and self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        seconds = self._timeout + upload / MIN_UPLOAD_BYTES_PER_SECOND
        with self._lock:
            if self._gate.stopped:  # aborted while waiting for the lock
                return _stopped()
            self._on_request(seconds)
            outcome = self._timed(method, path, parse, seconds, headers=headers, **kwargs)
        return self._after(outcome, authenticated=auth)

    def _refusal(self) -> Outcome | None:
        """Why nothing may go out now, or None."""
        if self._gate.stopped:
            return _stopped()
        left, reason = self._gate.pause()
        if left <= 0:
            return None
        text = MESSAGES["paused"].format(seconds=math.ceil(left), reason=reason)
        return Outcome(OutcomeKind.TRANSIENT, "paused", text, retry_after=left, portal_wide=True)

    def _timed(self, method: str, path: str, parse: Parser, seconds: float,
               **kwargs: Any) -> Outcome:
        self._watchdog.arm(seconds)
        try:
            outcome = self._request(method, path, parse, seconds, **kwargs)
        finally:
            cut = self._watchdog.disarm()
        if not cut:
            return outcome
        return _stopped() if self._gate.stopped else _transient("timeout")

    def _request(self, method: str, path: str, parse: Parser, seconds: float,
                 **kwargs: Any) -> Outcome:
        try:  # per socket operation; the watchdog keeps the total (connect: see transport)
            with self._session.request(method, self._base + path, timeout=(seconds, seconds),
                                       stream=True, allow_redirects=False, **kwargs) as response:
                _read_capped(response)
                return classify(response, None, parse)
        except (requests.RequestException, OSError) as exc:  # OSError: a cut socket, unwrapped
            return classify(None, exc, parse)
        except _TooLarge:
            return _transient("too_large")

    def _after(self, outcome: Outcome, *, authenticated: bool) -> Outcome:
        """Tell the gate what the portal did; mark what speaks for the whole portal."""
        transient = outcome.kind is OutcomeKind.TRANSIENT  # its codes are ours, not the portal's
        if transient and outcome.code == "stopped":
            return outcome
        if transient and outcome.code == "connection":
            pause = self._gate.connection_failed(outcome.message)
            return replace(outcome, retry_after=pause, portal_wide=True)
        if transient:
            pause = self._gate.server_failed(outcome.message, outcome.retry_after)
            return replace(outcome, retry_after=pause or outcome.retry_after,
                           portal_wide=pause > 0)
        self._gate.answered(authenticated=authenticated and outcome.kind is not OutcomeKind.AUTH)
        return outcome


def _stopped() -> Outcome:
    return Outcome(OutcomeKind.TRANSIENT, "stopped", MESSAGES["stopped"], portal_wide=True)


class _TooLarge(Exception):
    pass


def _read_capped(response: requests.Response) -> None:
    """Read the body, refusing more than MAX_BODY_BYTES (a hostile or broken server)."""
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    response._content = b"".join(chunks)  # what .content returns from now on
