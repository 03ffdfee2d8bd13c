"""Phone numbers and e-mail addresses as residents type them."""

from __future__ import annotations

import pytest

from kiosk.domain import contact
from kiosk.domain.contact import normalise_email, normalise_phone
from kiosk.domain.errors import ValidationError
from tests.domain.checks import VIETNAMESE, assert_vietnamese_error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("(091) 234 5678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("０９１２３４５６７８", "0912345678"),
        ("0912\u2013345\u2013678", "0912345678"),
        ("\t0987654321\r\n", "0987654321"),
        ("0321234567", "0321234567"),
        ("0521234567", "0521234567"),
        ("0701234567", "0701234567"),
        ("0812345678", "0812345678"),
        ("0961234567", "0961234567"),
        ("024 3825 6686", "02438256686"),
        ("0220 3123 456", "02203123456"),
        ("+84 24 3825 6686", "02438256686"),
    ],
)
def test_normalise_phone_returns_domestic_digits(text: str, expected: str) -> None:
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "phone_empty"),
        (" . - ", "phone_empty"),
        ("091234567", "phone_length"),
        ("09123456789", "phone_length"),
        ("912345678", "phone_length"),
        ("0" * 10_000_000, "phone_length"),
        ("0951234567", "phone_mobile_prefix"),
        ("0311234567", "phone_mobile_prefix"),
        ("0801234567", "phone_mobile_prefix"),
        ("0123456789", "phone_mobile_prefix"),
        ("01662345678", "phone_old_prefix"),
        ("+1 415 555 0100", "phone_foreign"),
        ("0033612345678", "phone_foreign"),
        ("09l2345678", "phone_chars"),
        ("0912345678\x00", "phone_chars"),
        ("0912,345,678", "phone_chars"),
        ("٠٩١٢٣٤٥٦٧٨", "phone_chars"),
        ("không có", "phone_chars"),
        ("+84+84912345678", "phone_chars"),
    ],
)
def test_normalise_phone_refuses_bad_numbers_in_vietnamese(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_phone(text, field="phone")
    assert_vietnamese_error(caught.value, code)
    assert caught.value.field == "phone"


def test_wrong_mobile_prefix_message_names_the_prefix() -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_phone("0951234567")
    assert "095" in caught.value.message


@pytest.mark.parametrize("text", ["", "   ", "\r\n"])
def test_empty_email_means_none_because_email_is_optional(text: str) -> None:
    assert normalise_email(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ten@gmail.com", "ten@gmail.com"),
        ("  Nguyen.Van.A@Gmail.COM \n", "Nguyen.Van.A@gmail.com"),
        ("a+kiosk@ubnd.conglac.gov.vn", "a+kiosk@ubnd.conglac.gov.vn"),
        ("o'brien@mail-server.vn", "o'brien@mail-server.vn"),
        ("ten＠gmail.com", "ten@gmail.com"),
    ],
)
def test_normalise_email_trims_and_lowercases_only_the_domain(text: str, expected: str) -> None:
    assert normalise_email(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("nguyen van a@gmail.com", "email_space"),
        ("ten@gmail .com", "email_space"),
        ("nguyễnvana@gmail.com", "email_accents"),
        ("ten@gmail.com.vn\u0301", "email_accents"),
        ("ten", "email_at"),
        ("ten@@gmail.com", "email_at"),
        ("a@b@gmail.com", "email_at"),
        ("@gmail.com", "email_format"),
        (".ten@gmail.com", "email_format"),
        ("ten.@gmail.com", "email_format"),
        ("t..en@gmail.com", "email_format"),
        ("ten\x00@gmail.com", "email_format"),
        ("t,en@gmail.com", "email_format"),
        ("a" * 65 + "@gmail.com", "email_format"),
        ("ten@gmail", "email_domain"),
        ("ten@", "email_domain"),
        ("ten@gmail.", "email_domain"),
        ("ten@.gmail.com", "email_domain"),
        ("ten@gmail..com", "email_domain"),
        ("ten@-gmail.com", "email_domain"),
        ("ten@gmail.c", "email_domain"),
        ("ten@gmail.123", "email_domain"),
        ("ten@gmail.com\x00", "email_domain"),
        ("a@" + "b" * 250 + ".com", "email_too_long"),
        ("x" * 10_000_000, "email_too_long"),
    ],
)
def test_normalise_email_refuses_bad_addresses_in_vietnamese(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_email(text, field="email")
    assert_vietnamese_error(caught.value, code)
    assert caught.value.field == "email"


def test_email_of_exactly_254_characters_is_accepted_and_255_is_not() -> None:
    address = "a" * 7 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "." + "e" * 60 + ".vn"
    assert len(address) == 254
    assert normalise_email(address) == address
    with pytest.raises(ValidationError) as caught:
        normalise_email("a" + address)
    assert caught.value.code == "email_too_long"


def test_every_message_in_the_table_is_vietnamese() -> None:
    for code, message in contact.MESSAGES.items():
        assert VIETNAMESE.search(message.lower()), code
