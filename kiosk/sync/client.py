"""The portal client: the only module that speaks HTTP (PORTAL_API.md v1).

Every answer — or the lack of one — becomes an ``Outcome`` in ``classify``;
nothing else in the kiosk looks at status codes.  A 2xx whose body is not the
JSON promised (a captive portal's login page, a truncated body) is transient:
a dossier is marked sent only on a parsable body that carries ``MaHoSo``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import quote

import requests

from kiosk.sync.policy import Outcome, OutcomeKind

MAX_BODY_BYTES = 4 * 1024 * 1024
CONNECT_TIMEOUT = 5.0

Expect = Callable[[Mapping[str, Any]], bool]

MESSAGES = {
    "timeout": "Cổng dịch vụ công không trả lời kịp; kiosk sẽ tự gửi lại.",
    "connection": "Không kết nối được tới cổng dịch vụ công (mất mạng?); kiosk sẽ tự gửi lại.",
    "not_json": "Cổng trả về nội dung không đúng định dạng (có thể mạng yêu cầu đăng nhập); "
    "kiosk sẽ tự gửi lại.",
    "too_large": "Cổng trả về nội dung quá lớn; kiosk sẽ tự gửi lại.",
    "server": "Cổng dịch vụ công đang gặp sự cố (mã {status}); kiosk sẽ tự gửi lại.",
    "busy": "Cổng dịch vụ công đang quá tải (mã {status}); kiosk sẽ tự gửi lại.",
    "auth": "Cổng dịch vụ công không chấp nhận tài khoản của kiosk. Cán bộ cần kiểm tra cấu hình "
    "(client_id, client_secret).",
    "refused": "Cổng dịch vụ công từ chối hồ sơ (mã {status}): {message}",
}


class Portal(Protocol):
    """What the sync worker needs from a portal; the simulator's tests use the real one."""

    def upload_file(self, data: bytes, sha256: str, file_name: str, content_type: str) -> Outcome:
        ...

    def submit_dossier(self, body: bytes, idempotency_key: str) -> Outcome: ...

    def dossier_status(self, code: str) -> Outcome: ...

    def changes_since(self, kiosk_id: str, since: str) -> Outcome: ...

    def procedures_since(self, since: str) -> Outcome: ...


def classify(
    response: requests.Response | None, error: Exception | None, expect: Expect
) -> Outcome:
    """The one place that decides what an HTTP exchange means."""
    if response is None:
        code = "timeout" if isinstance(error, requests.Timeout) else "connection"
        return Outcome(OutcomeKind.TRANSIENT, code, MESSAGES[code])
    status = response.status_code
    if 200 <= status < 300:
        return _classify_success(response, expect)
    if status == 401:
        return Outcome(OutcomeKind.AUTH, "unauthorized", MESSAGES["auth"])
    if status in (408, 429) or status >= 500:
        key = "busy" if status in (429, 503) else "server"
        return Outcome(OutcomeKind.TRANSIENT, f"http_{status}",
                       MESSAGES[key].format(status=status), retry_after=_retry_after(response))
    return _classify_refusal(response)


def _classify_success(response: requests.Response, expect: Expect) -> Outcome:
    body = _json_body(response)
    if body is None or not expect(body):
        return Outcome(OutcomeKind.TRANSIENT, "not_json", MESSAGES["not_json"])
    return Outcome(OutcomeKind.ACCEPTED, f"http_{response.status_code}", "", body=dict(body))


def _classify_refusal(response: requests.Response) -> Outcome:
    body = _json_body(response) or {}
    code = str(body.get("error") or f"http_{response.status_code}")
    message = str(body.get("message") or "không rõ lý do")
    details = body.get("details")
    if isinstance(details, list) and details:
        message += " — " + "; ".join(_detail_text(d) for d in details[:5])
    text = MESSAGES["refused"].format(status=response.status_code, message=message)
    return Outcome(OutcomeKind.PERMANENT, code, text[:2000], body=body or None)


def _detail_text(detail: object) -> str:
    if isinstance(detail, Mapping):
        return f"{detail.get('field', '?')}: {detail.get('message', '')}"
    return str(detail)


def _json_body(response: requests.Response) -> dict[str, Any] | None:
    try:
        data = json.loads(response.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _has(*keys: str) -> Expect:
    return lambda body: all(body.get(k) not in (None, "") for k in keys)


class PortalClient:
    """``Portal`` over HTTP with requests; gets a token, and a new one once on 401."""

    def __init__(
        self, base_url: str, client_id: str, client_secret: str, timeout: float = 20.0
    ) -> None:
        self._base = base_url.rstrip("/")
        self._credentials = {"client_id": client_id, "client_secret": client_secret}
        self._timeout = (CONNECT_TIMEOUT, timeout)
        self._session = requests.Session()
        self._token: str | None = None

    def close(self) -> None:
        self._session.close()

    def upload_file(self, data: bytes, sha256: str, file_name: str, content_type: str) -> Outcome:
        files = {"file": (file_name, data, content_type)}
        return self._call("POST", "/api/v1/files", _has("IdTepTin", "HashTepTin"),
                          files=files, data={"sha256": sha256})

    def submit_dossier(self, body: bytes, idempotency_key: str) -> Outcome:
        headers = {"Idempotency-Key": idempotency_key,
                   "Content-Type": "application/json; charset=utf-8"}
        return self._call("POST", "/api/v1/dossiers", _has("MaHoSo"), data=body, headers=headers)

    def dossier_status(self, code: str) -> Outcome:
        path = "/api/v1/dossiers/" + quote(code, safe="")
        return self._call("GET", path, _has("MaHoSo", "TrangThaiHoSo"))

    def changes_since(self, kiosk_id: str, since: str) -> Outcome:
        params = {"kiosk": kiosk_id, "changed_since": since}
        return self._call("GET", "/api/v1/dossiers", _has("now"), params=params)

    def procedures_since(self, since: str) -> Outcome:
        return self._call("GET", "/api/v1/procedures", _has("now"), params={"changed_since": since})

    def health(self) -> bool:
        outcome = self._exchange("GET", "/api/v1/health", _has("status"), auth=False)
        return outcome.kind is OutcomeKind.ACCEPTED

    def _call(self, method: str, path: str, expect: Expect, **kwargs: Any) -> Outcome:
        if self._token is None:
            failure = self._fetch_token()
            if failure is not None:
                return failure
        outcome = self._exchange(method, path, expect, **kwargs)
        if outcome.kind is OutcomeKind.AUTH:  # expired early: one new token, one more try
            failure = self._fetch_token()
            outcome = failure or self._exchange(method, path, expect, **kwargs)
        return outcome

    def _fetch_token(self) -> Outcome | None:
        self._token = None
        outcome = self._exchange("POST", "/api/v1/token", _has("access_token"),
                                 auth=False, json=self._credentials)
        if outcome.kind is not OutcomeKind.ACCEPTED or outcome.body is None:
            return outcome
        self._token = str(outcome.body["access_token"])
        return None

    def _exchange(
        self, method: str, path: str, expect: Expect, *, auth: bool = True, **kwargs: Any
    ) -> Outcome:
        headers = dict(kwargs.pop("headers", {}))
        if auth and self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            with self._session.request(method, self._base + path, headers=headers,
                                       timeout=self._timeout, stream=True, **kwargs) as response:
                _read_capped(response)
                return classify(response, None, expect)
        except requests.RequestException as exc:
            return classify(None, exc, expect)
        except _TooLarge:
            return Outcome(OutcomeKind.TRANSIENT, "too_large", MESSAGES["too_large"])


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
