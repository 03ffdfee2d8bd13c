"""VietQR payment payloads: CRC, TLV, building and parsing (DOMAIN §8)."""

from __future__ import annotations

import pytest

from kiosk.domain import vietqr
from kiosk.domain.errors import ValidationError
from kiosk.domain.vietqr import (
    VietQrPayload,
    build_vietqr,
    crc16_ccitt_false,
    decode_tlv,
    encode_tlv,
    fold_to_ascii,
    parse_vietqr,
)
from tests.domain.checks import VIETNAMESE, assert_vietnamese_error

NAPAS_VECTOR = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
    "530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E"
)
BIN = "970403"
ACCOUNT = "0011012345678"



def with_crc(body_without_crc: str) -> str:
    """Close a hand-made payload with a correct CRC, to test the checks after the CRC."""
    body = body_without_crc + "6304"
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


def test_crc_check_value_of_the_standard_string() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1


def test_crc_of_nothing_is_the_initial_value() -> None:
    assert crc16_ccitt_false(b"") == 0xFFFF


def test_build_reproduces_the_napas_test_vector_exactly() -> None:
    built = build_vietqr(
        bank_bin=BIN,
        account=ACCOUNT,
        amount=180000,
        bill_number="NPS6869",
        purpose="thanh toan don hang",
    )
    assert built == NAPAS_VECTOR


def test_build_without_amount_is_static() -> None:
    built = build_vietqr(bank_bin=BIN, account=ACCOUNT)
    assert built.startswith("000201010211")
    assert "54" not in [tag for tag, _ in decode_tlv(built[:-8])]
    assert parse_vietqr(built).dynamic is False


def test_build_to_card_uses_the_card_service_code() -> None:
    built = build_vietqr(bank_bin="970436", account="9704360000000001", to_card=True)
    assert "QRIBFTTC" in built
    assert parse_vietqr(built).to_card is True


def test_build_folds_vietnamese_purpose_to_ascii_and_cuts_at_25() -> None:
    built = build_vietqr(
        bank_bin=BIN, account=ACCOUNT, amount=8000, purpose="Lệ phí cấp bản sao trích lục hộ tịch"
    )
    purpose = parse_vietqr(built).purpose
    assert purpose == "Le phi cap ban sao trich"
    assert purpose.isascii() and len(purpose) <= 25


def test_build_omits_a_purpose_that_folds_to_nothing() -> None:
    built = build_vietqr(bank_bin=BIN, account=ACCOUNT, amount=1000, purpose=" !!! ")
    assert "62" not in [tag for tag, _ in decode_tlv(built[:-8])]


def test_build_accepts_a_full_dossier_code_as_bill_number() -> None:
    code = "000.00.00.H23-261124-1001"
    assert (
        parse_vietqr(
            build_vietqr(bank_bin=BIN, account=ACCOUNT, amount=2000, bill_number=code)
        ).bill_number
        == code
    )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"bank_bin": "97040"}, "vietqr_bin"),
        ({"bank_bin": "9704030"}, "vietqr_bin"),
        ({"bank_bin": "97O403"}, "vietqr_bin"),
        ({"bank_bin": "９７０４０３"}, "vietqr_bin"),
        ({"account": ""}, "vietqr_account"),
        ({"account": "1" * 20}, "vietqr_account"),
        ({"account": "0011 0123"}, "vietqr_account"),
        ({"account": "0011\x00"}, "vietqr_account"),
        ({"amount": 0}, "vietqr_amount"),
        ({"amount": -5}, "vietqr_amount"),
        ({"amount": 10**13}, "vietqr_amount"),
        ({"amount": True}, "vietqr_amount"),
        ({"bill_number": ""}, "vietqr_bill"),
        ({"bill_number": "X" * 26}, "vietqr_bill"),
        ({"bill_number": "HS 01"}, "vietqr_bill"),
        ({"bill_number": "Hồ sơ"}, "vietqr_bill"),
    ],
)
def test_build_refuses_bad_arguments(changes: dict[str, object], code: str) -> None:
    arguments: dict[str, object] = {"bank_bin": BIN, "account": ACCOUNT, "amount": 1000, **changes}
    with pytest.raises(ValidationError) as caught:
        build_vietqr(**arguments)  # type: ignore[arg-type]
    assert_vietnamese_error(caught.value, code)


def test_largest_13_digit_amount_is_accepted() -> None:
    assert (
        parse_vietqr(build_vietqr(bank_bin=BIN, account=ACCOUNT, amount=10**13 - 1)).amount
        == 10**13 - 1
    )


def test_parse_reads_the_napas_test_vector() -> None:
    assert parse_vietqr(NAPAS_VECTOR + "\r\n") == VietQrPayload(
        bank_bin="970403",
        account="0011012345678",
        amount=180000,
        bill_number="NPS6869",
        purpose="thanh toan don hang",
        to_card=False,
        dynamic=True,
    )


def test_parse_accepts_a_lower_case_crc() -> None:
    assert parse_vietqr(NAPAS_VECTOR[:-4] + "2e2e").amount == 180000


def test_tlv_round_trip_keeps_order_and_empty_values() -> None:
    fields = (("00", "01"), ("62", ""), ("08", "x" * 99))
    assert decode_tlv(encode_tlv(fields)) == fields


def test_tlv_refuses_a_value_over_99_characters() -> None:
    with pytest.raises(ValidationError) as caught:
        encode_tlv([("08", "x" * 100)])
    assert_vietnamese_error(caught.value, "vietqr_field")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0002010", "vietqr_truncated"),
        ("000", "vietqr_truncated"),
        ("0005010", "vietqr_truncated"),
        ("00AB01", "vietqr_length"),
        ("0x0201", "vietqr_length"),
    ],
)
def test_tlv_decoding_refuses_cut_or_garbled_input(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_tlv(text)
    assert_vietnamese_error(caught.value, code)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "vietqr_empty"),
        ("\r\n", "vietqr_empty"),
        ("0" * 10_000_000, "vietqr_too_long"),
        (NAPAS_VECTOR[:-8], "vietqr_crc_missing"),
        (NAPAS_VECTOR[:60], "vietqr_crc_missing"),
        ("030090012345|123456789|Nguyễn Văn Ất", "vietqr_crc_missing"),
        (NAPAS_VECTOR[:-4] + "2E2F", "vietqr_crc_mismatch"),
        (NAPAS_VECTOR.replace("180000", "980000"), "vietqr_crc_mismatch"),
        (NAPAS_VECTOR[:10] + NAPAS_VECTOR[20:], "vietqr_crc_mismatch"),
        (NAPAS_VECTOR.replace("thanh", "th\x00nh"), "vietqr_crc_mismatch"),
        (with_crc("000201010212385"), "vietqr_truncated"),
        (with_crc("00020101AB12"), "vietqr_length"),
        (with_crc("000202"), "vietqr_structure"),
        (with_crc("000201010213"), "vietqr_structure"),
        (with_crc("0002010102115303840"), "vietqr_currency"),
        (with_crc("00020101021138140010A0000007755303704"), "vietqr_not_napas"),
        (with_crc("00020101021138140010A0000007275303704"), "vietqr_structure"),
        (
            with_crc("00020101021138390010A000000727012100069704030107ABC DEF5303704"),
            "vietqr_structure",
        ),
        (
            with_crc("00020101021238480010A00000072701180006970403010400110208QRIBFTTX5303704"),
            "vietqr_structure",
        ),
        (
            with_crc(
                "00020101021238480010A00000072701180006970403010400110208QRIBFTTA530370454050.500"
            ),
            "vietqr_amount",
        ),
    ],
)
def test_hostile_payloads_get_a_typed_vietnamese_error(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_vietqr(text)
    assert_vietnamese_error(caught.value, code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lệ phí đăng ký khai sinh", "Le phi dang ky khai sinh"),
        ("ĐOÀN THỊ ƯỚC", "DOAN THI UOC"),
        ("HS: 000.00.00.H49-261124-1001", "HS 000 00 00 H49 261124 1001"),
        ("  tab\tand\nnewline  ", "tab and newline"),
        ("Nguyá»…n", "Nguya n"),
        ("\x00", ""),
    ],
)
def test_fold_to_ascii_keeps_letters_digits_and_single_spaces(text: str, expected: str) -> None:
    assert fold_to_ascii(text) == expected


def test_every_message_in_the_table_is_vietnamese() -> None:
    for code, message in vietqr.MESSAGES.items():
        assert VIETNAMESE.search(message.lower()), code
