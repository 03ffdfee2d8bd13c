"""What the dashboard shows, read in one job on the background runner: plain data, no widgets.

The dossier lines use the words ``kiosk queue`` prints (the state labels, the
sync worker's Vietnamese reason), so the screen and the command say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.errors import DomainError
from kiosk.domain.states import STATE_LABELS, DossierState
from kiosk.store.audit import AuditEntry
from kiosk.store.helpcalls import HelpCall
from kiosk.store.office import OfficeStore
from kiosk.store.queue import DossierQueue
from kiosk.store.ratings import RatingSummary
from kiosk.store.records import QueuedDossier

DOSSIER_LIMIT = 200
AUDIT_LIMIT = 100


@dataclass(frozen=True)
class DossierLine:
    dossier: QueuedDossier
    procedure_name: str

    @property
    def code(self) -> str:
        return self.dossier.code

    @property
    def retryable(self) -> bool:
        """Only a dossier the portal refused is sent again by hand (the guarded transition)."""
        return self.dossier.state is DossierState.FAILED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.dossier.state]


@dataclass(frozen=True)
class DashboardData:
    counts: dict[DossierState, int]
    dossiers: list[DossierLine]
    sealed_today: int
    ratings_today: RatingSummary
    open_calls: list[HelpCall]
    audit: list[AuditEntry]


def start_of_today(now: datetime) -> datetime:
    """Midnight of today in Vietnam (an aware datetime; compared with UTC ones it just works)."""
    local = to_vietnam_time(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def gather(queue: DossierQueue, office: OfficeStore, catalogue: Catalogue, now: datetime
           ) -> DashboardData:
    recent = queue.recent(DOSSIER_LIMIT)
    midnight = start_of_today(now)
    return DashboardData(
        counts=queue.counts(),
        dossiers=[DossierLine(d, _procedure_name(catalogue, d.procedure_code)) for d in recent],
        sealed_today=sum(1 for d in recent if d.received_at >= midnight),
        ratings_today=office.ratings.summary(midnight),
        open_calls=office.help_calls.open_calls(),
        audit=office.audit.entries(AUDIT_LIMIT),
    )


def _procedure_name(catalogue: Catalogue, code: str) -> str:
    try:
        return catalogue.get(code).name
    except (KeyError, DomainError):
        return code
