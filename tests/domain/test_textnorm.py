"""Folding Vietnamese text for search: case, diacritics, spacing, NFD, mojibake."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.domain.textnorm import (
    EXACT,
    INSIDE,
    PREFIX,
    WHOLE_WORDS,
    SearchText,
    fold,
    fold_words,
    repair_mojibake,
)


@pytest.mark.parametrize(
    "text",
    [
        "Đăng ký khai sinh",
        "dang ky khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "Dang-ky, khai sinh!",
        "dangkykhaisinh",
    ],
)
def test_spellings_of_one_name_fold_to_the_same_key(text: str) -> None:
    assert fold(text) == "dangkykhaisinh"


def test_decomposed_input_folds_like_composed() -> None:
    composed = "Cấp giấy xác nhận tình trạng hôn nhân"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert fold(decomposed) == fold(composed) == "capgiayxacnhantinhtranghonnhan"


def test_d_with_stroke_becomes_d_in_both_cases() -> None:
    assert fold("Đđ") == "dd"
    # Old Vietnamese fonts and scanners put the Icelandic eth where Đ belongs.
    assert fold("Ðinh") == "dinh"


def test_full_width_letters_from_an_input_method_fold_to_ascii() -> None:
    assert fold("ＫＨＡＩ ＳＩＮＨ") == "khaisinh"


def test_every_vowel_with_every_tone_mark_loses_its_marks() -> None:
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    for vowel in vowels:
        for tone in tones:
            letter = unicodedata.normalize("NFC", vowel + tone)
            assert fold(letter) == unicodedata.normalize("NFD", vowel)[0]
            assert fold(letter.upper()) == unicodedata.normalize("NFD", vowel)[0]


def test_fold_words_keeps_word_boundaries_and_joins_back_to_fold() -> None:
    text = "Thay đổi, cải chính — bổ sung hộ tịch"
    assert fold_words(text) == ["thay", "doi", "cai", "chinh", "bo", "sung", "ho", "tich"]
    assert "".join(fold_words(text)) == fold(text)


def test_utf8_read_as_windows_1252_is_repaired() -> None:
    mangled = "Thủ tục hộ tịch".encode().decode("cp1252")
    assert mangled.startswith("Thá»")
    assert repair_mojibake(mangled) == "Thủ tục hộ tịch"
    assert fold(mangled) == "thutuchotich"


def test_utf8_read_as_latin_1_is_repaired() -> None:
    mangled = "Đăng ký khai sinh".encode().decode("latin-1")
    assert fold(mangled) == "dangkykhaisinh"


def test_genuine_vietnamese_is_never_taken_for_mojibake() -> None:
    # "Ã" is a real Vietnamese capital letter (NGÃ); its bytes are not valid UTF-8 here.
    assert repair_mojibake("NGÃ BA ĐỒNG LỘC") == "NGÃ BA ĐỒNG LỘC"
    assert repair_mojibake("café") == "café"


@pytest.mark.parametrize(
    "text",
    [
        "ÄÄƒng kÃ½",  # mojibake that lost a byte: cannot be repaired, must not raise
        "\ud800 lone surrogate",
        "\x00\x01\x1b[31m",
        "🙂🇻🇳",
        "x" * 10_000,
        "",
    ],
)
def test_fold_never_raises_and_returns_plain_ascii(text: str) -> None:
    folded = fold(text)
    assert folded == "" or (folded.isascii() and folded.isalnum())
    assert all(word.isascii() for word in fold_words(text))


def test_search_text_quality_orders_exact_prefix_words_inside() -> None:
    name = SearchText.of("Đăng ký khai sinh")
    assert name.quality(SearchText.of("dang ky khai sinh")) == EXACT
    assert name.quality(SearchText.of("Đăng ký")) == PREFIX
    assert name.quality(SearchText.of("sinh khai")) == WHOLE_WORDS
    assert name.quality(SearchText.of("khaisinh")) == INSIDE
    assert name.quality(SearchText.of("kết hôn")) is None


def test_inside_matches_only_from_a_word_start() -> None:
    choose = SearchText.of("Lựa chọn")
    assert choose.contains("chon")
    # "hon" (from "hôn") sits inside "chon" but not at a word start.
    assert not choose.contains("hon")
    assert choose.quality(SearchText.of("hôn")) is None
