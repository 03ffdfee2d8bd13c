"""Plain, frozen records the store hands out (ORM rows never leave ``kiosk.store``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain.masking import mask_numbers_in
from kiosk.domain.states import DossierState
from kiosk.store.models import AttachmentRow, DossierRow, StatusEventRow


@dataclass(frozen=True)
class AttachmentInput:
    """A document file to seal into a dossier."""

    component_code: str
    component_name: str
    file_name: str
    content_type: str
    data: bytes
    pages: int


@dataclass(frozen=True)
class Attachment:
    id: int
    position: int
    component_code: str
    file_name: str
    content_type: str
    sha256: str
    size: int
    pages: int
    portal_file_id: str | None


@dataclass(frozen=True)
class StatusEvent:
    """One step of the portal's timeline (QuaTrinhXuLy)."""

    status: int
    at: datetime
    note: str = ""
    unit: str = ""


@dataclass(frozen=True)
class QueuedDossier:
    id: int
    code: str
    official_code: str | None
    procedure_code: str
    state: DossierState
    attempts: int
    next_attempt_at: datetime
    last_error_code: str | None
    last_error_message: str | None
    portal_status: int | None
    portal_updated_at: datetime | None
    received_at: datetime
    due_at: datetime
    sent_at: datetime | None
    updated_at: datetime
    payload_sha256: str
    # When the retention purge erased its personal data and files (None: not yet).
    # From then on its payload is the minimal one (kiosk.domain.masking.minimal_payload).
    purged_at: datetime | None = None


@dataclass(frozen=True)
class DossierDetail:
    dossier: QueuedDossier
    payload: dict[str, Any]
    attachments: tuple[Attachment, ...]
    timeline: tuple[StatusEvent, ...]


@dataclass(frozen=True)
class SendJob:
    """What the sync worker needs to send one claimed dossier."""

    dossier_id: int
    code: str
    idempotency_key: str
    payload: bytes
    attempts: int  # failed attempts so far (drives the backoff)
    attachments: tuple[Attachment, ...]
    owner: str  # the sync owner that claimed it; its result updates are fenced on this


def queued_of(row: DossierRow) -> QueuedDossier:
    return QueuedDossier(
        id=row.id, code=row.code, official_code=row.official_code,
        procedure_code=row.procedure_code, state=DossierState(row.state), attempts=row.attempts,
        next_attempt_at=row.next_attempt_at, last_error_code=row.last_error_code,
        last_error_message=_masked(row.last_error_message), portal_status=row.portal_status,
        portal_updated_at=row.portal_updated_at, received_at=row.received_at,
        due_at=row.due_at, sent_at=row.sent_at,
        updated_at=row.updated_at, payload_sha256=row.payload_sha256,
        purged_at=row.purged_at,
    )


def _masked(message: str | None) -> str | None:
    """A portal's reason may echo a field it refused (an ID, a phone): listings, the
    dashboard and ``kiosk queue`` show only its last digits."""
    return mask_numbers_in(message) if message is not None else None


def attachment_of(row: AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id, position=row.position, component_code=row.component_code,
        file_name=row.file_name, content_type=row.content_type, sha256=row.sha256,
        size=row.size, pages=row.pages, portal_file_id=row.portal_file_id,
    )


def detail_of(
    row: DossierRow, files: Sequence[AttachmentRow], events: Sequence[StatusEventRow]
) -> DossierDetail:
    return DossierDetail(
        dossier=queued_of(row),
        payload=json.loads(row.payload),
        attachments=tuple(attachment_of(f) for f in files),
        timeline=tuple(StatusEvent(e.status, e.at, e.note, e.unit) for e in events),
    )
