"""Sealed dossiers for the receipt tests, shaped as the store hands them out."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from kiosk.config import Config, PaymentConfig
from kiosk.domain.dates import VIETNAM_TZ
from kiosk.domain.states import DossierState
from kiosk.store.records import DossierDetail, QueuedDossier

CODE = "000.00.00.H23-261124-1001"
FULL_ID = "030090012345"

LONG_PROCEDURE = (
    "Thủ tục liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho "
    "trẻ em dưới sáu tuổi kèm theo xác nhận thông tin về cư trú và cấp bản sao trích lục "
    "hộ tịch cho công dân Việt Nam cư trú"
)


def payload(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "MaHoSo": CODE,
        "MaKiosk": "KIOSK-01",
        "MaTTHC": "2.000815",
        "TenTTHC": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "MucDo": "4",
        "KenhThucHien": 2,
        "NgayTiepNhan": "20261124093012",
        "NgayHenTra": "20261127170000",
        "ChuHoSo": {"HoTen": "Nguyễn Thị Ánh", "SoDinhDanh": FULL_ID, "NgaySinh": "01011990",
                    "GioiTinh": "Nữ", "DiaChi": "Thôn Cộng Lạc", "SoDienThoai": "0912345678",
                    "Email": None},
        "TaiLieuNop": [
            {"MaThanhPhanHoSo": "BC", "TenThanhPhan": "Bản chính giấy khai sinh",
             "IdTepTin": None, "HashTepTin": "ab", "TenTepDinhKem": "ban-chinh.pdf",
             "SoTrang": 1},
            {"MaThanhPhanHoSo": "BS", "TenThanhPhan": "Bản sao cần chứng thực",
             "IdTepTin": None, "HashTepTin": "cd", "TenTepDinhKem": "ban-sao.pdf",
             "SoTrang": 3},
        ],
        "HinhThucNhanKetQua": 1,
        "DiaChiNhanKetQua": None,
        "DanhSachLePhi": [{"TenPhiLePhi": "Phí chứng thực", "Gia": 6000,
                           "HinhThucThanhToan": 2}],
        "NguoiHoTro": None,
    }
    body.update(changes)
    return body


def detail(official_code: str | None = None, **changes: Any) -> DossierDetail:
    received = datetime(2026, 11, 24, 9, 30, 12, tzinfo=VIETNAM_TZ)
    dossier = QueuedDossier(
        id=1, code=CODE, official_code=official_code, procedure_code="2.000815",
        state=DossierState.PENDING, attempts=0, next_attempt_at=received,
        last_error_code=None, last_error_message=None, portal_status=None, portal_updated_at=None,
        received_at=received, due_at=datetime(2026, 11, 27, 17, 0, tzinfo=VIETNAM_TZ),
        sent_at=None, updated_at=received, payload_sha256="0" * 64,
    )
    return DossierDetail(dossier=dossier, payload=payload(**changes), attachments=(),
                         timeline=())


def config(bank: bool = True) -> Config:
    base = Config()
    if not bank:
        return base
    return replace(base, payment=PaymentConfig(bank_bin="970403", account="0011012345678",
                                               account_name="UBND XA CONG LAC"))
