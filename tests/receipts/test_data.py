"""What the slip says, before any layout: masking, codes, fees, the VietQR decision."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from kiosk.config import Config, PaymentConfig
from kiosk.domain.dates import VIETNAM_TZ
from kiosk.domain.masking import mask_id
from kiosk.domain.vietqr import parse_vietqr
from kiosk.receipts.data import FeeLine, payment_code, receipt_from_dossier

from . import samples


@pytest.mark.parametrize(
    ("number", "shown"),
    [("030090012345", "********2345"), (" 001203004567 ", "********4567"),
     ("12345", "*2345"), ("1234", "****"), ("", "")],
)
def test_an_id_shows_only_its_last_four_digits(number: str, shown: str) -> None:
    assert mask_id(number) == shown


def test_the_slip_carries_the_dossier_and_the_site() -> None:
    data = receipt_from_dossier(samples.detail(), samples.config())
    assert data.code == samples.CODE
    assert data.official_code is None
    assert data.office == Config().site.office
    assert data.applicant_name == "Nguyễn Thị Ánh"
    assert data.applicant_id_masked == "********2345"
    assert samples.FULL_ID not in repr(data)
    assert data.procedure_code == "2.000815"
    assert [(d.name, d.pages) for d in data.documents] == [
        ("Bản chính giấy khai sinh", 1), ("Bản sao cần chứng thực", 3)]
    assert data.received_at.tzinfo is not None and data.due_at.day == 27
    assert data.kiosk_id == "KIOSK-01"
    assert data.title == "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"


def test_a_naive_received_time_is_read_as_vietnam_time() -> None:
    detail = samples.detail()
    naive = replace(detail.dossier, received_at=detail.dossier.received_at.replace(tzinfo=None))
    data = receipt_from_dossier(replace(detail, dossier=naive), samples.config())
    assert data.received_at.utcoffset() == VIETNAM_TZ.utcoffset(None)
    assert (data.received_at.hour, data.received_at.minute) == (9, 30)


def test_a_re_keyed_dossier_shows_both_codes() -> None:
    data = receipt_from_dossier(samples.detail(official_code="H23.99-261124-0007"),
                                samples.config())
    assert (data.code, data.official_code) == (samples.CODE, "H23.99-261124-0007")


def test_an_official_code_equal_to_the_kiosk_code_is_not_repeated() -> None:
    data = receipt_from_dossier(samples.detail(official_code=samples.CODE), samples.config())
    assert data.official_code is None


@pytest.mark.parametrize(
    ("raw", "shown"),
    [({"HoTen": "Phạm Thị Hường", "MaCanBo": "CB07"}, "Phạm Thị Hường (CB07)"),
     ("Phạm Thị Hường", "Phạm Thị Hường"), (None, None), ({}, None)],
)
def test_the_assisting_official_is_named_when_there_was_one(raw: object, shown: str) -> None:
    data = receipt_from_dossier(samples.detail(NguoiHoTro=raw), samples.config())
    assert data.assisted_by == shown


def test_decomposed_vietnamese_is_composed_for_printing() -> None:
    decomposed = unicodedata.normalize("NFD", "Phạm Thị Hường")
    detail = samples.detail(ChuHoSo={"HoTen": decomposed, "SoDinhDanh": samples.FULL_ID})
    assert receipt_from_dossier(detail, samples.config()).applicant_name == "Phạm Thị Hường"


def test_a_result_sent_by_post_names_the_address() -> None:
    detail = samples.detail(HinhThucNhanKetQua=2, DiaChiNhanKetQua="Thôn Đông, xã Cộng Lạc")
    data = receipt_from_dossier(detail, samples.config())
    assert data.delivery == "Qua dịch vụ bưu chính: Thôn Đông, xã Cộng Lạc"


def test_an_online_fee_with_a_configured_account_gets_a_valid_vietqr() -> None:
    data = receipt_from_dossier(samples.detail(), samples.config(bank=True))
    assert data.vietqr is not None
    payload = parse_vietqr(data.vietqr)  # checks the CRC
    assert payload.bill_number == samples.CODE
    assert payload.amount == 6000
    assert (payload.bank_bin, payload.account) == ("970403", "0011012345678")
    assert payload.purpose == "Le phi ho so 1001"


def test_only_the_fees_paid_online_are_in_the_vietqr() -> None:
    fees = [{"TenPhiLePhi": "Lệ phí", "Gia": 8000, "HinhThucThanhToan": 2},
            {"TenPhiLePhi": "Phí bưu chính", "Gia": 25000, "HinhThucThanhToan": 1}]
    data = receipt_from_dossier(samples.detail(DanhSachLePhi=fees), samples.config())
    assert data.vietqr is not None and parse_vietqr(data.vietqr).amount == 8000
    assert data.fee_total == 33000


@pytest.mark.parametrize(
    "fees",
    [[{"TenPhiLePhi": "Lệ phí", "Gia": 8000, "HinhThucThanhToan": 1}],
     [{"TenPhiLePhi": "Lệ phí", "Gia": 0, "HinhThucThanhToan": 2}],
     []],
)
def test_no_vietqr_when_nothing_is_owed_online(fees: list[dict[str, object]]) -> None:
    data = receipt_from_dossier(samples.detail(DanhSachLePhi=fees), samples.config())
    assert data.vietqr is None


def test_no_vietqr_when_the_site_has_no_bank_account() -> None:
    assert receipt_from_dossier(samples.detail(), samples.config(bank=False)).vietqr is None


def test_a_code_too_long_for_a_vietqr_bill_number_gets_no_payment_code() -> None:
    payment = PaymentConfig(bank_bin="970403", account="0011012345678")
    fees = [FeeLine("Lệ phí", 8000, 2)]
    assert payment_code(payment, "000.00.00.H49-20261124-0012345", fees) is None
    assert payment_code(payment, samples.CODE, fees) is not None
