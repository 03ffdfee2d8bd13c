"""Issuing dossier codes from this kiosk's sequence block, durably.

The counter lives in the same database as the dossiers, so a code is taken in
the same transaction that seals the dossier: a code is never issued twice, even
across restarts or power cuts, and one that was rolled back was never used.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kiosk.domain.codes import DossierCode, SequenceBlock, next_sequence
from kiosk.store.db import Database
from kiosk.store.models import CodeCounter


def take_code(session: Session, agency: str, day: date, block: SequenceBlock) -> DossierCode:
    """Take the next code of ``day`` inside the caller's write transaction."""
    counter = session.get(CodeCounter, (agency, day.isoformat()))
    sequence = next_sequence(block, counter.last_sequence if counter else None)
    if counter is None:
        session.add(CodeCounter(agency=agency, day=day.isoformat(), last_sequence=sequence))
    else:
        counter.last_sequence = sequence
    session.flush()
    return DossierCode(agency=agency, day=day, sequence=sequence)


class CodeIssuer:
    """Takes codes in a transaction of their own (for callers outside sealing)."""

    def __init__(self, db: Database, agency: str, block: SequenceBlock) -> None:
        self._db = db
        self._agency = agency
        self._block = block

    def issue(self, day: date) -> DossierCode:
        with self._db.write() as session:
            return take_code(session, self._agency, day, self._block)
