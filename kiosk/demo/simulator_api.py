"""What the simulated portal answers: every endpoint of PORTAL_API.md, plus admin ones.

``Portal`` holds the behaviour; ``simulator_http`` carries the bytes and
``simulator_store`` keeps what must survive a restart.  Time comes only from
the injected clock, so a test moves a dossier through the office by moving
the clock, never by sleeping.

Tokens live in memory on purpose: a restarted portal forgetting them is
realistic, and it is exactly what makes the kiosk prove it re-authenticates
on a ``401``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.demo.simulator_errors import detail, portal_error
from kiosk.demo.simulator_files import UPLOAD_LIMIT, parse_upload
from kiosk.demo.simulator_http import Request, Response, Route, route
from kiosk.demo.simulator_idempotency import idempotent_answer
from kiosk.demo.simulator_ratings import RatingDesk
from kiosk.demo.simulator_store import DossierRow, NewDossier, SimulatorStore, Stored
from kiosk.demo.simulator_timeline import (
    current_status,
    last_change,
    manual_event,
    timeline,
)
from kiosk.demo.simulator_validate import Report, nullable, parse_json, text, validate_dossier
from kiosk.domain.dates import from_wire, to_vietnam_time, to_wire
from kiosk.domain.errors import ValidationError
from kiosk.domain.states import PORTAL_STATUS_LABELS

JSON_LIMIT = 1024 * 1024  # a dossier is a few kilobytes; attachments go to /files
_WIRE = re.compile(r"[0-9]{14}")
# An idempotency key is chosen by the kiosk (a UUID); anything printable and short is fair.
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")
COUNTERS = (
    "dossiers_new",
    "dossiers_replayed",
    "dossiers_conflicts",
    "files_new",
    "files_replayed",
    "ratings_new",
    "ratings_replayed",
    "ratings_conflicts",
)


@dataclass(frozen=True)
class PortalSettings:
    credentials: Mapping[str, str]
    token_ttl_seconds: int
    step_seconds: float
    catalogue: Sequence[Mapping[str, Any]]
    catalogue_changed_at: datetime


class TokenBook:
    """Bearer tokens issued since start, with their expiry by the portal's clock."""

    def __init__(self) -> None:
        self._expiry: dict[str, datetime] = {}
        self._lock = threading.Lock()
        self.issued = 0

    def issue(self, now: datetime, ttl_seconds: int) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._expiry[token] = now + timedelta(seconds=ttl_seconds)
            self.issued += 1
        return token

    def valid(self, token: str, now: datetime) -> bool:
        with self._lock:
            expiry = self._expiry.get(token)
            if expiry is not None and expiry <= now:
                del self._expiry[token]
                expiry = None
        return expiry is not None

    def revoke_all(self) -> int:
        with self._lock:
            count = len(self._expiry)
            self._expiry.clear()
        return count


class Portal:
    def __init__(
        self, store: SimulatorStore, settings: PortalSettings, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._tokens = TokenBook()
        self._ratings = RatingDesk(store, self.now, _key_ok, canonical_hash)

    def now(self) -> datetime:
        return to_vietnam_time(self._clock())

    def routes(self) -> tuple[Route, ...]:
        return (
            route("POST", "/api/v1/token", self.token, body_limit=64 * 1024, auth=False),
            route("POST", "/api/v1/files", self.upload_file, body_limit=UPLOAD_LIMIT),
            route("POST", "/api/v1/dossiers", self.submit_dossier, body_limit=JSON_LIMIT),
            route("GET", "/api/v1/dossiers", self.list_dossiers),
            route("GET", "/api/v1/dossiers/{code}", self.get_dossier),
            route("POST", "/api/v1/ratings", self._ratings.submit, body_limit=64 * 1024),
            route("GET", "/api/v1/procedures", self.procedures),
            route("GET", "/api/v1/health", self.health, auth=False),
            route(
                "POST",
                "/_sim/dossiers/{code}/status",
                self.set_status,
                body_limit=64 * 1024,
                auth=False,
            ),
            route("POST", "/_sim/revoke-tokens", self.revoke_tokens, auth=False),
            route("GET", "/_sim/stats", self.stats, auth=False),
            route("GET", "/_sim/ratings", self._ratings.inspect, auth=False),
        )

    def authorize(self, header: str | None) -> None:
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not self._tokens.valid(token.strip(), self.now()):
            raise portal_error("unauthorized", headers={"WWW-Authenticate": "Bearer"})

    # --- §1 token -------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        client_id, secret = _credentials_of(request.body)
        expected = self._settings.credentials.get(client_id)
        # compare_digest: the answer's timing must not reveal how much of a secret matched.
        given = secret.encode("utf-8", "surrogatepass")  # JSON may smuggle a lone surrogate
        if expected is None or not hmac.compare_digest(expected.encode(), given):
            raise portal_error("bad_credentials")
        ttl = self._settings.token_ttl_seconds
        token = self._tokens.issue(self.now(), ttl)
        return Response(200, {"access_token": token, "token_type": "Bearer", "expires_in": ttl})

    # --- §2 files -------------------------------------------------------------------

    def upload_file(self, request: Request) -> Response:
        upload = parse_upload(request.headers.get("Content-Type"), request.body)
        body, created = self._store.store_file(upload, uuid.uuid4().hex, self.now())
        self._store.bump("files_new" if created else "files_replayed")
        return Response(201 if created else 200, body)

    # --- §3 dossiers ----------------------------------------------------------------

    def submit_dossier(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if not _IDEMPOTENCY_KEY.fullmatch(key):
            raise portal_error("idempotency_key")
        body = parse_json(request.body)
        body_hash = canonical_hash(body)
        # A retry of an accepted dossier is answered from the record, before any check
        # that might have changed since: the first answer stands.
        earlier = self._store.idempotency_record(key)
        if earlier is None:
            validate_dossier(body)
            self._check_files(body["TaiLieuNop"])
            new = NewDossier(key, body_hash, body, self.now(), self._settings.step_seconds)
            earlier = self._store.insert_dossier(new)
        return self._idempotent_answer(earlier, body_hash)

    def _idempotent_answer(self, record: Stored, body_hash: str) -> Response:
        return idempotent_answer(self._store, record, body_hash, "dossiers",
                                 "idempotency_conflict")

    def _check_files(self, documents: Sequence[Mapping[str, Any]]) -> None:
        known = self._store.file_hashes(str(d["IdTepTin"]) for d in documents)
        details = []
        for index, document in enumerate(documents):
            where = f"TaiLieuNop[{index}]"
            stored = known.get(document["IdTepTin"])
            if stored is None:
                details.append(detail(f"{where}.IdTepTin", _UNKNOWN_FILE))
            elif document.get("HashTepTin", stored).lower() != stored:
                details.append(detail(f"{where}.HashTepTin", _OTHER_HASH))
        if details:
            raise portal_error("missing_file", details)

    # --- §4 status ------------------------------------------------------------------

    def get_dossier(self, request: Request) -> Response:
        code = request.params[0]
        row = self._store.dossier(code)
        if row is None:
            raise portal_error("dossier_not_found", code=code[:100])
        return Response(200, self._view(row, self.now()))

    def list_dossiers(self, request: Request) -> Response:
        kiosk = request.query.get("kiosk", "")
        if not kiosk:
            raise portal_error("missing_kiosk")
        since = _changed_since(request.query)
        now = self.now()
        items = []
        for row in self._store.dossiers_of_kiosk(kiosk):
            events = timeline(row.schedule, now)
            if since is None or last_change(events) > since:
                items.append(_view_of(row, events))
        return Response(200, {"items": items, "now": to_wire(now)})

    def _view(self, row: DossierRow, now: datetime) -> dict[str, Any]:
        return _view_of(row, timeline(row.schedule, now))

    # --- §5 catalogue, §6 health ----------------------------------------------------

    def procedures(self, request: Request) -> Response:
        since = _changed_since(request.query)
        changed = since is None or self._settings.catalogue_changed_at > since
        items = list(self._settings.catalogue) if changed else []
        return Response(200, {"items": items, "now": to_wire(self.now())})

    def health(self, request: Request) -> Response:
        return Response(200, {"status": "ok", "now": to_wire(self.now())})

    # --- admin (not part of the contract: tests and demos only) ---------------------

    def set_status(self, request: Request) -> Response:
        row = self._store.dossier(request.params[0])
        if row is None:
            raise portal_error("dossier_not_found", code=request.params[0][:100])
        status, content, unit = _status_change(request.body)
        now = self.now()
        self._store.add_manual_event(row.id, manual_event(now, status, content, unit))
        updated = self._store.dossier(row.official_code) or row  # never deleted: always found
        return Response(200, self._view(updated, now))

    def revoke_tokens(self, request: Request) -> Response:
        return Response(200, {"revoked": self._tokens.revoke_all()})

    def stats(self, request: Request) -> Response:
        counts = {name: 0 for name in COUNTERS}
        counts.update(self._store.stats())
        counts["tokens_issued"] = self._tokens.issued
        return Response(200, counts)


_UNKNOWN_FILE = "Tệp này chưa được tải lên cổng (POST /api/v1/files)."
_OTHER_HASH = "Mã băm không khớp với tệp đã tải lên có mã này."


def _key_ok(key: str) -> bool:
    return _IDEMPOTENCY_KEY.fullmatch(key) is not None


def canonical_hash(body: object) -> str:
    """The same JSON, whatever its key order or spacing, hashes the same."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _view_of(row: DossierRow, events: Sequence[Any]) -> dict[str, Any]:
    return {
        "MaHoSo": row.official_code,
        "MaHoSoKiosk": row.kiosk_code,
        "TrangThaiHoSo": current_status(events),
        "NgayHenTra": row.due_date,
        "QuaTrinhXuLy": [
            {
                "ThoiDiem": to_wire(e.at),
                "TrangThai": e.status,
                "NoiDung": e.content,
                "DonVi": e.unit,
            }
            for e in events
        ],
    }


def _credentials_of(body: bytes) -> tuple[str, str]:
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise portal_error("token_body") from None
    if not isinstance(parsed, dict):
        raise portal_error("token_body")
    client_id, secret = parsed.get("client_id"), parsed.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise portal_error("token_body")
    return client_id, secret


def _changed_since(query: Mapping[str, str]) -> datetime | None:
    value = query.get("changed_since")
    if value is None or value == "":
        return None
    if not _WIRE.fullmatch(value):
        raise portal_error("bad_changed_since")
    try:
        return from_wire(value)
    except ValidationError:
        raise portal_error("bad_changed_since") from None


def _status_change(body: bytes) -> tuple[int, str | None, str | None]:
    """``TrangThaiHoSo`` 1–10 and optional ``NoiDung`` / ``DonVi`` from an admin body."""
    parsed = parse_json(body)
    report = Report()
    if not isinstance(parsed, dict):
        report.add("$", "not_object")
        raise portal_error("invalid_status", report.details)
    status = parsed.get("TrangThaiHoSo")
    if type(status) is not int or status not in PORTAL_STATUS_LABELS:  # bool is not a status
        report.add("TrangThaiHoSo", "range", low=1, high=10)
        status = 0
    content, unit = parsed.get("NoiDung"), parsed.get("DonVi")
    nullable(text(1000))(report, "NoiDung", content)
    nullable(text(200))(report, "DonVi", unit)
    if report.details:
        raise portal_error("invalid_status", report.details)
    return status, content, unit
