"""Sealing a checked draft into the queue: the one path every dossier takes.

Received time, appointment date, fees, code and payload are all fixed here, in
one transaction (``DossierQueue.seal``); after it the dossier never changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from kiosk.config import Config, SiteConfig
from kiosk.declarations.service import (
    CONTENT_TYPE,
    FILE_NAME,
    declaration_component,
    page_count,
    render_declaration,
)
from kiosk.declarations.values import input_from_draft
from kiosk.domain.codes import DossierCode, SequenceBlock
from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.draft import SIGNATURE_COMPONENT, Draft, portal_payload
from kiosk.domain.fees import compute_fees
from kiosk.domain.workdays import WorkCalendar
from kiosk.store.queue import DossierQueue, Sealing
from kiosk.store.records import AttachmentInput, QueuedDossier


class Submitter:
    def __init__(
        self, queue: DossierQueue, calendar: WorkCalendar, config: Config,
        clock: Callable[[], datetime],
    ) -> None:
        self._queue = queue
        self._calendar = calendar
        self._config = config
        self._clock = clock

    def seal(self, draft: Draft) -> QueuedDossier:
        procedure = draft.procedure
        received = self._clock()
        due = self._calendar.due_date(received, procedure.time_limit)
        fees = compute_fees(procedure, pages=draft.pages_to_certify, copies=draft.copies,
                            overrides=self._config.fees)
        block = SequenceBlock(self._config.kiosk.sequence_start, self._config.kiosk.sequence_end)
        sealing = Sealing(self._config.site.agency_code, block, received, due, procedure.code,
                          draft.draft_key)

        def build(code: DossierCode, documents: Sequence[Mapping[str, object]]) -> dict[str, Any]:
            return portal_payload(draft, code=str(code), kiosk_id=self._config.kiosk.id,
                                  received_at=received, due_at=due, fees=fees,
                                  documents=documents)

        return self._queue.seal(sealing, attachments_of(draft, self._config.site), build)


def attachments_of(draft: Draft, site: SiteConfig) -> list[AttachmentInput]:
    """The resident's files, the tờ khai the kiosk writes (one, under its code), the signature.

    Runs on the sealing worker, never the GUI thread: rendering the PDF takes a moment.
    A file the resident supplied for a generated component is left out: the
    kiosk's own tờ khai is the one the office receives.
    """
    names = {c.code: c.name for c in draft.procedure.documents}
    generated = declaration_component(draft.procedure)
    skip = generated.code if generated is not None else None
    files = [AttachmentInput(d.component_code, names[d.component_code], d.file_name,
                             d.content_type, d.data, d.pages)
             for d in draft.documents if d.component_code != skip]
    if generated is not None:
        files.insert(0, declaration_attachment(draft, site, generated.code, generated.name))
    if draft.signature_png is not None:
        code, name = SIGNATURE_COMPONENT
        files.append(AttachmentInput(code, name, "chu-ky.png", "image/png",
                                     draft.signature_png, 1))
    return files


def declaration_attachment(draft: Draft, site: SiteConfig, code: str, name: str
                           ) -> AttachmentInput:
    made_on = to_vietnam_time(draft.declared_at).date()
    source = input_from_draft(draft, site.name, site.province, made_on)
    pdf = render_declaration(source)
    return AttachmentInput(code, name, FILE_NAME, CONTENT_TYPE, pdf, page_count(pdf))
