"""The sync worker: sends sealed dossiers, then follows their status on the portal.

Each dossier is independent — one that fails is rescheduled and the next one
goes — but an answer that concerns the whole portal (offline, a Retry-After, a
run of server errors, a refused login) ends the pass at once: every further call
would fail the same way.  The worker never holds a transaction open across an
HTTP call: the queue commits SENDING first, then the worker talks.

Only the holder of the sync lease sends (STYLE.md §22); a second worker waits.

Error boundaries (STYLE.md §21), from the inside out: a dossier whose sending
raises is put back in the queue at once (no attempt counted: a bug is not the
dossier's; it goes behind the others); each stage of a pass (dossiers,
ratings, statuses, catalogue, housekeeping) is guarded so the others still
run; ``run_once`` never raises; ``run_forever`` guards even that.  Whatever
goes wrong is logged with its traceback and recorded for the dashboard, and the
next pass comes after a backoff that grows with the failed passes in a row.
Portal answers reach this module only checked (``answers``): a malformed one is
a transient outcome with a reason, never an exception.

A bug that *hangs* a pass instead of raising is past every error boundary: the
worker touches its ``progress`` wherever a healthy pass moves (each loop turn,
stage, dossier, attachment, and through the client each request), so that
``kiosk sync``'s heartbeat can stop feeding systemd's watchdog (``progress``).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from kiosk.catalogue_updates import CatalogueUpdates
from kiosk.logsetup import mask_personal
from kiosk.store.queue import DossierQueue, LostRace
from kiosk.store.ratings import Ratings
from kiosk.store.records import SendJob
from kiosk.store.syncstate import SyncHealthLog, SyncLease
from kiosk.sync.answers import DossierAnswer
from kiosk.sync.client import Portal
from kiosk.sync.dossier_send import DossierSend
from kiosk.sync.follow import CATALOGUE_CURSOR as CATALOGUE_CURSOR
from kiosk.sync.follow import EPOCH_WIRE, apply_catalogue, apply_changes
from kiosk.sync.follow import STATUS_CURSOR as STATUS_CURSOR
from kiosk.sync.policy import Outcome, OutcomeKind, backoff_delay, next_attempt_at
from kiosk.sync.progress import HOUSEKEEPING_SECONDS, Progress
from kiosk.sync.rating_sender import RatingSender
from kiosk.sync.report import MESSAGES as MESSAGES
from kiosk.sync.report import SyncReport as SyncReport
from kiosk.sync.report import describe_holder as describe_holder

log = logging.getLogger(__name__)

STANDBY_SECONDS = 5.0  # how often a waiting worker asks for the lease again
MIN_PAUSE_SECONDS = 1.0
HOUSEKEEPING_EVERY = timedelta(hours=1)

Clock = Callable[[], datetime]
_T = TypeVar("_T")

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
        housekeeping: Callable[[datetime], object] | None = None,
        progress: Progress | None = None,
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
        self._housekeeping = housekeeping
        self._housekept_at: datetime | None = None
        self._failed_passes = 0  # passes in a row with an error: their backoff
        self._retry_in = 0.0
        self.last_report = SyncReport()
        self.progress = progress or Progress()  # where a healthy loop moves (the watchdog's)
        self._send = DossierSend(queue, portal, self.progress, self._heard)

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
        with self.leased():
            while not self._stop.is_set():
                self.progress.touch("pass")
                try:
                    wait = self._cycle(idle_seconds)
                except Exception as error:  # the thread's last error boundary (STYLE.md §21)
                    wait = self._crashed(error).retry_in or idle_seconds
                self.progress.touch("wait", allow=wait)  # resting is not hanging
                self._stop.wait(wait)

    def _cycle(self, idle_seconds: float) -> float:
        report = self.run_once()
        if report.standby is not None:
            if not self._waiting:
                self._notify(MESSAGES["standby"].format(holder=describe_holder(report.standby)))
            self._waiting = True
            return STANDBY_SECONDS
        self.housekeep()
        if report.retry_in is not None:
            return max(report.retry_in, MIN_PAUSE_SECONDS)
        if report.paused_reason is not None:
            return max(idle_seconds, self._portal.pause_remaining(), MIN_PAUSE_SECONDS)
        return idle_seconds

    def housekeep(self) -> bool:
        """Run the housekeeping hook if an hour has passed since it last ran (and the lease
        is held); its failure is logged and waits for the next hour.  True if it ran."""
        now = self._clock()
        due = self._housekept_at is None or now - self._housekept_at >= HOUSEKEEPING_EVERY
        if self._housekeeping is None or not due or not self._lease.held:
            return False
        self._housekept_at = now
        self.progress.touch("housekeeping", allow=HOUSEKEEPING_SECONDS)
        try:
            self._housekeeping(now)
        except Exception:  # its own error boundary: syncing goes on
            log.exception("sync housekeeping failed; next try in an hour")
        return True

    def _crashed(self, error: Exception) -> SyncReport:
        """A pass that raised outside every stage (the lease, the database …)."""
        log.exception("sync pass failed", exc_info=error)
        text = self._failure_text([_said(error)])
        try:  # nothing is in flight now: what this owner was sending goes back to the queue
            if self._lease.held:
                self._queue.recover_interrupted(self._clock(), keep_owner=None)
            if self._health is not None:
                self._health.failed(self._clock(), "crash", text)
        except Exception:  # the database itself may be what failed
            log.exception("sync failure not recorded")
        return SyncReport(errors=(text,), retry_in=self._retry_in)

    def _failure_text(self, errors: Sequence[str]) -> str:
        self._failed_passes += 1
        self._retry_in = backoff_delay(self._failed_passes, self._jitter())
        return MESSAGES["crash"].format(error="; ".join(errors)[:300], seconds=self._retry_in)

    def stop(self) -> None:
        """Ends the loop within a second: the request in flight is cut short too."""
        self._stop.set()
        self._portal.abort()

    def run_once(self) -> SyncReport:
        """Send every due dossier, then pull status changes and catalogue updates.

        Never raises: a stage that fails is logged and recorded, and the report
        carries the error and the backoff before the next pass.
        """
        try:
            report = self._pass()
        except Exception as error:  # the pass's error boundary
            report = self._crashed(error)
        self.last_report = report
        return report

    def _pass(self) -> SyncReport:
        recovered = self.acquire()
        if recovered is None:
            return SyncReport(standby=self._lease.holder())
        errors: list[str] = []
        report = self._stage(errors, "dossiers", self.send_due) or SyncReport()
        report = replace(report, recovered=recovered)
        if report.paused_reason is None:
            report = self._stage(errors, "ratings", lambda: self.send_ratings(report)) or report
        if report.paused_reason is None and not self._stop.is_set():
            report = replace(report, status_updates=self._stage(errors, "status",
                                                                self.poll_status) or 0)
            report = replace(report, procedures_updated=self._stage(
                errors, "catalogue", self.refresh_catalogue) or 0)
        if errors:
            report = self._failed_pass(report, errors)
        else:
            self._failed_passes = 0
            self._record_health(report)
        return report

    def _stage(self, errors: list[str], name: str, run: Callable[[], _T]) -> _T | None:
        """One stage of a pass, its own error boundary: None (and the error noted) if it
        raised, so the next stages still run."""
        self.progress.touch(name)
        try:
            return run()
        except Exception as error:
            log.exception("sync stage %s failed", name)
            errors.append(f"{name}: {_said(error)}")
            return None

    def _failed_pass(self, report: SyncReport, errors: Sequence[str]) -> SyncReport:
        text = self._failure_text(errors)
        try:  # as in _crashed: nothing of ours is in flight, and only we may send
            if self._lease.held:
                self._queue.recover_interrupted(self._clock(), keep_owner=None)
            if self._health is not None and not self._stop.is_set():
                self._health.failed(self._clock(), "crash", text)
        except Exception:
            log.exception("sync failure not recorded")
        return replace(report, errors=(text,), retry_in=self._retry_in)

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
        tried = 0

        def more() -> bool:
            return self._may_send() and (limit is None or tried < limit)

        job: SendJob | None = None
        claimed = False  # ``job`` was claimed with the last one's result (None: none due)
        while claimed or more():
            if not claimed:
                job = self._queue.claim_next(self._clock(), self.owner)
            if job is None:
                break
            tried += 1
            outcome, job, claimed = self._guarded(job, more)
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

    def _heard(self, outcome: Outcome) -> Outcome:
        if outcome.kind is OutcomeKind.ACCEPTED:
            self._contacted = True
        return outcome

    def _guarded(
        self, job: SendJob, more: Callable[[], bool]
    ) -> tuple[Outcome, SendJob | None, bool]:
        """Send and record one dossier; if that raises, the dossier goes back to the queue
        behind the others (no attempt counted) before the error goes on to the stage.
        Also the next dossier, when one was claimed with this one's result (see _record)."""
        try:
            self.progress.touch("dossier")
            outcome = self._send(job)
            following, claimed = self._record(job, outcome, more)
            return outcome, following, claimed
        except Exception as error:
            text = MESSAGES["item_crash"].format(error=_said(error)[:300])
            try:
                now = self._clock()
                self._queue.mark_retry(job, now, now, "crash", text, count_attempt=False)
            except Exception:  # LostRace, or the database: recovery puts it back later
                log.exception("dossier %s: not put back in the queue", job.code)
            raise

    def _record(
        self, job: SendJob, outcome: Outcome, more: Callable[[], bool]
    ) -> tuple[SendJob | None, bool]:
        """The result committed; after an accepted dossier, when ``more`` says sending goes
        on, the next due one is claimed in the same commit: (that job or None, True)."""
        now = self._clock()
        following: SendJob | None = None
        claimed = False
        try:
            if isinstance(outcome.answer, DossierAnswer):  # echo_checked: only when ACCEPTED
                claimed = more()
                following = self._queue.mark_sent(job, now, outcome.answer.code,
                                                   outcome.answer.status, claim_next=claimed)
            elif outcome.kind is OutcomeKind.PERMANENT:
                self._queue.mark_failed(job, now, outcome.code, outcome.message)
            else:
                self._reschedule(job, outcome, now)
        except LostRace:  # the lease passed on meanwhile; the new owner sends it (same key)
            log.warning("dossier %s: recovered by another sync owner; its answer is theirs",
                        job.code)
            return None, False
        log.info("dossier %s: %s (%s)", job.code, outcome.kind, outcome.code)
        return following, claimed

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
        """Pull everything of this kiosk that changed on the portal since last time; a
        malformed page changes nothing and the cursor stays (``follow``)."""
        since = self._queue.cursor(STATUS_CURSOR) or EPOCH_WIRE
        outcome = self._heard(self._portal.changes_since(self._kiosk_id, since))
        return apply_changes(self._queue, outcome, self._clock())

    def refresh_catalogue(self) -> int:
        """Store procedures the portal changed since last time; a malformed answer is refused."""
        if self._catalogue_updates is None:
            return 0
        since = self._queue.cursor(CATALOGUE_CURSOR) or EPOCH_WIRE
        outcome = self._portal.procedures_since(since)
        return apply_catalogue(self._queue, self._catalogue_updates, outcome)


def _portal_wide(outcome: Outcome) -> bool:
    return outcome.portal_wide or outcome.kind is OutcomeKind.AUTH


def _said(error: BaseException) -> str:
    """An error as the sync's stdout, its health log and a dossier's reason carry it: an
    unexpected exception's text may quote a resident's number or e-mail, masked here as the
    log records are (kiosk/logsetup.py)."""
    return mask_personal(f"{type(error).__name__}: {error}")
