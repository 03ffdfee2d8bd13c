"""Read-only figures for the Prometheus exporter, taken in one short read transaction.

The exporter asks at scrape time (every 15 s or so), from whichever process serves
it (``kiosk run`` or ``kiosk sync``), so what it says is what the database holds,
whoever wrote it.  Counts and dates only: no code, name or payload leaves here.
One deferred transaction (a WAL snapshot) never blocks the writers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.states import DossierState
from kiosk.store.db import Database
from kiosk.store.models import DossierRow, RatingRow, SyncHealthRow
from kiosk.store.syncstate import LEASE_NAME, SyncHealth

UNSENT = (DossierState.PENDING.value, DossierState.SENDING.value)  # not yet at the portal


@dataclass(frozen=True)
class QueueFigures:
    """What the queue and the sync health log say now."""

    by_state: Mapping[DossierState, int]  # every state, zero included
    oldest_unsent_at: datetime | None  # when the oldest PENDING/SENDING dossier was sealed
    retrying: int  # PENDING dossiers that failed once and wait for their next attempt
    sealed_since: int  # dossiers sealed at or after ``since``
    ratings_since: Mapping[int, int] = field(default_factory=dict)  # by level
    health: SyncHealth = field(default_factory=SyncHealth)


def read_figures(db: Database, since: datetime, agency: str) -> QueueFigures:
    """Every figure at once, from one snapshot (``since``: the start of today in Vietnam).

    Today's dossiers are found by their code, ``<agency>-YYMMDD-XXXX`` (the date of
    sealing in Vietnam time), on the code's unique index: no scan of the payloads.
    """
    prefix = f"{agency}-{to_vietnam_time(since):%y%m%d}-"
    with db.read() as session:
        return QueueFigures(
            by_state=_by_state(session),
            oldest_unsent_at=session.scalar(
                select(func.min(DossierRow.received_at)).where(DossierRow.state.in_(UNSENT))),
            retrying=_count(session, DossierRow.state == DossierState.PENDING.value,
                            DossierRow.last_error_code.is_not(None)),
            sealed_since=_count(session, DossierRow.code >= prefix,
                                DossierRow.code < prefix[:-1] + ".",  # "." follows "-"
                                DossierRow.received_at >= since),
            ratings_since=_ratings(session, since),
            health=_health(session),
        )


def _by_state(session: Session) -> dict[DossierState, int]:
    counts = {state: 0 for state in DossierState}
    rows = session.execute(select(DossierRow.state, func.count()).group_by(DossierRow.state))
    for state, count in rows:
        counts[DossierState(state)] = count
    return counts


def _count(session: Session, *where: object) -> int:
    query = select(func.count()).select_from(DossierRow).where(*where)  # type: ignore[arg-type]
    return int(session.scalar(query) or 0)


def _ratings(session: Session, since: datetime) -> dict[int, int]:
    rows = session.execute(select(RatingRow.level, func.count()).where(RatingRow.at >= since)
                           .group_by(RatingRow.level))
    return {int(level): int(count) for level, count in rows}


def _health(session: Session) -> SyncHealth:
    row = session.get(SyncHealthRow, LEASE_NAME)
    if row is None:
        return SyncHealth()
    return SyncHealth(row.last_pass_at, row.last_contact_at, row.last_failure_at,
                      row.last_failure_code, None, row.failures_in_row or 0)
