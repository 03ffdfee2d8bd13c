"""Data kept only as long as needed (PDPL 91/2025/QH15, Decree 13/2023/NĐ-CP).

Once the portal holds a dossier (state SENT: it answered with its MaHoSo) and the
retention has passed since it was sent (``[retention] days``, 7 by default, for
reprints), the purge erases what the kiosk no longer needs:

- the payload is replaced by the minimal one (``kiosk.domain.masking.minimal_payload``:
  code, procedure, dates, documents' names and pages, fees, masked name and ID) and
  ``payload_sha256`` becomes the hash of those bytes.  STYLE.md §10 (a sealed payload
  never changes) holds until the dossier is sent: exactly the sealed bytes reached the
  portal, which keeps them; after the purge the row only serves the receipt reprint and
  the track screen, and ``purged_at`` says so;
- its attachment rows are deleted, and each file none of the remaining rows names is
  overwritten with zeros and unlinked (a file shared with a dossier not yet purged stays);
- one audit row per dossier (``dossier_purge``), in the same transaction;
- after the commit, a WAL checkpoint (TRUNCATE): with ``PRAGMA secure_delete = ON`` the
  old content is zeroed in the database file, and the WAL that held it is emptied;
- the backups made before updates (``kiosk.store.backup.expire``) once as old as the
  retention: each holds every resident's data of its day, so it goes when they would.
  Done first and never failing the purge: a database that cannot be written does not
  keep old backups, and a backups folder that cannot be written is logged and counted
  (``backups_stuck``) while the dossiers are purged all the same.

Guarded like every change of the queue: ``UPDATE … WHERE id = ? AND state = 'SENT' AND
purged_at IS NULL``; a dossier not yet held by the portal is never touched; running it
twice changes nothing the second time.  Files are erased under the write lock, as the
seal writes them, so no seal of the same bytes can slip between the check and the unlink.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kiosk.domain.masking import minimal_payload
from kiosk.domain.states import DossierState
from kiosk.store import backup
from kiosk.store.audit import KIOSK_ACTOR, append_in
from kiosk.store.db import BUSY_TIMEOUT_MS, Database, StoreError
from kiosk.store.files import FileStore
from kiosk.store.models import AttachmentRow, DossierRow
from kiosk.store.queue import canonical_json

log = logging.getLogger(__name__)

MAX_DAYS = 3650
BATCH = 100  # dossiers per write transaction: the write lock is held briefly
PURGE_ACTION = "dossier_purge"

MESSAGES: Mapping[str, str] = {
    "bad_retention": "Số ngày lưu giữ phải là số nguyên từ 0 đến {max}.",
    "store_unwritable": ("Cơ sở dữ liệu đang bận hoặc không ghi được (ổ đầy, chỉ đọc). "
                         "Phần chưa xoá sẽ được xoá ở lần sau."),
}


@dataclass(frozen=True)
class PurgeResult:
    dossiers: int  # dossiers whose personal data was erased now
    files_erased: int  # attachment files overwritten and unlinked
    files_kept: int  # files still named by a dossier not yet purged
    orphans: int  # files no row named (left by a crash), erased
    codes: tuple[str, ...] = ()
    backups_erased: int = 0  # database backups past the retention, erased
    backups_stuck: int = 0  # backups past the retention that could not be (read-only)

    def as_dict(self) -> dict[str, object]:
        return {"dossiers": self.dossiers, "files_erased": self.files_erased,
                "files_kept": self.files_kept, "orphans": self.orphans,
                "backups_erased": self.backups_erased, "backups_stuck": self.backups_stuck,
                "codes": list(self.codes)}


class Retention:
    def __init__(self, db: Database, files: FileStore, checkpoint_wait_ms: int = 1000) -> None:
        self._db = db
        self._files = files
        # How long the checkpoint waits for readers (the screens, the sync worker): short,
        # because a blocked checkpoint is simply tried again at the next purge.
        self._checkpoint_wait_ms = checkpoint_wait_ms
        self._checkpoint_owed = False  # a checkpoint a reader blocked: tried again next time

    def purge(self, now: datetime, older_than_days: int, actor: str) -> PurgeResult:
        """Erase the personal data of every dossier sent at least ``older_than_days`` ago.

        A database that cannot be written (locked past the busy timeout, read-only,
        full) is a StoreError ``store_unwritable``: the batch in progress rolled back,
        the batches before it stay done, and running it again goes on from there."""
        days = _checked_days(older_than_days)
        expired = backup.expire(self._db.path, now, days)
        try:
            return replace(self._purge(now, days, actor), backups_erased=expired.erased,
                           backups_stuck=expired.stuck)
        except (OperationalError, OSError) as exc:
            raise StoreError("store_unwritable", MESSAGES["store_unwritable"]) from exc

    def _purge(self, now: datetime, older_than_days: int, actor: str) -> PurgeResult:
        cutoff = now - timedelta(days=_checked_days(older_than_days))
        codes: list[str] = []
        erased = kept = 0
        while True:
            with self._db.write() as session:
                batch = _due(session, cutoff)
                done, files = _purge_batch(session, batch, now, actor)
                e, k = self._erase_unnamed(session, files)
            codes += done
            erased, kept = erased + e, kept + k
            if len(batch) < BATCH:
                break
        orphans = self.sweep_orphans()
        if codes or orphans or self._checkpoint_owed:
            self._checkpoint()
        return PurgeResult(len(codes), erased, kept, orphans, tuple(codes))

    def sweep_orphans(self) -> int:
        """Erase files no row names, and leftovers of interrupted writes.

        Safe under the write lock: files are written only by a seal holding that lock,
        so a file without a row is not one a seal is about to commit."""
        with self._db.write() as session:
            named = set(session.scalars(select(AttachmentRow.sha256).distinct()))
            count = 0
            for sha256, path in list(self._files.stored()):
                if not sha256:
                    path.unlink(missing_ok=True)
                    count += 1
                elif sha256 not in named and self._files.erase(sha256):
                    count += 1
            return count

    def _erase_unnamed(self, session: Session, files: set[str]) -> tuple[int, int]:
        erased = kept = 0
        for sha256 in sorted(files):
            if session.scalars(select(AttachmentRow.id).where(
                    AttachmentRow.sha256 == sha256).limit(1)).first() is not None:
                kept += 1
            elif self._files.erase(sha256):
                erased += 1
        return erased, kept

    def _checkpoint(self) -> None:
        """Copy the WAL into the database file and empty it: the old pages are gone."""
        raw = self._db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(self._checkpoint_wait_ms)}")
            try:
                busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                cursor.close()
            self._checkpoint_owed = bool(busy)
            if busy:
                log.warning("WAL checkpoint after a purge was blocked by a reader; "
                            "the next purge tries again")
        finally:
            raw.close()


class Housekeeper:
    """What the sync worker calls after its passes: ``housekeeping(now)``.

    Runs the purge at most once every ``every`` (the worker may pass every few
    seconds), with the configured retention; a failure is logged and tried again
    next time: housekeeping never stops syncing."""

    def __init__(self, retention: Retention, days: int,
                 every: timedelta = timedelta(minutes=10), actor: str = KIOSK_ACTOR) -> None:
        self._retention = retention
        self._days = _checked_days(days)
        self._every = every
        self._actor = actor
        self._last: datetime | None = None

    def __call__(self, now: datetime) -> PurgeResult | None:
        if self._last is not None and now - self._last < self._every:
            return None
        self._last = now
        try:
            result = self._retention.purge(now, self._days, self._actor)
        except Exception:
            log.exception("retention purge failed; tried again at the next pass")
            return None
        if result.dossiers or result.orphans or result.backups_erased or result.backups_stuck:
            log.info("retention: %d dossier(s) purged, %d file(s) erased, %d orphan(s), "
                     "%d backup(s) erased, %d backup(s) could not be erased",
                     result.dossiers, result.files_erased, result.orphans,
                     result.backups_erased, result.backups_stuck)
        return result


def _checked_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise StoreError("bad_retention", MESSAGES["bad_retention"].format(max=MAX_DAYS))
    return days


def _due(session: Session, cutoff: datetime) -> Sequence[DossierRow]:
    return session.scalars(
        select(DossierRow)
        .where(DossierRow.state == DossierState.SENT.value, DossierRow.purged_at.is_(None),
               DossierRow.sent_at.is_not(None), DossierRow.sent_at <= cutoff)
        .order_by(DossierRow.id).limit(BATCH)
    ).all()


def _purge_batch(session: Session, rows: Sequence[DossierRow], now: datetime, actor: str
                 ) -> tuple[list[str], set[str]]:
    codes: list[str] = []
    files: set[str] = set()
    for row in rows:
        named = _purge_one(session, row, now, actor)
        if named is not None:
            codes.append(row.code)
            files.update(named)
    return codes, files


def _purge_one(session: Session, row: DossierRow, now: datetime, actor: str
               ) -> list[str] | None:
    """The guarded erase of one dossier; None if it moved meanwhile (nothing done)."""
    try:
        original = json.loads(row.payload)
    except ValueError:
        original = {}
    body = canonical_json(minimal_payload(original if isinstance(original, dict) else {}))
    result = session.execute(
        update(DossierRow)
        .where(DossierRow.id == row.id, DossierRow.state == DossierState.SENT.value,
               DossierRow.purged_at.is_(None))
        .values(payload=body, payload_sha256=hashlib.sha256(body).hexdigest(), purged_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    named = list(session.scalars(select(AttachmentRow.sha256)
                                 .where(AttachmentRow.dossier_id == row.id)))
    session.execute(delete(AttachmentRow).where(AttachmentRow.dossier_id == row.id))
    append_in(session, actor, PURGE_ACTION, now, row.code, {"attachments": len(named)})
    return named
