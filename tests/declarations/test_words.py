"""Dates in words: checked against an independent reading back, on every day of two years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.domain.words import date_in_words, number_in_words

UNITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5,
         "lăm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}


def read_back(words: str) -> int:
    """A reader of written Vietnamese numbers, written apart from the function under test."""
    total, group, last = 0, 0, 0
    for word in words.split():
        if word == "nghìn":
            total, group, last = (group or 1) * 1000, 0, 0
        elif word == "trăm":
            group, last = group - last + last * 100, 0
        elif word == "mười":
            group, last = group + 10, 10
        elif word == "mươi":
            group, last = group - last + last * 10, 0
        elif word == "linh":
            last = 0
        else:
            group, last = group + UNITS[word], UNITS[word]
    return total + group


@pytest.mark.parametrize(("number", "words"), [
    (1, "một"), (5, "năm"), (10, "mười"), (11, "mười một"), (15, "mười lăm"),
    (20, "hai mươi"), (21, "hai mươi mốt"), (25, "hai mươi lăm"), (31, "ba mươi mốt"),
    (105, "một trăm linh năm"), (1000, "một nghìn"), (2000, "hai nghìn"),
    (2005, "hai nghìn không trăm linh năm"), (2010, "hai nghìn không trăm mười"),
    (2021, "hai nghìn không trăm hai mươi mốt"), (2026, "hai nghìn không trăm hai mươi sáu"),
    (1999, "một nghìn chín trăm chín mươi chín"), (1905, "một nghìn chín trăm linh năm"),
])
def test_numbers_follow_the_written_rules(number: int, words: str) -> None:
    assert number_in_words(number) == words


def test_the_example_of_the_issue_reads_as_written() -> None:
    assert date_in_words(date(2026, 11, 20)) == (
        "hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu")
    assert date_in_words(date(2024, 4, 1)).startswith("một tháng tư năm")


@pytest.mark.parametrize("year", [2024, 2026])
def test_every_day_of_a_year_reads_back_to_its_date(year: int) -> None:
    day = date(year, 1, 1)
    seen = set()
    while day.year == year:
        words = date_in_words(day)
        day_words, rest = words.split(" tháng ")
        month_words, year_words = rest.split(" năm ", 1)
        assert read_back(day_words) == day.day, words
        assert read_back(month_words) == day.month, words
        assert read_back(year_words) == year, words
        assert "mươi một" not in words and "mười mốt" not in words, words
        assert "mươi năm" not in words.replace("tháng năm", ""), words
        seen.add(words)
        day += timedelta(days=1)
    assert len(seen) == (366 if year == 2024 else 365)


def test_every_year_of_a_lifetime_reads_back() -> None:
    for year in range(1900, 2101):
        assert read_back(number_in_words(year)) == year


def test_out_of_range_numbers_are_refused() -> None:
    with pytest.raises(ValueError):
        number_in_words(-1)
