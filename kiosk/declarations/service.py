"""The tờ khai of a dossier as PDF bytes: what sealing attaches and the review step shows."""

from __future__ import annotations

import re

from kiosk.declarations.forms import SPECS, FormSpec
from kiosk.declarations.layout import Page, layout
from kiosk.declarations.render import paint
from kiosk.declarations.texts import TEXTS
from kiosk.declarations.values import DeclarationInput, clean_text, declaration_values
from kiosk.domain.catalogue import DocumentComponent, Procedure
from kiosk.store.queue import DossierQueue

FILE_NAME = "to-khai.pdf"
CONTENT_TYPE = "application/pdf"


def declaration_component(procedure: Procedure) -> DocumentComponent | None:
    """The component the kiosk writes for ``procedure`` (its generated tờ khai), if any."""
    if procedure.code not in SPECS:
        return None
    return next((d for d in procedure.generated_documents), None)


def spec_for(procedure_code: str) -> FormSpec | None:
    return SPECS.get(procedure_code)


def declaration_pages(source: DeclarationInput) -> list[Page]:
    spec = SPECS[source.procedure_code]
    return layout(spec, declaration_values(source))


def render_declaration(source: DeclarationInput) -> bytes:
    """The filled tờ khai of ``source.procedure_code`` as a PDF (KeyError: no such form)."""
    spec = SPECS[source.procedure_code]
    values = declaration_values(source)
    pages = layout(spec, values)
    return paint(pages, source.signature_png, f"{TEXTS['pdf_title']} — {spec.title}",
                 values["kinh_gui"], _signature_box(spec, values))


def page_count(pdf: bytes) -> int:
    """Pages of a PDF this module wrote (its page objects, not the page tree)."""
    return max(1, len(re.findall(rb"/Type /Page[^s]", pdf)))


def _signature_box(spec: FormSpec, values: dict[str, str]) -> int:
    """The requester signs in their own box (on the marriage form, the bride's or groom's)."""
    requester = clean_text(values.get("nguoi_yeu_cau", "")).casefold()
    for number, signer in enumerate(spec.signers):
        if requester and clean_text(values.get(signer.name_key, "")).casefold() == requester:
            return number
    return 0


def sealed_declaration(queue: DossierQueue, code: str) -> bytes | None:
    """The tờ khai sealed into dossier ``code``, as the office receives it (None: none)."""
    detail = queue.find(code)
    if detail is None:
        return None
    for attachment in detail.attachments:
        if attachment.file_name == FILE_NAME and attachment.content_type == CONTENT_TYPE:
            return queue.files.read(attachment.sha256)
    return None
