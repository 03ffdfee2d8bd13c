"""What the official's taps do in the store and on the printer: plain functions run on the
BackgroundRunner (STYLE.md §5), each leaving its audit row.

The audit row of a reprint or a declaration view is written after the thing
was done: a reprint the printer refused is not recorded as made.  A retry is
audited by the store in the same transaction as the state change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QImage

from kiosk.domain.states import DossierState
from kiosk.store.audit import KIOSK_ACTOR
from kiosk.store.records import DossierDetail, QueuedDossier
from kiosk.ui.context import UiServices
from kiosk.ui.pdf_page import sealed_declaration_image

TEST_PAGE_CODE = "IN-THU"
PRINTER_TEST = "printer_test"
TEXTS = {
    "test_procedure": "TRANG IN THỬ — không phải hồ sơ",
    "test_name": "Trang in thử của máy in",
    "not_found": "Không có hồ sơ {code} trên kiosk này.",
}


@dataclass(frozen=True)
class Actor:
    """Who does it, as the audit log names them, and the clock."""

    staff_id: str
    services: UiServices

    def now(self) -> datetime:
        return self.services.clock()

    def audit(self, action: str, target: str | None = None,
              detail: dict[str, object] | None = None) -> None:
        self.services.office.audit.append(self.staff_id, action, self.now(), target, detail)


def retry(actor: Actor, code: str) -> None:
    """FAILED → PENDING through the guarded transition (audited by the store)."""
    actor.services.queue.official_retry(code, actor.now(), actor=actor.staff_id)


def reprint(actor: Actor, code: str) -> Path | None:
    detail = actor.services.queue.find(code)
    if detail is None:
        raise LookupError(TEXTS["not_found"].format(code=code))
    saved = actor.services.print_receipt(detail)
    actor.audit("receipt_reprint", detail.dossier.code)
    return saved


def declaration(actor: Actor, code: str, width_px: int) -> QImage | None:
    image = sealed_declaration_image(actor.services.queue, code, width_px)
    actor.audit("declaration_view", code, {"found": image is not None})
    return image


def change_setting(actor: Actor, name: str, value: str) -> dict[str, str]:
    settings = actor.services.office.settings
    settings.set(name, value, actor.now(), actor.staff_id)
    return settings.all()


def test_page(actor: Actor) -> Path | None:
    """A sample slip on the real layout, marked as a test: the printer, paper and fonts work."""
    saved = actor.services.print_receipt(test_page_detail(actor.now(), actor.services))
    actor.audit(PRINTER_TEST, "printer")
    return saved


def test_page_detail(now: datetime, services: UiServices) -> DossierDetail:
    dossier = QueuedDossier(
        id=0, code=TEST_PAGE_CODE, official_code=None, procedure_code="", state=DossierState.SENT,
        attempts=0, next_attempt_at=now, last_error_code=None, last_error_message=None,
        portal_status=None, portal_updated_at=None, received_at=now, due_at=now, sent_at=None,
        updated_at=now, payload_sha256="")
    payload = {"TenTTHC": TEXTS["test_procedure"], "ChuHoSo": {"HoTen": TEXTS["test_name"]},
               "MaKiosk": services.config.kiosk.id}
    return DossierDetail(dossier, payload, (), ())


def sign_out(services: UiServices, staff_id: str, reason: str) -> None:
    services.office.audit.append(staff_id, "signout", services.clock(), staff_id,
                                 {"reason": reason})


def system_audit(services: UiServices, action: str) -> None:
    services.office.audit.append(KIOSK_ACTOR, action, services.clock())
