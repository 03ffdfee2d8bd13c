"""The sync worker: sends sealed dossiers, then follows their status on the portal.

Each dossier is independent — one that fails is rescheduled and the next one
goes — but an answer that concerns the whole portal (offline, a Retry-After, a
run of server errors, a refused login) ends the pass at once: every further call
would fail the same way.  The worker never holds a transaction open across an
HTTP call: the queue commits SENDING first, then the worker talks.

Only the holder of the sync lease sends (STYLE.md §22); a second worker waits.
``run_forever`` is the thread's error boundary: whatever goes wrong is logged,
recorded for the dashboard, backed off from, and syncing goes on.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from kiosk.catalogue_updates import CatalogueUpdates
from kiosk.domain.dates import format_moment, from_wire
from kiosk.domain.errors import DomainError
from kiosk.store.queue import DossierQueue, LostRace, canonical_json
from kiosk.store.ratings import Ratings
from kiosk.store.records import Attachment, SendJob, StatusEvent
from kiosk.store.syncstate import LeaseHolder, SyncHealthLog, SyncLease
from kiosk.sync.client import Portal
from kiosk.sync.policy import Outcome, OutcomeKind, backoff_delay, next_attempt_at
from kiosk.sync.rating_sender import RatingSender

log = logging.getLogger(__name__)

STATUS_CURSOR = "dossiers_changed_since"
CATALOGUE_CURSOR = "procedures_changed_since"
EPOCH_WIRE = "20000101000000"
STANDBY_SECONDS = 5.0  # how often a waiting worker asks for the lease again
MIN_PAUSE_SECONDS = 1.0

Clock = Callable[[], datetime]

MESSAGES = {
    "standby": "Một tiến trình đồng bộ khác đang chạy ({holder}); tiến trình này chờ và sẽ "
    "tự tiếp quản khi tiến trình kia dừng.",
    "busy": "Một tiến trình đồng bộ khác đang chạy ({holder}); lần này không gửi gì để tránh "
    "gửi trùng. Xin thử lại sau, hoặc dừng tiến trình kia.",
    "holder": "tiến trình {pid} trên máy {host}, từ {since}",
    "took_over": "Tiến trình này đã nhận việc đồng bộ.",
    "crash": "Lỗi nội bộ khi đồng bộ ({error}); kiosk tự thử lại sau {seconds:.0f} giây.",
}


def describe_holder(holder: LeaseHolder | None) -> str:
    if holder is None:
        return "không rõ"
    return MESSAGES["holder"].format(pid=holder.pid, host=holder.host,
                                     since=format_moment(holder.acquired_at))


@dataclass(frozen=True)
class SyncReport:
    """What one pass did, for the dashboard and the CLI."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    status_updates: int = 0
    procedures_updated: int = 0
    paused_reason: str | None = None  # the portal as a whole is out of reach for now
    paused_code: str | None = None
    ratings_sent: int = 0
    ratings_retried: int = 0
    ratings_failed: int = 0
    recovered: int = 0  # SENDING rows a gone owner left, put back in the queue
    standby: LeaseHolder | None = None  # another worker holds the lease: nothing was done
    errors: tuple[str, ...] = field(default_factory=tuple)


class SyncWorker:
    def __init__(
        self,
        queue: DossierQueue,
        portal: Portal,
        kiosk_id: str,
        clock: Clock,
        *,
        lease: SyncLease,
        health: SyncHealthLog | None = None,
        jitter: Callable[[], float] = random.random,
        catalogue_updates: CatalogueUpdates | None = None,
        notify: Callable[[str], None] | None = None,
        ratings: Ratings | None = None,
    ) -> None:
        self._queue = queue
        self._catalogue_updates = catalogue_updates
        self._portal = portal
        self._kiosk_id = kiosk_id
        self._clock = clock
        self._jitter = jitter
        self._lease = lease
        self._health = health
        self._notify = notify or (lambda text: log.info("%s", text))
        self._stop = threading.Event()
        self._ratings = None if ratings is None else RatingSender(
            ratings, portal, kiosk_id, clock, jitter)
        self._waiting = False
        self._contacted = False  # the portal answered in this pass
        self.last_report = SyncReport()

    @property
    def owner(self) -> str:
        return self._lease.owner.id

    # ------------------------------------------------------------ lease

    def acquire(self) -> int | None:
        """Hold the lease for this pass: None when another worker holds it, else how many
        rows a gone owner left SENDING were put back in the queue (0 if we held it)."""
        was_held = self._lease.held
        if not self._lease.acquire():
            return None
        if was_held:
            return 0
        if self._waiting:
            self._notify(MESSAGES["took_over"])
        self._waiting = False
        return self._queue.recover_interrupted(self._clock(), keep_owner=self.owner)

    def leased(self) -> AbstractContextManager[None]:
        """While inside, the lease (once acquired) is renewed; at the end it is given up."""
        return self._lease.kept()

    # ------------------------------------------------------------ loop

    def run_forever(self, idle_seconds: float = 5.0) -> None:
        """Sync until ``stop()``; nothing that goes wrong in a pass ends the loop."""
        failures = 0
        with self.leased():
            while not self._stop.is_set():
                try:
                    wait = self._cycle(idle_seconds)
                    failures = 0
                except Exception as error:  # the thread's error boundary (STYLE.md §21)
                    failures += 1
                    wait = self._crashed(error, failures)
                self._stop.wait(wait)

    def _cycle(self, idle_seconds: float) -> float:
        report = self.run_once()
        if report.standby is not None:
            if not self._waiting:
                self._notify(MESSAGES["standby"].format(holder=describe_holder(report.standby)))
            self._waiting = True
            return STANDBY_SECONDS
        if report.paused_reason is not None:
            return max(idle_seconds, self._portal.pause_remaining(), MIN_PAUSE_SECONDS)
        return idle_seconds

    def _crashed(self, error: Exception, failures: int) -> float:
        wait = backoff_delay(failures, self._jitter())
        log.exception("sync pass failed (%d in a row); next try in %.0f s", failures, wait)
        text = MESSAGES["crash"].format(error=f"{type(error).__name__}: {error}"[:300],
                                        seconds=wait)
        try:  # nothing is in flight now: what this owner was sending goes back to the queue
            if self._lease.held:
                self._queue.recover_interrupted(self._clock(), keep_owner=None)
            if self._health is not None:
                self._health.failed(self._clock(), "crash", text)
        except Exception:  # the database itself may be what failed
            log.exception("sync failure not recorded")
        return wait

    def stop(self) -> None:
        """Ends the loop within a second: the request in flight is cut short too."""
        self._stop.set()
        self._portal.abort()

    def run_once(self) -> SyncReport:
        """Send every due dossier, then pull status changes and catalogue updates."""
        recovered = self.acquire()
        if recovered is None:
            report = SyncReport(standby=self._lease.holder())
            self.last_report = report
            return report
        report = replace(self.send_due(), recovered=recovered)
        if report.paused_reason is None:
            report = self.send_ratings(report)
        if report.paused_reason is None and not self._stop.is_set():
            report = replace(report, status_updates=self.poll_status(),
                             procedures_updated=self.refresh_catalogue())
        self._record_health(report)
        self.last_report = report
        return report

    def _record_health(self, report: SyncReport) -> None:
        if self._health is None or self._stop.is_set():
            return
        if report.paused_reason is not None:
            self._health.failed(self._clock(), report.paused_code or "paused",
                                report.paused_reason)
        else:
            self._health.passed(self._clock(), contacted=self._contacted)

    # ------------------------------------------------------------ sending

    def send_due(self, limit: int | None = None) -> SyncReport:
        """Send due dossiers (at most ``limit``) one by one, each independent of the others,
        until the portal as a whole is out of reach."""
        self._contacted = False
        counts = {OutcomeKind.ACCEPTED: 0, OutcomeKind.TRANSIENT: 0, OutcomeKind.PERMANENT: 0}
        while self._may_send() and (limit is None or sum(counts.values()) < limit):
            job = self._queue.claim_next(self._clock(), self.owner)
            if job is None:
                break
            outcome = self._send(job)
            self._record(job, outcome)
            counts[OutcomeKind.TRANSIENT if _portal_wide(outcome) else outcome.kind] += 1
            if _portal_wide(outcome):
                return SyncReport(counts[OutcomeKind.ACCEPTED], counts[OutcomeKind.TRANSIENT],
                                  counts[OutcomeKind.PERMANENT], paused_reason=outcome.message,
                                  paused_code=outcome.code)
        return SyncReport(counts[OutcomeKind.ACCEPTED], counts[OutcomeKind.TRANSIENT],
                          counts[OutcomeKind.PERMANENT])

    def send_ratings(self, report: SyncReport) -> SyncReport:
        """After the dossiers: the satisfaction ratings that are due (§7)."""
        if self._ratings is None:
            return report
        counts = self._ratings.send_due(self._may_send)
        if counts.sent:
            self._contacted = True
        report = replace(report, ratings_sent=counts.sent, ratings_retried=counts.retried,
                         ratings_failed=counts.failed)
        if counts.paused is not None:
            report = replace(report, paused_reason=counts.paused.message,
                             paused_code=counts.paused.code)
        return report

    def _may_send(self) -> bool:
        return not self._stop.is_set() and self._lease.held

    def _send(self, job: SendJob) -> Outcome:
        file_ids: dict[int, str] = {}
        for attachment in job.attachments:
            outcome = self._upload(attachment)
            if outcome.kind is not OutcomeKind.ACCEPTED:
                return outcome
            file_ids[attachment.position] = str(outcome.body["IdTepTin"])  # type: ignore[index]
        body = bind_file_ids(job.payload, file_ids)
        return self._heard(self._portal.submit_dossier(body, job.idempotency_key))

    def _heard(self, outcome: Outcome) -> Outcome:
        if outcome.kind is OutcomeKind.ACCEPTED:
            self._contacted = True
        return outcome

    def _upload(self, attachment: Attachment) -> Outcome:
        if attachment.portal_file_id:
            return Outcome(OutcomeKind.ACCEPTED, "known", "",
                           body={"IdTepTin": attachment.portal_file_id})
        try:
            data = self._queue.files.read(attachment.sha256)
        except DomainError as exc:
            return Outcome(OutcomeKind.PERMANENT, exc.code, exc.message)
        outcome = self._heard(self._portal.upload_file(data, attachment.sha256,
                                                       attachment.file_name,
                                                       attachment.content_type))
        if outcome.kind is OutcomeKind.ACCEPTED and outcome.body is not None:
            if outcome.body.get("HashTepTin") != attachment.sha256:
                return Outcome(OutcomeKind.TRANSIENT, "hash_echo",
                               "Cổng trả về mã băm tệp không khớp; kiosk sẽ gửi lại.")
            self._queue.record_upload(attachment.id, str(outcome.body["IdTepTin"]))
        return outcome

    def _record(self, job: SendJob, outcome: Outcome) -> None:
        now = self._clock()
        try:
            if outcome.kind is OutcomeKind.ACCEPTED and outcome.body is not None:
                status = outcome.body.get("TrangThaiHoSo")
                self._queue.mark_sent(job, now, str(outcome.body["MaHoSo"]),
                                      status if isinstance(status, int) else None)
            elif outcome.kind is OutcomeKind.PERMANENT:
                self._queue.mark_failed(job, now, outcome.code, outcome.message)
            else:
                self._reschedule(job, outcome, now)
        except LostRace:  # the lease passed on meanwhile; the new owner sends it (same key)
            log.warning("dossier %s: recovered by another sync owner; its answer is theirs",
                        job.code)
            return
        log.info("dossier %s: %s (%s)", job.code, outcome.kind, outcome.code)

    def _reschedule(self, job: SendJob, outcome: Outcome, now: datetime) -> None:
        if _portal_wide(outcome):  # not the dossier's fault: no attempt counted
            wait = max(self._portal.pause_remaining(), outcome.retry_after or 0.0,
                       MIN_PAUSE_SECONDS)
            self._queue.mark_retry(job, now, now + timedelta(seconds=wait), outcome.code,
                                   outcome.message, count_attempt=False)
            return
        retry_at = next_attempt_at(now, job.attempts + 1, self._jitter(), outcome.retry_after)
        self._queue.mark_retry(job, now, retry_at, outcome.code, outcome.message)

    # ------------------------------------------------------------ status

    def poll_status(self) -> int:
        """Pull everything of this kiosk that changed on the portal since last time."""
        since = self._queue.cursor(STATUS_CURSOR) or EPOCH_WIRE
        outcome = self._heard(self._portal.changes_since(self._kiosk_id, since))
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


def _portal_wide(outcome: Outcome) -> bool:
    return outcome.portal_wide or outcome.kind is OutcomeKind.AUTH


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

