"""Building blocks the end-to-end tests share: a controllable clock, real drafts, a kiosk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.domain.catalogue import Catalogue
from kiosk.domain.draft import (
    Applicant,
    Delivery,
    Draft,
    DraftDocument,
    Payment,
)
from kiosk.domain.forms import validate_form
from kiosk.services import Runtime, build_calendar, build_queue, open_database, shipped_catalogue
from kiosk.store.db import Database
from kiosk.store.office import OfficeStore, open_office
from kiosk.store.officials import fast_hasher
from kiosk.store.queue import DossierQueue
from kiosk.store.records import QueuedDossier
from kiosk.store.syncstate import LeaseOwner, SyncHealthLog, SyncLease
from kiosk.submission import Submitter
from kiosk.sync.client import Portal
from kiosk.sync.command import with_demo_portal
from kiosk.sync.worker import SyncWorker
from kiosk.ui.draft_state import DraftState

START = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # Tuesday 09:30 in Vietnam


def tiny_pdf(label: str) -> bytes:
    """A small, valid one-page PDF whose bytes differ by ``label``."""
    body = f"BT /F1 12 Tf 72 720 Td ({label}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


BIRTH_FORM = {
    "ho_ten_tre": "Trần Minh Đức", "ngay_sinh": "20/11/2026", "gioi_tinh": "Nam",
    "dan_toc": "Kinh", "quoc_tich": "Việt Nam",
    "noi_sinh": "Trạm y tế xã Cộng Lạc, Thành phố Hải Phòng",
    "que_quan": "Xã Cộng Lạc, Thành phố Hải Phòng",
    "ho_ten_me": "Nguyễn Thị Ánh", "nam_sinh_me": "1995", "so_dinh_danh_me": "030195012345",
    "noi_cu_tru_me": "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng",
    "dan_toc_me": "Kinh", "quoc_tich_me": "Việt Nam",
    "ho_ten_cha": "Trần Văn Bình", "nam_sinh_cha": "1993", "dan_toc_cha": "Kinh",
    "quoc_tich_cha": "Việt Nam",
    "noi_cu_tru_cha": "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng",
    "quan_he_nguoi_khai": "Mẹ", "so_ban_sao": "1",
}


class FakeClock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def birth_draft(catalogue: Catalogue, now: datetime, label: str = "1") -> Draft:
    """A complete, valid birth registration with both required documents."""
    procedure = catalogue.get("1.001193")
    applicant = Applicant("Nguyễn Thị Ánh", date(1995, 3, 8), "Nữ", "030195012345",
                          "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng", "0912345678")
    born = (now.date() - timedelta(days=4)).strftime("%d/%m/%Y")
    form, problems = validate_form(procedure.fields, BIRTH_FORM | {"ngay_sinh": born}, now.date())
    assert problems.ok, problems.errors
    documents = tuple(
        DraftDocument(code, f"{code.lower()}-{label}.pdf", "pdf", "application/pdf",
                      tiny_pdf(f"{code} {label}"), 1)
        for code in ("TK", "GCS"))
    return Draft(procedure, applicant, form, documents, Delivery.AT_OFFICE, None,
                 Payment.AT_OFFICE, now)


def birth_state(catalogue: Catalogue, now: datetime) -> DraftState:
    """The same birth registration as the wizard holds it just before the declaration."""
    draft = birth_draft(catalogue, now)
    a = draft.applicant
    applicant = {"ho_ten": a.full_name, "ngay_sinh": a.birth_date.strftime("%d/%m/%Y"),
                 "gioi_tinh": a.gender, "so_dinh_danh": a.personal_id, "dia_chi": a.address,
                 "so_dien_thoai": a.phone}
    born = (now.date() - timedelta(days=4)).strftime("%d/%m/%Y")
    return DraftState(procedure=draft.procedure, applicant=applicant,
                      form=BIRTH_FORM | {"ngay_sinh": born}, documents=list(draft.documents))


@dataclass
class Kiosk:
    """A kiosk's Qt-free half on a temporary data dir."""

    runtime: Runtime
    db: Database
    queue: DossierQueue
    submitter: Submitter
    clock: FakeClock
    catalogue: Catalogue
    office: OfficeStore

    def seal_births(self, count: int) -> list[QueuedDossier]:
        return [self.submitter.seal(birth_draft(self.catalogue, self.clock(), str(i)))
                for i in range(count)]

    def sync_worker(self, portal: Portal, role: str = "test", **options: Any) -> SyncWorker:
        """A sync worker of its own (its own lease owner) on this kiosk's queue and clock."""
        lease = SyncLease(self.db, LeaseOwner.of_this_process(role))
        return SyncWorker(self.queue, portal, self.runtime.config.kiosk.id, self.clock,
                          lease=lease, health=SyncHealthLog(self.db), **options)

    def close(self) -> None:
        self.db.dispose()


def configured_config() -> Config:
    """The defaults with a portal named (the simulator's account; each test points its own
    client at its own simulator): a kiosk installed for a commune, not one left unset."""
    return with_demo_portal(Runtime(Config(), Path())).config


def open_kiosk(data_dir: Path, config: Config | None = None) -> Kiosk:
    runtime = Runtime(config or configured_config(), data_dir)
    db = open_database(runtime)
    queue = build_queue(runtime, db)
    clock = FakeClock()
    submitter = Submitter(queue, build_calendar(runtime.config), runtime.config, clock)
    return Kiosk(runtime, db, queue, submitter, clock, shipped_catalogue(),
                 open_office(db, fast_hasher()))
