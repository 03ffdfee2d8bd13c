"""Dossier codes, agency codes and the kiosk's daily sequence block (DOMAIN §2)."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.domain import codes
from kiosk.domain.codes import (
    DossierCode,
    SequenceBlock,
    SequenceExhaustedError,
    next_sequence,
    normalise_lookup_code,
    parse_dossier_code,
    validate_agency_code,
)
from kiosk.domain.errors import DataError, DomainError, ValidationError
from tests.domain.checks import VIETNAMESE, assert_vietnamese_error

AGENCY = "000.00.00.H23"



# --- dossier codes --------------------------------------------------------------------------


def test_dossier_code_prints_agency_date_and_four_digit_sequence() -> None:
    assert str(DossierCode(AGENCY, date(2026, 11, 24), 7)) == "000.00.00.H23-261124-0007"


def test_dossier_code_uses_more_digits_when_the_sequence_needs_them() -> None:
    assert str(DossierCode(AGENCY, date(2026, 1, 2), 123456)) == "000.00.00.H23-260102-123456"


@pytest.mark.parametrize("sequence", [0, 1, 1001, 9999, 10000, 1234567])
def test_dossier_code_round_trips_through_its_text(sequence: int) -> None:
    code = DossierCode("000.00.00.H49", date(2030, 2, 28), sequence)
    assert parse_dossier_code(str(code)) == code


def test_parse_dossier_code_trims_and_upper_cases() -> None:
    parsed = parse_dossier_code("  000.00.00.h49-261124-1001\r\n")
    assert parsed == DossierCode("000.00.00.H49", date(2026, 11, 24), 1001)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "dossier_code_empty"),
        ("   ", "dossier_code_empty"),
        ("000.00.00.H49-20261124-1001", "dossier_code_format"),
        ("000.00.00.H49-261124-101", "dossier_code_format"),
        ("000.00.00.H49-261124-01001", "dossier_code_format"),
        ("000.00.00.H49 261124 1001", "dossier_code_format"),
        ("000.00.00.H49/261124/1001", "dossier_code_format"),
        ("H49.24-261124-1001", "dossier_code_format"),
        ("000.00.00.H49-261124-1001\x00", "dossier_code_format"),
        ("000.00.00.H49-261124-1001-X", "dossier_code_format"),
        ("000.00.00.H49-261124-" + "1" * 10_000_000, "dossier_code_format"),
        ("000.00.00.H49-260231-1001", "dossier_code_date"),
        ("000.00.00.H49-261324-1001", "dossier_code_date"),
        ("000.00.00.H49-261100-1001", "dossier_code_date"),
    ],
)
def test_parse_dossier_code_is_strict_about_our_own_format(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_dossier_code(text)
    assert_vietnamese_error(caught.value, code)


def test_parse_dossier_code_accepts_full_width_characters() -> None:
    assert parse_dossier_code("０００.００.００.Ｈ４９-２６１１２４-１００１").sequence == 1001


@pytest.mark.parametrize(
    ("agency", "day", "sequence", "code"),
    [
        ("000.00.00.h49", date(2026, 1, 1), 1, "agency_format"),
        (" 000.00.00.H49", date(2026, 1, 1), 1, "agency_format"),
        ("H49", date(2026, 1, 1), 1, "agency_format"),
        (AGENCY, date(1999, 12, 31), 1, "dossier_code_date"),
        (AGENCY, date(2100, 1, 1), 1, "dossier_code_date"),
        (AGENCY, date(2026, 1, 1), -1, "dossier_code_sequence"),
        (AGENCY, date(2026, 1, 1), True, "dossier_code_sequence"),
    ],
)
def test_dossier_code_refuses_parts_it_could_not_print_and_read_back(
    agency: str, day: date, sequence: int, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        DossierCode(agency, day, sequence)
    assert_vietnamese_error(caught.value, code)


# --- agency codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("000.00.00.H49", "000.00.00.H49"),
        ("000.00.00.h23", "000.00.00.H23"),
        (" 000.12.34.G22 \n", "000.12.34.G22"),
        ("123.45.67.H29", "123.45.67.H29"),
    ],
)
def test_agency_code_in_qcvn_form_is_accepted_and_tidied(text: str, expected: str) -> None:
    assert validate_agency_code(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "agency_empty"),
        (" \t", "agency_empty"),
        ("H49", "agency_format"),
        ("000.00.00", "agency_format"),
        ("000.00.00.H4", "agency_format"),
        ("000.00.00.H490", "agency_format"),
        ("000-00-00-H49", "agency_format"),
        ("00.00.00.H49", "agency_format"),
        ("000.00.00.Đ49", "agency_format"),
        ("000.00.00.H49\x00", "agency_format"),
        ("0" * 10_000_000, "agency_format"),
    ],
)
def test_agency_code_of_another_shape_is_refused(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_agency_code(text)
    assert_vietnamese_error(caught.value, code)
    assert caught.value.field == "agency"


# --- lookup codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("000.00.00.H49-261124-1001", "000.00.00.H49-261124-1001"),
        (" 000.00.00.h49 - 261124 - 1001 \r\n", "000.00.00.H49-261124-1001"),
        ("000.00.00.H49-20261124-0001234", "000.00.00.H49-20261124-0001234"),
        ("H49.24-240101-00012", "H49.24-240101-00012"),
        ("hs/2024/123", "HS/2024/123"),
        ("ｈ４９-1", "H49-1"),
        ("x", "X"),
        ("A" * 64, "A" * 64),
    ],
)
def test_lookup_code_of_any_shape_is_tidied_not_refused(text: str, expected: str) -> None:
    assert normalise_lookup_code(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "lookup_code_empty"),
        (" \t\r\n ", "lookup_code_empty"),
        ("A" * 65, "lookup_code_too_long"),
        ("A " * 64 + "A", "lookup_code_too_long"),
        ("A" * 10_000_000, "lookup_code_too_long"),
        ("000.00.00.H49\x00-261124-1001", "lookup_code_control"),
        ("H49\x1b[2J", "lookup_code_control"),
        ("H49\u200b-1", "lookup_code_control"),
    ],
)
def test_lookup_code_refuses_only_empty_or_absurd_input(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_lookup_code(text)
    assert_vietnamese_error(caught.value, code)


def test_a_code_we_issue_is_unchanged_by_lookup_normalisation() -> None:
    issued = str(DossierCode(AGENCY, date(2026, 11, 24), 1001))
    assert normalise_lookup_code(issued) == issued


# --- sequence block -------------------------------------------------------------------------


def test_first_number_of_the_day_is_the_start_of_the_block() -> None:
    assert next_sequence(SequenceBlock(1000, 1999), None) == 1000


def test_next_number_follows_the_last_used() -> None:
    block = SequenceBlock(1000, 1999)
    assert next_sequence(block, 1000) == 1001
    assert next_sequence(block, 1998) == 1999


def test_a_block_of_one_number_gives_it_once() -> None:
    block = SequenceBlock(0, 0)
    assert next_sequence(block, None) == 0
    with pytest.raises(SequenceExhaustedError):
        next_sequence(block, 0)


def test_exhausted_block_raises_a_typed_vietnamese_error() -> None:
    with pytest.raises(SequenceExhaustedError) as caught:
        next_sequence(SequenceBlock(1000, 1999), 1999)
    assert_vietnamese_error(caught.value, "sequence_exhausted")
    assert "1000" in caught.value.message and "1999" in caught.value.message
    assert isinstance(caught.value, DomainError)


@pytest.mark.parametrize("last_used", [999, 2000, -1, 10_000])
def test_last_used_outside_the_block_is_a_data_error(last_used: int) -> None:
    with pytest.raises(DataError) as caught:
        next_sequence(SequenceBlock(1000, 1999), last_used)
    assert_vietnamese_error(caught.value, "sequence_out_of_block")


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 10), (10, 9), (0, 10_000), (5000, 12_000), (True, 10), (1.5, 10), ("1", 10)],
)
def test_invalid_block_is_refused_as_a_configuration_error(start: object, end: object) -> None:
    with pytest.raises(DataError) as caught:
        SequenceBlock(start, end)  # type: ignore[arg-type]
    assert_vietnamese_error(caught.value, "sequence_block_invalid")


def test_whole_range_is_a_valid_block() -> None:
    block = SequenceBlock(0, 9999)
    assert 0 in block and 9999 in block and 10_000 not in block


def test_every_message_in_the_table_is_vietnamese() -> None:
    for code, message in codes.MESSAGES.items():
        assert VIETNAMESE.search(message.lower()), code
