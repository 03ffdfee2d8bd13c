"""The offline dossier queue: sealing, guarded state changes, claims and look-ups.

Rules (STYLE.md "The queue"): every state change is an ``UPDATE … WHERE id = ?
AND state = ?`` that must touch exactly one row; SENDING is committed before the
HTTP call; a sealed dossier's payload never changes until the portal holds it;
nothing is deleted except by the retention purge (``kiosk.store.retention``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from kiosk.domain.codes import DossierCode, SequenceBlock, normalise_lookup_code
from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.states import DossierState, Event, transition
from kiosk.store.audit import append_in
from kiosk.store.codes import take_code
from kiosk.store.db import Database, StoreError
from kiosk.store.files import FileStore
from kiosk.store.models import AttachmentRow, DossierRow, StatusEventRow, SyncCursor
from kiosk.store.records import (
    Attachment,
    AttachmentInput,
    DossierDetail,
    QueuedDossier,
    SendJob,
    StatusEvent,
    attachment_of,
    detail_of,
    queued_of,
)

log = logging.getLogger(__name__)

MESSAGES: Mapping[str, str] = {
    "payload_invalid": ("Dữ liệu hồ sơ có ký tự hoặc giá trị không lưu được. Hồ sơ chưa được "
                        "lưu, không có gì bị ghi dở. Xin mời gặp cán bộ."),
}


class LostRace(StoreError):
    """A guarded update touched no row: someone else moved the dossier first."""


PayloadBuilder = Callable[[DossierCode, Sequence[Mapping[str, object]]], dict[str, Any]]


def canonical_json(body: Mapping[str, Any]) -> bytes:
    """The one byte form of a payload: hashed at sealing, sent as it is.

    A payload that has no such form (a lone surrogate from a hostile file name, a
    value JSON cannot hold) is refused with a typed error before any file is written."""
    try:
        text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                          allow_nan=False)
        return text.encode()
    except (TypeError, ValueError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
        raise StoreError("payload_invalid", MESSAGES["payload_invalid"]) from exc


@dataclass(frozen=True)
class Sealing:
    """Everything sealing needs besides the payload itself."""

    agency: str
    block: SequenceBlock
    received_at: datetime
    due_at: datetime
    procedure_code: str
    draft_key: str | None = None  # the resident's draft: sealed at most once


class DossierQueue:
    def __init__(self, db: Database, files: FileStore) -> None:
        self._db = db
        self.files = files

    # ------------------------------------------------------------ sealing

    def seal(
        self, sealing: Sealing, attachments: Sequence[AttachmentInput], build: PayloadBuilder
    ) -> QueuedDossier:
        """Code, payload, rows and files in one write transaction: all of it or none.

        The order inside the write lock: take the code, build and encode the payload
        (the checks that fail most), insert the rows, then write the files, then
        commit.  A failure anywhere rolls the code and rows back, and the files this
        seal created are erased again (``_discard``) unless a committed row names
        them.  Files are only ever written and erased under the write lock, so no
        other seal or purge can slip between the check and the unlink.

        A draft already sealed (a repeated tap, a retried job) gives back the dossier
        it became: the check and the insert share the write lock, so two seals of
        one draft, from any thread or process, make one dossier.
        """
        if sealing.draft_key is not None:  # most repeats end here, before any file is written
            with self._db.read() as session:
                existing = _sealed_draft(session, sealing.draft_key)
                if existing is not None:
                    return existing
        hashes = [hashlib.sha256(a.data).hexdigest() for a in attachments]
        documents = [_document_entry(a, h) for a, h in zip(attachments, hashes, strict=True)]
        created: list[str] = []
        try:
            with self._db.write() as session:
                return self._seal_in(session, sealing, attachments, hashes,
                                     lambda code: build(code, documents), created)
        except BaseException:
            self._discard(created)
            raise

    def _seal_in(
        self, session: Session, sealing: Sealing, attachments: Sequence[AttachmentInput],
        hashes: Sequence[str], build: Callable[[DossierCode], dict[str, Any]],
        created: list[str],
    ) -> QueuedDossier:
        if sealing.draft_key is not None:
            existing = _sealed_draft(session, sealing.draft_key)
            if existing is not None:
                return existing
        day = to_vietnam_time(sealing.received_at).date()  # the code carries the local date
        code = take_code(session, sealing.agency, day, sealing.block)
        payload = canonical_json(build(code))
        row = _new_row(str(code), sealing, payload)
        session.add(row)
        session.flush()
        for position, (item, sha256) in enumerate(zip(attachments, hashes, strict=True)):
            session.add(_attachment_row(row.id, position, item, sha256, len(item.data)))
        session.flush()
        for item in attachments:  # last: nothing after this but the commit
            stored, new = self.files.put_new(item.data)
            if new:
                created.append(stored.sha256)
        return queued_of(row)

    def _discard(self, created: Sequence[str]) -> None:
        """Erase the files a failed seal created, under the write lock, unless a committed
        row names them (another seal may have committed the same bytes meanwhile).

        Best effort: if the database cannot be written now, the files stay as orphans
        and the next sweep (``Retention.sweep_orphans``) removes them."""
        if not created:
            return
        try:
            with self._db.write() as session:
                for sha256 in created:
                    if not is_referenced(session, sha256):
                        self.files.erase(sha256)
        except Exception:
            log.warning("a failed seal left %d file(s) for the next sweep", len(created),
                        exc_info=True)

    # ------------------------------------------------------------ sync worker side

    def recover_interrupted(self, now: datetime, keep_owner: str | None) -> int:
        """SENDING rows of every owner but ``keep_owner`` go back to PENDING.

        Called by the lease holder when it takes the lease (every other owner is
        gone: its lease expired or its process died, so what it was sending was
        interrupted), and with ``keep_owner=None`` after a failed pass of its own,
        when nothing is in flight.  Rows a live owner is sending are never touched.
        """
        with self._db.write() as session:
            query = select(DossierRow.id).where(DossierRow.state == DossierState.SENDING)
            if keep_owner is not None:
                query = query.where(or_(DossierRow.claimed_by.is_(None),
                                        DossierRow.claimed_by != keep_owner))
            ids = session.scalars(query).all()
            for dossier_id in ids:
                _move(session, dossier_id, DossierState.SENDING, Event.RECOVER, updated_at=now,
                      claimed_by=None)
            return len(ids)

    def claim_next(self, now: datetime, owner: str) -> SendJob | None:
        """The next due PENDING dossier, moved to SENDING for ``owner`` and committed
        before any HTTP."""
        with self._db.write() as session:
            return _claim(session, now, owner)

    def record_upload(self, attachment_id: int, portal_file_id: str) -> None:
        with self._db.write() as session:
            session.execute(
                update(AttachmentRow).where(AttachmentRow.id == attachment_id)
                .values(portal_file_id=portal_file_id)
            )

    # The three results below are fenced on the owner: a row another owner has
    # recovered meanwhile raises LostRace instead of being overwritten.

    def mark_sent(
        self, job: SendJob, now: datetime, official_code: str, portal_status: int | None,
        *, claim_next: bool = False,
    ) -> SendJob | None:
        """The portal took ``job``.  With ``claim_next`` the next due dossier is claimed in
        the same transaction (as ``claim_next`` would: committed before its HTTP), one
        fsync'd commit fewer a dossier; a lost race rolls both back."""
        with self._db.write() as session:
            _move(session, job.dossier_id, DossierState.SENDING, Event.ACCEPTED,
                  owner=job.owner, updated_at=now, sent_at=now, official_code=official_code,
                  portal_status=portal_status, last_error_code=None, last_error_message=None,
                  claimed_by=None)
            return _claim(session, now, job.owner) if claim_next else None

    def mark_retry(
        self, job: SendJob, now: datetime, retry_at: datetime, code: str, message: str,
        *, count_attempt: bool = True,
    ) -> None:
        """Back to PENDING until ``retry_at``, keeping the reason for the dashboard."""
        with self._db.write() as session:
            attempts = DossierRow.attempts + (1 if count_attempt else 0)
            _move(session, job.dossier_id, DossierState.SENDING, Event.TRANSIENT_FAILURE,
                  owner=job.owner, updated_at=now, next_attempt_at=retry_at, attempts=attempts,
                  last_error_code=code, last_error_message=message, claimed_by=None)

    def mark_failed(self, job: SendJob, now: datetime, code: str, message: str) -> None:
        with self._db.write() as session:
            _move(session, job.dossier_id, DossierState.SENDING, Event.PERMANENT_FAILURE,
                  owner=job.owner, updated_at=now, attempts=DossierRow.attempts + 1,
                  last_error_code=code, last_error_message=message, claimed_by=None)

    def official_retry(self, code: str, now: datetime, *, actor: str) -> None:
        """An official sends a FAILED dossier again: attempts start over; audited in the
        same transaction (a refused retry leaves no row: nothing happened)."""
        with self._db.write() as session:
            row = _find_row(session, code)
            if row is None:
                raise StoreError("not_found", f"Không có hồ sơ {code} trên kiosk này.")
            _move(session, row.id, DossierState(row.state), Event.OFFICIAL_RETRY, updated_at=now,
                  attempts=0, next_attempt_at=now, last_error_code=None, last_error_message=None)
            append_in(session, actor, "dossier_retry", now, row.code,
                      {"reason": row.last_error_code})

    # ------------------------------------------------------------ portal status

    def apply_portal_status(
        self, code: str, status: int, events: Sequence[StatusEvent], now: datetime
    ) -> bool:
        """Record the portal's status and timeline for ``code``; False if unknown here."""
        with self._db.write() as session:
            row = _find_row(session, code)
            if row is None:
                return False
            row.portal_status = status
            row.portal_updated_at = now
            known = {(e.status, e.at) for e in session.scalars(
                select(StatusEventRow).where(StatusEventRow.dossier_id == row.id))}
            for event in events:
                if (event.status, event.at) not in known:
                    session.add(StatusEventRow(dossier_id=row.id, status=event.status,
                                               at=event.at, note=event.note, unit=event.unit))
                    known.add((event.status, event.at))
            return True

    # ------------------------------------------------------------ cursors

    def cursor(self, name: str) -> str | None:
        with self._db.read() as session:
            row = session.get(SyncCursor, name)
            return row.value if row else None

    def set_cursor(self, name: str, value: str) -> None:
        with self._db.write() as session:
            session.merge(SyncCursor(name=name, value=value))

    # ------------------------------------------------------------ reading

    def find(self, code: str) -> DossierDetail | None:
        """A dossier by its kiosk code or the portal's official code."""
        with self._db.read() as session:
            row = _find_row(session, code)
            if row is None:
                return None
            files = session.scalars(select(AttachmentRow).where(
                AttachmentRow.dossier_id == row.id).order_by(AttachmentRow.position)).all()
            events = session.scalars(select(StatusEventRow).where(
                StatusEventRow.dossier_id == row.id).order_by(StatusEventRow.at)).all()
            return detail_of(row, files, events)

    def recent(self, limit: int = 500) -> list[QueuedDossier]:
        with self._db.read() as session:
            rows = session.scalars(
                select(DossierRow).order_by(DossierRow.id.desc()).limit(limit)
            ).all()
            return [queued_of(r) for r in rows]

    def counts(self) -> dict[DossierState, int]:
        with self._db.read() as session:
            found = dict(session.execute(
                select(DossierRow.state, func.count()).group_by(DossierRow.state)).all())
        return {s: int(found.get(s.value, 0)) for s in DossierState}

    def attachments(self, dossier_id: int) -> list[Attachment]:
        with self._db.read() as session:
            return [attachment_of(r) for r in session.scalars(select(AttachmentRow).where(
                AttachmentRow.dossier_id == dossier_id).order_by(AttachmentRow.position))]


def _claim(session: Session, now: datetime, owner: str) -> SendJob | None:
    row = session.scalars(
        select(DossierRow)
        .where(DossierRow.state == DossierState.PENDING, DossierRow.next_attempt_at <= now)
        .order_by(DossierRow.next_attempt_at, DossierRow.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    _move(session, row.id, DossierState.PENDING, Event.CLAIM, updated_at=now, claimed_by=owner)
    files = session.scalars(
        select(AttachmentRow).where(AttachmentRow.dossier_id == row.id)
        .order_by(AttachmentRow.position)
    ).all()
    return SendJob(row.id, row.code, row.idempotency_key, row.payload, row.attempts,
                   tuple(attachment_of(f) for f in files), owner)


def _move(
    session: Session, dossier_id: int, expected: DossierState, event: Event, *,
    owner: str | None = None, **changes: Any,
) -> None:
    """The guarded update: the row must be in ``expected`` (and claimed by ``owner``)."""
    target = transition(expected, event)
    guard = [DossierRow.id == dossier_id, DossierRow.state == expected.value]
    if owner is not None:
        guard.append(DossierRow.claimed_by == owner)
    result = session.execute(
        update(DossierRow)
        .where(*guard)
        .values(state=target.value, **changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LostRace("lost_race", f"Hồ sơ #{dossier_id} không còn ở trạng thái {expected}"
                       + (" do tiến trình này gửi." if owner else "."))


def is_referenced(session: Session, sha256: str) -> bool:
    """Whether a row (committed, or this transaction's own) still names the file."""
    found = session.scalars(select(AttachmentRow.id).where(AttachmentRow.sha256 == sha256)
                            .limit(1)).first()
    return found is not None


def _sealed_draft(session: Session, draft_key: str) -> QueuedDossier | None:
    row = session.scalars(select(DossierRow).where(DossierRow.draft_key == draft_key)).first()
    return queued_of(row) if row is not None else None


def _find_row(session: Session, code: str) -> DossierRow | None:
    wanted = normalise_lookup_code(code)
    return session.scalars(select(DossierRow).where(
        or_(DossierRow.code == wanted, DossierRow.official_code == wanted))).first()


def _new_row(code: str, sealing: Sealing, payload: bytes) -> DossierRow:
    return DossierRow(
        code=code, official_code=None, idempotency_key=str(uuid.uuid4()),
        procedure_code=sealing.procedure_code, payload=payload,
        payload_sha256=hashlib.sha256(payload).hexdigest(), state=DossierState.PENDING.value,
        attempts=0, next_attempt_at=sealing.received_at, received_at=sealing.received_at,
        due_at=sealing.due_at, updated_at=sealing.received_at, draft_key=sealing.draft_key,
    )


def _attachment_row(
    dossier_id: int, position: int, item: AttachmentInput, sha256: str, size: int
) -> AttachmentRow:
    return AttachmentRow(
        dossier_id=dossier_id, position=position, component_code=item.component_code,
        file_name=item.file_name, content_type=item.content_type, sha256=sha256, size=size,
        pages=item.pages, portal_file_id=None,
    )


def _document_entry(item: AttachmentInput, sha256: str) -> dict[str, object]:
    """The TaiLieuNop entry; IdTepTin is bound at send time from the idempotent upload."""
    return {"MaThanhPhanHoSo": item.component_code, "TenThanhPhan": item.component_name,
            "IdTepTin": None, "HashTepTin": sha256, "TenTepDinhKem": item.file_name,
            "SoTrang": item.pages}
