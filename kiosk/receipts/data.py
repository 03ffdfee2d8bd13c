"""What a receipt slip says, taken from a sealed dossier and the site's configuration.

``ReceiptData`` is plain data: the layout draws it, tests inspect it, and
nothing in it depends on paper size.  The national ID is masked here, once,
so no layout can print the full number by mistake.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.config import Config, PaymentConfig
from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.errors import ValidationError
from kiosk.domain.masking import mask_id
from kiosk.domain.vietqr import build_vietqr
from kiosk.receipts import texts
from kiosk.store.records import DossierDetail

ONLINE_PAYMENT = 2  # HinhThucThanhToan: paid online by VietQR


@dataclass(frozen=True)
class DocumentLine:
    name: str
    pages: int


@dataclass(frozen=True)
class FeeLine:
    name: str
    amount: int  # whole VND
    payment_method: int  # HinhThucThanhToan


@dataclass(frozen=True)
class ReceiptData:
    authority: str  # "UBND xã Cộng Lạc"
    office: str  # "Bộ phận Một cửa UBND xã Cộng Lạc"
    code: str
    official_code: str | None  # only when the portal re-keyed the dossier
    procedure_name: str
    procedure_code: str
    applicant_name: str
    applicant_id_masked: str
    received_at: datetime  # Vietnam time
    due_at: datetime  # Vietnam time
    documents: tuple[DocumentLine, ...]
    fees: tuple[FeeLine, ...]
    delivery: str | None  # how the result is returned, already in words
    vietqr: str | None  # VietQR payload for paying the online fees, if offered
    payee_name: str
    portal_address: str
    kiosk_id: str
    assisted_by: str | None
    title: str = texts.TITLE

    @property
    def fee_total(self) -> int:
        return sum(fee.amount for fee in self.fees)

    @property
    def online_fee_total(self) -> int:
        return sum(f.amount for f in self.fees if f.payment_method == ONLINE_PAYMENT)


def receipt_from_dossier(detail: DossierDetail, config: Config) -> ReceiptData:
    """Everything the slip prints for ``detail``, at the site described by ``config``."""
    payload = detail.payload
    dossier = detail.dossier
    applicant = _mapping(payload.get("ChuHoSo"))
    fees = _fees(payload.get("DanhSachLePhi"))
    official = dossier.official_code if dossier.official_code != dossier.code else None
    return ReceiptData(
        authority=_text(config.site.name),
        office=_text(config.site.office),
        code=dossier.code,
        official_code=official,
        procedure_name=_text(payload.get("TenTTHC")),
        procedure_code=_text(payload.get("MaTTHC")) or dossier.procedure_code,
        applicant_name=_text(applicant.get("HoTen")),
        applicant_id_masked=mask_id(_text(applicant.get("SoDinhDanh"))),
        received_at=to_vietnam_time(dossier.received_at),
        due_at=to_vietnam_time(dossier.due_at),
        documents=_documents(payload.get("TaiLieuNop")),
        fees=fees,
        delivery=_delivery(payload),
        vietqr=payment_code(config.payment, dossier.code, fees),
        payee_name=_text(config.payment.account_name),
        portal_address=_text(config.site.portal_address),
        kiosk_id=_text(payload.get("MaKiosk")) or config.kiosk.id,
        assisted_by=_assisted_by(payload.get("NguoiHoTro")),
    )


def payment_code(payment: PaymentConfig, code: str, fees: Sequence[FeeLine]) -> str | None:
    """The VietQR payload for the fees paid online, or None when none is to be printed.

    Printed only when the site configured a bank account and something is owed
    online: a QR for 0 đồng, or for fees paid at the desk, would mislead.
    """
    amount = sum(f.amount for f in fees if f.payment_method == ONLINE_PAYMENT)
    if not (payment.bank_bin and payment.account) or amount <= 0:
        return None
    sequence = code.rsplit("-", 1)[-1]
    try:
        return build_vietqr(
            bank_bin=payment.bank_bin, account=payment.account, amount=amount,
            bill_number=code, purpose=f"Le phi ho so {sequence}",
        )
    except ValidationError:
        # A code longer than VietQR's 25-character bill number (some portals
        # issue such codes) cannot be paid by QR; the slip still says the
        # amount and the desk takes the payment, which beats a wrong bill.
        return None


def _documents(raw: object) -> tuple[DocumentLine, ...]:
    lines = []
    for item in _sequence(raw):
        entry = _mapping(item)
        lines.append(DocumentLine(_text(entry.get("TenThanhPhan")), _int(entry.get("SoTrang"))))
    return tuple(lines)


def _fees(raw: object) -> tuple[FeeLine, ...]:
    lines = []
    for item in _sequence(raw):
        entry = _mapping(item)
        method = _int(entry.get("HinhThucThanhToan")) or 1
        lines.append(FeeLine(_text(entry.get("TenPhiLePhi")), _int(entry.get("Gia")), method))
    return tuple(lines)


def _delivery(payload: Mapping[str, Any]) -> str | None:
    method = _int(payload.get("HinhThucNhanKetQua"))
    words = texts.DELIVERY_METHODS.get(method)
    address = _text(payload.get("DiaChiNhanKetQua"))
    if words and address and method == 2:
        return f"{words}: {address}"
    return words


def _assisted_by(raw: object) -> str | None:
    """NguoiHoTro is "name and staff id": accept a plain string or a small object."""
    if isinstance(raw, Mapping):
        name = _text(raw.get("HoTen") or raw.get("Ten"))
        staff = _text(raw.get("MaCanBo") or raw.get("Ma") or raw.get("MaNhanVien"))
        joined = f"{name} ({staff})" if name and staff else name or staff
        return joined or None
    return _text(raw) or None


def _text(value: object) -> str:
    # NFC: reportlab draws each code point as one glyph, so a decomposed name
    # (base letter + combining mark, as some keyboards send) would print badly.
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _int(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return 0


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: object) -> Sequence[object]:
    return value if isinstance(value, list | tuple) else ()
