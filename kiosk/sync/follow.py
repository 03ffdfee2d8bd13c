"""What the portal's checked answers change on the kiosk: sent bodies, statuses, catalogue.

The answers arrive parsed (``answers``); here they meet the queue.  A page of
status changes is applied whole and only then moves the cursor; a page the
client refused (an ``answer_*`` outcome) changes nothing and is asked again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kiosk.catalogue_updates import CatalogueUpdates
from kiosk.domain.errors import DomainError
from kiosk.store.queue import DossierQueue, canonical_json
from kiosk.store.records import StatusEvent
from kiosk.sync.answers import BadAnswer, ChangesAnswer, DossierAnswer, ProceduresAnswer
from kiosk.sync.policy import Outcome, OutcomeKind, bad_answer

log = logging.getLogger(__name__)

STATUS_CURSOR = "dossiers_changed_since"
CATALOGUE_CURSOR = "procedures_changed_since"
EPOCH_WIRE = "20000101000000"


def bind_file_ids(payload: bytes, file_ids: Mapping[int, str]) -> bytes:
    """The frozen payload with each document's IdTepTin from its (idempotent) upload."""
    body: dict[str, Any] = json.loads(payload)
    for position, document in enumerate(body.get("TaiLieuNop") or []):
        document["IdTepTin"] = file_ids[position]
    return canonical_json(body)


def echo_checked(outcome: Outcome, sent_code: str) -> Outcome:
    """An acceptance must be of this dossier: a MaHoSoKiosk echoing another code is not."""
    answer = outcome.answer
    if outcome.kind is not OutcomeKind.ACCEPTED:
        return outcome
    if not isinstance(answer, DossierAnswer):  # a Portal of another kind: a bug
        return bad_answer(BadAnswer("MaHoSo", "missing"))
    if answer.kiosk_code is not None and answer.kiosk_code != sent_code:
        return bad_answer(BadAnswer("MaHoSoKiosk", "mismatch"))
    return outcome


def apply_changes(queue: DossierQueue, outcome: Outcome, now: datetime) -> int:
    """Record a page of status changes, then move the cursor; how many dossiers changed."""
    if not isinstance(outcome.answer, ChangesAnswer):
        if outcome.code.startswith("answer_"):
            log.warning("portal status changes refused: %s", outcome.message)
        return 0
    updated = 0
    for item in outcome.answer.items:
        events = [StatusEvent(e.status, e.at, e.note, e.unit) for e in item.events]
        updated += queue.apply_portal_status(item.lookup, item.status, events, now)
    queue.set_cursor(STATUS_CURSOR, outcome.answer.now)
    return updated


def apply_catalogue(queue: DossierQueue, updates: CatalogueUpdates, outcome: Outcome) -> int:
    """Store the procedures of a checked page (the catalogue checks each), move the cursor."""
    if not isinstance(outcome.answer, ProceduresAnswer):
        return 0
    try:
        count = updates.add(list(outcome.answer.items))
    except DomainError as error:
        log.error("portal catalogue refused: %s", error.message)
        return 0
    queue.set_cursor(CATALOGUE_CURSOR, outcome.answer.now)
    return count
