"""The official's side of the store, in one bundle the composition root hands the UI."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher

from kiosk.store.audit import AuditLog
from kiosk.store.db import Database
from kiosk.store.helpcalls import HelpCalls
from kiosk.store.officials import Officials
from kiosk.store.ratings import Ratings
from kiosk.store.settings import KioskSettings


@dataclass(frozen=True)
class OfficeStore:
    officials: Officials
    audit: AuditLog
    help_calls: HelpCalls
    ratings: Ratings
    settings: KioskSettings


def open_office(db: Database, hasher: PasswordHasher | None = None) -> OfficeStore:
    """``hasher``: tests pass ``officials.fast_hasher()``; production takes the default."""
    return OfficeStore(Officials(db, hasher), AuditLog(db), HelpCalls(db), Ratings(db),
                       KioskSettings(db))
