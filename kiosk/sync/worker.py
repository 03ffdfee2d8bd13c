"""The sync worker: sends sealed dossiers, then follows their status on the portal.

Each dossier is independent — one that fails is rescheduled and the next one
goes — but a refused login pauses the whole batch, since every further call
would fail the same way.  The worker never holds a transaction open across an
HTTP call: the queue commits SENDING first, then the worker talks.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from kiosk.catalogue_updates import CatalogueUpdates
from kiosk.domain.dates import from_wire
from kiosk.domain.errors import DomainError
from kiosk.store.queue import DossierQueue, canonical_json
from kiosk.store.records import Attachment, SendJob, StatusEvent
from kiosk.sync.client import Portal
from kiosk.sync.policy import Outcome, OutcomeKind, next_attempt_at

log = logging.getLogger(__name__)

STATUS_CURSOR = "dossiers_changed_since"
CATALOGUE_CURSOR = "procedures_changed_since"
EPOCH_WIRE = "20000101000000"
AUTH_PAUSE_SECONDS = 300.0

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class SyncReport:
    """What one pass did, for the dashboard and the CLI."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    status_updates: int = 0
    procedures_updated: int = 0
    paused_reason: str | None = None
    errors: tuple[str, ...] = field(default_factory=tuple)


class SyncWorker:
    def __init__(
        self,
        queue: DossierQueue,
        portal: Portal,
        kiosk_id: str,
        clock: Clock,
        jitter: Callable[[], float] = random.random,
        catalogue_updates: CatalogueUpdates | None = None,
    ) -> None:
        self._queue = queue
        self._catalogue_updates = catalogue_updates
        self._portal = portal
        self._kiosk_id = kiosk_id
        self._clock = clock
        self._jitter = jitter
        self._stop = threading.Event()
        self.last_report = SyncReport()

    # ------------------------------------------------------------ loop

    def start(self) -> int:
        """Call once at start-up: dossiers left SENDING by a crash go back to PENDING."""
        return self._queue.recover_interrupted(self._clock())

    def run_forever(self, idle_seconds: float = 5.0) -> None:
        self.start()
        while not self._stop.is_set():
            report = self.run_once()
            pause = AUTH_PAUSE_SECONDS if report.paused_reason else idle_seconds
            self._stop.wait(pause)

    def stop(self) -> None:
        self._stop.set()

    def run_once(self) -> SyncReport:
        """Send every due dossier, then pull status changes and catalogue updates."""
        report = self.send_due()
        if report.paused_reason is None:
            report = replace(report, status_updates=self.poll_status(),
                             procedures_updated=self.refresh_catalogue())
        self.last_report = report
        return report

    # ------------------------------------------------------------ sending

    def send_due(self, limit: int | None = None) -> SyncReport:
        """Send due dossiers (at most ``limit``) one by one, each independent of the others."""
        counts = {OutcomeKind.ACCEPTED: 0, OutcomeKind.TRANSIENT: 0, OutcomeKind.PERMANENT: 0}
        while not self._stop.is_set() and (limit is None or sum(counts.values()) < limit):
            job = self._queue.claim_next(self._clock())
            if job is None:
                break
            outcome = self._send(job)
            self._record(job, outcome)
            if outcome.kind is OutcomeKind.AUTH:
                return SyncReport(counts[OutcomeKind.ACCEPTED], counts[OutcomeKind.TRANSIENT],
                                  counts[OutcomeKind.PERMANENT], paused_reason=outcome.message)
            counts[outcome.kind] += 1
        return SyncReport(counts[OutcomeKind.ACCEPTED], counts[OutcomeKind.TRANSIENT],
                          counts[OutcomeKind.PERMANENT])

    def _send(self, job: SendJob) -> Outcome:
        file_ids: dict[int, str] = {}
        for attachment in job.attachments:
            outcome = self._upload(attachment)
            if outcome.kind is not OutcomeKind.ACCEPTED:
                return outcome
            file_ids[attachment.position] = str(outcome.body["IdTepTin"])  # type: ignore[index]
        body = bind_file_ids(job.payload, file_ids)
        return self._portal.submit_dossier(body, job.idempotency_key)

    def _upload(self, attachment: Attachment) -> Outcome:
        if attachment.portal_file_id:
            return Outcome(OutcomeKind.ACCEPTED, "known", "",
                           body={"IdTepTin": attachment.portal_file_id})
        try:
            data = self._queue.files.read(attachment.sha256)
        except DomainError as exc:
            return Outcome(OutcomeKind.PERMANENT, exc.code, exc.message)
        outcome = self._portal.upload_file(data, attachment.sha256, attachment.file_name,
                                           attachment.content_type)
        if outcome.kind is OutcomeKind.ACCEPTED and outcome.body is not None:
            if outcome.body.get("HashTepTin") != attachment.sha256:
                return Outcome(OutcomeKind.TRANSIENT, "hash_echo",
                               "Cổng trả về mã băm tệp không khớp; kiosk sẽ gửi lại.")
            self._queue.record_upload(attachment.id, str(outcome.body["IdTepTin"]))
        return outcome

    def _record(self, job: SendJob, outcome: Outcome) -> None:
        now = self._clock()
        if outcome.kind is OutcomeKind.ACCEPTED and outcome.body is not None:
            status = outcome.body.get("TrangThaiHoSo")
            self._queue.mark_sent(job.dossier_id, now, str(outcome.body["MaHoSo"]),
                                  status if isinstance(status, int) else None)
        elif outcome.kind is OutcomeKind.PERMANENT:
            self._queue.mark_failed(job.dossier_id, now, outcome.code, outcome.message)
        else:
            self._reschedule(job, outcome, now)
        log.info("dossier %s: %s (%s)", job.code, outcome.kind, outcome.code)

    def _reschedule(self, job: SendJob, outcome: Outcome, now: datetime) -> None:
        if outcome.kind is OutcomeKind.AUTH:  # not the dossier's fault: no attempt counted
            retry_at = next_attempt_at(now, 1, 0.0, retry_after=AUTH_PAUSE_SECONDS)
            self._queue.mark_retry(job.dossier_id, now, retry_at, outcome.code, outcome.message,
                                   count_attempt=False)
            return
        retry_at = next_attempt_at(now, job.attempts + 1, self._jitter(), outcome.retry_after)
        self._queue.mark_retry(job.dossier_id, now, retry_at, outcome.code, outcome.message)

    # ------------------------------------------------------------ status

    def poll_status(self) -> int:
        """Pull everything of this kiosk that changed on the portal since last time."""
        since = self._queue.cursor(STATUS_CURSOR) or EPOCH_WIRE
        outcome = self._portal.changes_since(self._kiosk_id, since)
        if outcome.kind is not OutcomeKind.ACCEPTED or outcome.body is None:
            return 0
        items = outcome.body.get("items")
        updated = sum(self._apply_item(i) for i in items) if isinstance(items, list) else 0
        self._queue.set_cursor(STATUS_CURSOR, str(outcome.body["now"]))
        return updated

    def refresh_catalogue(self) -> int:
        """Store procedures the portal changed since last time; a malformed answer is refused."""
        if self._catalogue_updates is None:
            return 0
        since = self._queue.cursor(CATALOGUE_CURSOR) or EPOCH_WIRE
        outcome = self._portal.procedures_since(since)
        if outcome.kind is not OutcomeKind.ACCEPTED or outcome.body is None:
            return 0
        try:
            count = self._catalogue_updates.add(outcome.body.get("items"))
        except DomainError as error:
            log.error("portal catalogue refused: %s", error.message)
            return 0
        self._queue.set_cursor(CATALOGUE_CURSOR, str(outcome.body["now"]))
        return count

    def _apply_item(self, item: object) -> bool:
        try:
            code, status, events = parse_status_item(item)
        except (DomainError, KeyError, TypeError, ValueError):
            log.warning("ignored a malformed status item from the portal: %.200r", item)
            return False
        return self._queue.apply_portal_status(code, status, events, self._clock())


def bind_file_ids(payload: bytes, file_ids: Mapping[int, str]) -> bytes:
    """The frozen payload with each document's IdTepTin from its (idempotent) upload."""
    body: dict[str, Any] = json.loads(payload)
    for position, document in enumerate(body.get("TaiLieuNop") or []):
        document["IdTepTin"] = file_ids[position]
    return canonical_json(body)


def parse_status_item(item: object) -> tuple[str, int, Sequence[StatusEvent]]:
    """(code to look up, TrangThaiHoSo, timeline) from one portal status object."""
    if not isinstance(item, Mapping):
        raise TypeError("status item is not an object")
    code = item.get("MaHoSoKiosk") or item["MaHoSo"]
    status = item["TrangThaiHoSo"]
    if not isinstance(code, str) or not isinstance(status, int) or isinstance(status, bool):
        raise TypeError("MaHoSo / TrangThaiHoSo of the wrong type")
    events = [_event(e) for e in item.get("QuaTrinhXuLy") or []]
    return code, status, events


def _event(raw: object) -> StatusEvent:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("TrangThai"), int):
        raise TypeError("timeline entry malformed")
    return StatusEvent(raw["TrangThai"], from_wire(str(raw["ThoiDiem"])),
                       str(raw.get("NoiDung") or "")[:1000], str(raw.get("DonVi") or "")[:200])

