"""The resident's dossier while it is being filled in: in memory only, wiped in one place.

Screens read from it when shown and write to it when the resident goes on; the
checks are the domain's (the same as ``kiosk submit``).  Nothing here is saved
until sealing, and ``wipe`` forgets everything at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.domain.catalogue import Procedure
from kiosk.domain.draft import (
    Delivery,
    Draft,
    DraftDocument,
    Helper,
    Payment,
    check_applicant,
    check_choices,
    check_documents,
)
from kiosk.domain.errors import Problems
from kiosk.domain.forms import validate_form


@dataclass
class DraftState:
    procedure: Procedure | None = None
    applicant: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    documents: list[DraftDocument] = field(default_factory=list)
    delivery: Delivery = Delivery.AT_OFFICE
    delivery_address: str = ""
    payment: Payment = Payment.AT_OFFICE
    declared: bool = False
    signature_png: bytes | None = None
    assisted_by: Helper | None = None  # the official filing with (or for) the resident
    # New with every resident (and every wipe): the store seals each key at most once.
    draft_key: str = field(default_factory=lambda: uuid.uuid4().hex)

    def wipe(self) -> None:
        """Forget the resident: every field back to its empty default."""
        fresh = DraftState()
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))

    def choose(self, procedure: Procedure) -> None:
        """A different procedure starts a new dossier (its form and papers differ)."""
        if self.procedure is None or self.procedure.code != procedure.code:
            applicant, assisted_by = dict(self.applicant), self.assisted_by
            self.wipe()
            self.applicant, self.assisted_by = applicant, assisted_by  # the same resident
        self.procedure = procedure

    def build(self, now: datetime) -> tuple[Draft | None, Problems]:
        """The checked Draft ready to seal, or every problem left."""
        procedure = self.procedure
        if procedure is None:
            raise RuntimeError("no procedure chosen")
        applicant, who = check_applicant(self.applicant, now.date())
        form, what = validate_form(procedure.fields, self.form, now.date())
        papers = check_documents(procedure, self.documents)
        choices = check_choices(procedure, self.delivery, self.delivery_address, self.payment,
                                self.declared)
        problems = Problems(tuple(e for p in (who, what, papers, choices) for e in p.errors),
                            tuple(a for p in (who, what) for a in p.advisories))
        if applicant is None or not problems.ok:
            return None, problems
        address = self.delivery_address if self.delivery is Delivery.BY_POST else None
        return Draft(procedure, applicant, form, tuple(self.documents), self.delivery, address,
                     self.payment, now, self.assisted_by, self.signature_png,
                     self.draft_key), problems
