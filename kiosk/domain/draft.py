"""A resident's dossier before sealing, and the portal payload it becomes.

The touch wizard and ``kiosk submit`` both end here, so a dossier is checked
and shaped the same way whichever way it came in.  The applicant's own fields
are a ``FormField`` list like any procedure form, so they are validated by the
same code and shown by the same form screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from kiosk.domain.catalogue import Procedure
from kiosk.domain.dates import to_wire
from kiosk.domain.errors import Problems, ValidationError, error_from_table
from kiosk.domain.fees import FeeLine
from kiosk.domain.forms import FormField, validate_form
from kiosk.domain.identity import CccdCard

NAME_PATTERN = r"[^\W\d_]+(?:[ '’-][^\W\d_]+)*"
KENH_TRUC_TUYEN = 2  # KenhThucHien: the kiosk files through the online channel
# The resident's finger signature travels as one more document of the dossier.
SIGNATURE_COMPONENT = ("CHUKY", "Chữ ký của người nộp hồ sơ")

MESSAGES = {
    "missing_document": "Còn thiếu giấy tờ bắt buộc: «{name}».",
    "unknown_document": "Thủ tục này không có thành phần hồ sơ mã «{component}».",
    "kind_not_accepted": "«{name}» không nhận loại tệp {kind}. Loại được nhận: {allowed}.",
    "address_required": "Xin nhập địa chỉ nhận kết quả qua bưu điện.",
    "online_payment_not_offered": "Thủ tục này chưa cho phép nộp phí trực tuyến; "
    "xin nộp phí tại bộ phận Một cửa.",
    "not_declared": "Xin đánh dấu ô «Tôi xin chịu trách nhiệm về nội dung đã khai» để nộp hồ sơ.",
}

APPLICANT_FIELDS: tuple[FormField, ...] = (
    FormField("ho_ten", "Họ, chữ đệm và tên", "text", max_length=100, pattern=NAME_PATTERN,
              pattern_message="Họ tên chỉ gồm chữ cái và dấu cách, không có chữ số."),
    FormField("ngay_sinh", "Ngày, tháng, năm sinh", "date", date_rule="past",
              help="Ví dụ: 05/09/1960."),
    FormField("gioi_tinh", "Giới tính", "choice", choices=("Nam", "Nữ")),
    FormField("so_dinh_danh", "Số định danh cá nhân (số thẻ căn cước)", "id_number",
              birth_date_field="ngay_sinh", gender_field="gioi_tinh"),
    FormField("dia_chi", "Nơi thường trú", "text", max_length=300),
    FormField("so_dien_thoai", "Số điện thoại di động", "phone",
              help="Để nhận tin nhắn về tình trạng hồ sơ."),
    FormField("email", "Thư điện tử (nếu có)", "email", required=False),
)


class Delivery(IntEnum):
    """HinhThucNhanKetQua."""

    AT_OFFICE = 1
    BY_POST = 2


class Payment(IntEnum):
    """HinhThucThanhToan."""

    AT_OFFICE = 1
    ONLINE = 2


@dataclass(frozen=True)
class Applicant:
    full_name: str
    birth_date: date
    gender: str
    personal_id: str
    address: str
    phone: str
    email: str | None = None


@dataclass(frozen=True)
class DraftDocument:
    """One file for one document component, ready to seal."""

    component_code: str
    file_name: str
    kind: str  # "pdf", "jpeg", "png", "doc", "docx" or "zip", from the file's content
    content_type: str
    data: bytes
    pages: int


@dataclass(frozen=True)
class Helper:
    """NguoiHoTro: the official who helped the resident file (name and staff id)."""

    name: str
    staff_id: str

    @property
    def label(self) -> str:
        """As the receipt prints it: "Nguyễn Văn A (CB-012)"."""
        return f"{self.name} ({self.staff_id})" if self.staff_id else self.name

    def wire(self) -> dict[str, str]:
        return {"HoTen": self.name, "MaCanBo": self.staff_id}


@dataclass(frozen=True)
class Draft:
    procedure: Procedure
    applicant: Applicant
    form: Mapping[str, object]  # the procedure's fields, cleaned by validate_form
    documents: tuple[DraftDocument, ...]
    delivery: Delivery
    delivery_address: str | None
    payment: Payment
    declared_at: datetime
    assisted_by: Helper | None = None  # NguoiHoTro: the official who helped
    signature_png: bytes | None = None  # drawn with a finger on the declaration screen
    draft_key: str | None = None  # one resident's one dossier: sealing it again finds it

    @property
    def pages_to_certify(self) -> int:
        """Pages of the original (certified copies are charged per page)."""
        pages = self.form.get("so_trang", 0)
        return pages if isinstance(pages, int) else 0

    @property
    def copies(self) -> int:
        copies = self.form.get("so_ban", 1)
        return copies if isinstance(copies, int) else 1


def applicant_values_from_card(card: CccdCard) -> dict[str, str]:
    """Applicant field values filled from a scanned CCCD; the resident confirms them."""
    return {"ho_ten": card.full_name, "ngay_sinh": card.birth_date.strftime("%d/%m/%Y"),
            "gioi_tinh": card.gender, "so_dinh_danh": card.personal_id, "dia_chi": card.address}


def check_applicant(values: Mapping[str, str], today: date) -> tuple[Applicant | None, Problems]:
    cleaned, problems = validate_form(APPLICANT_FIELDS, values, today)
    if not problems.ok:
        return None, problems
    email = cleaned.get("email")
    applicant = Applicant(
        full_name=str(cleaned["ho_ten"]), birth_date=date.fromisoformat(str(cleaned["ngay_sinh"])),
        gender=str(cleaned["gioi_tinh"]), personal_id=str(cleaned["so_dinh_danh"]),
        address=str(cleaned["dia_chi"]), phone=str(cleaned["so_dien_thoai"]),
        email=str(email) if email else None,
    )
    return applicant, problems


def check_documents(procedure: Procedure, documents: Sequence[DraftDocument]) -> Problems:
    """Every required component present, every file of a kind its component accepts."""
    components = {c.code: c for c in procedure.documents}
    errors = [_document_error(d, components) for d in documents]
    present = {d.component_code for d in documents}
    errors += [_error("missing_document", c.code, name=c.name)
               for c in procedure.required_documents if c.code not in present]
    return Problems(tuple(e for e in errors if e is not None))


def _document_error(
    document: DraftDocument, components: Mapping[str, Any]
) -> ValidationError | None:
    component = components.get(document.component_code)
    if component is None:
        return _error("unknown_document", document.component_code,
                      component=document.component_code[:32])
    if document.kind not in component.kinds:
        return _error("kind_not_accepted", component.code, name=component.name,
                      kind=document.kind.upper(), allowed=", ".join(k.upper() for k in
                                                                   component.kinds))
    return None


def check_choices(
    procedure: Procedure, delivery: Delivery, address: str | None, payment: Payment,
    declared: bool,
) -> Problems:
    """Result delivery, fee payment and the declaration."""
    errors = []
    if delivery is Delivery.BY_POST and not (address and address.strip()):
        errors.append(_error("address_required", "dia_chi_nhan_ket_qua"))
    if payment is Payment.ONLINE and procedure.level != "4":
        errors.append(_error("online_payment_not_offered", "thanh_toan"))
    if not declared:
        errors.append(_error("not_declared", "cam_ket"))
    return Problems(tuple(errors))


def _error(message_code: str, field: str, **params: object) -> ValidationError:
    return error_from_table(ValidationError, MESSAGES, message_code, field=field, **params)


def portal_payload(
    draft: Draft, *, code: str, kiosk_id: str, received_at: datetime, due_at: datetime,
    fees: Sequence[FeeLine], documents: Sequence[Mapping[str, object]],
) -> dict[str, Any]:
    """The DongBoHoSo body (PORTAL_API.md §3), frozen at sealing."""
    p, a = draft.procedure, draft.applicant
    return {
        "MaHoSo": code, "MaKiosk": kiosk_id, "MaTTHC": p.code, "TenTTHC": p.name,
        "MucDo": p.level, "KenhThucHien": KENH_TRUC_TUYEN,
        "NgayTiepNhan": to_wire(received_at), "NgayHenTra": to_wire(due_at),
        "ChuHoSo": {"HoTen": a.full_name, "SoDinhDanh": a.personal_id,
                    "NgaySinh": a.birth_date.strftime("%d%m%Y"), "GioiTinh": a.gender,
                    "DiaChi": a.address, "SoDienThoai": a.phone, "Email": a.email},
        "TrichYeuHoSo": f"{p.name} — {a.full_name}",
        "DuLieuBieuMau": dict(draft.form),
        "TaiLieuNop": [dict(d) for d in documents],
        "HinhThucNhanKetQua": int(draft.delivery),
        "DiaChiNhanKetQua": draft.delivery_address if draft.delivery is Delivery.BY_POST else None,
        "DanhSachLePhi": [{"TenPhiLePhi": f.name, "Gia": f.amount,
                           "HinhThucThanhToan": int(draft.payment)} for f in fees],
        "CamKet": {"DongY": True, "ThoiDiem": to_wire(draft.declared_at)},
        "NguoiHoTro": draft.assisted_by.wire() if draft.assisted_by else None,
    }
