"""The simulated portal's satisfaction ratings (PORTAL_API.md §7).

Checked as strictly as a dossier: every field, its type and range, unknown
keys refused, every problem listed in ``details``.  A rating's idempotency
works as a dossier's: the same key with the same body is answered ``200``
with the first answer, the same key with another body is ``409``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from kiosk.demo.simulator_errors import portal_error
from kiosk.demo.simulator_http import Request, Response
from kiosk.demo.simulator_idempotency import idempotent_answer
from kiosk.demo.simulator_store import SimulatorStore
from kiosk.demo.simulator_validate import (
    Report,
    Spec,
    choice,
    integer,
    nullable,
    parse_json,
    stamp,
    text,
)

REASONS = ("so_lan_di_lai", "thong_tin_thu_tuc", "de_tra_cuu", "thai_do_ho_tro", "khac")
REASONS_UP_TO = 3  # LyDo only at this level or lower
COMMENT_MAX = 500


def _reasons(report: Report, where: str, value: object) -> None:
    if not isinstance(value, list):
        report.add(where, "not_list")
        return
    if len(value) > len(REASONS):
        report.add(where, "too_many", limit=len(REASONS))
        return
    seen: set[object] = set()
    for index, reason in enumerate(value):
        choice(*REASONS)(report, f"{where}[{index}]", reason)
        if isinstance(reason, str) and reason in seen:
            report.add(f"{where}[{index}]", "repeated")
        seen.add(reason if isinstance(reason, str) else index)


RATING: Spec = {
    "MaKiosk": (text(64), True),
    "MaHoSo": (nullable(text(64)), True),
    "ThoiDiem": (stamp, True),
    "MucDo": (integer(1, 5), True),
    "LyDo": (_reasons, True),
    "GopY": (nullable(text(COMMENT_MAX, empty=True)), True),
}


def validate_rating(body: object) -> None:
    """Raise ``422 invalid`` listing every problem of ``body``; return if it is sound."""
    report = Report()
    if not isinstance(body, dict):
        report.add("$", "not_object")
    else:
        for key in body:
            if key not in RATING:
                report.add(key, "unknown")
        for key, (check, required) in RATING.items():
            if key in body:
                check(report, key, body[key])
            elif required:
                report.add(key, "missing")
        level, reasons = body.get("MucDo"), body.get("LyDo")
        if (type(level) is int and level > REASONS_UP_TO and isinstance(reasons, list)
                and reasons):
            report.add("LyDo", "reasons_level", limit=REASONS_UP_TO)
    if report.details:
        raise portal_error("invalid_rating", report.details, count=len(report.details))


class RatingDesk:
    """``POST /api/v1/ratings`` and the simulator-only ``GET /_sim/ratings``."""

    def __init__(self, store: SimulatorStore, now: Callable[[], datetime],
                 key_ok: Callable[[str], bool], body_hash: Callable[[object], str]) -> None:
        self._store = store
        self._now = now
        self._key_ok = key_ok
        self._hash = body_hash

    def submit(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if not self._key_ok(key):
            raise portal_error("idempotency_key")
        body = parse_json(request.body)
        validate_rating(body)  # a sound body only: a retry is the same body, so it passes too
        body_hash = self._hash(body)
        record = self._store.insert_rating(key, body_hash, body, uuid.uuid4().hex, self._now())
        return idempotent_answer(self._store, record, body_hash, "ratings", "rating_conflict")

    def inspect(self, request: Request) -> Response:
        kiosk = request.query.get("kiosk", "")
        if not kiosk:
            raise portal_error("missing_kiosk")
        return Response(200, {"items": self._store.ratings_of_kiosk(kiosk)})
