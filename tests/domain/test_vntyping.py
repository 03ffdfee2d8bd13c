"""Vietnamese composition: tone placement, vowel marks and Telex, on real names."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.domain.vntyping import (
    Mark,
    TelexComposer,
    Tone,
    ToneStyle,
    apply_mark,
    apply_tone,
    retone,
    split_word,
    telex,
    tone_of,
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    ("plain", "tone", "expected"),
    [
        ("Nguyên", Tone.NGA, "Nguyễn"),
        ("Thi", Tone.NANG, "Thị"),
        ("Anh", Tone.SAC, "Ánh"),
        ("Pham", Tone.NANG, "Phạm"),
        ("Hương", Tone.HUYEN, "Hường"),
        ("Đăng", Tone.NANG, "Đặng"),
        ("Quy", Tone.SAC, "Quý"),
        ("Hoang", Tone.HUYEN, "Hoàng"),
        ("Thuy", Tone.HOI, "Thủy"),
        ("Trương", Tone.HUYEN, "Trường"),
        ("Giư", Tone.NGA, "Giữ"),
        ("Ngươi", Tone.HUYEN, "Người"),
        ("Huynh", Tone.HUYEN, "Huỳnh"),
        ("Ngoc", Tone.NANG, "Ngọc"),
        ("Diêp", Tone.NANG, "Diệp"),
        ("gia", Tone.HUYEN, "già"),
        ("gin", Tone.HUYEN, "gìn"),
        ("qua", Tone.SAC, "quá"),
        ("quyêt", Tone.SAC, "quyết"),
        ("khoai", Tone.SAC, "khoái"),
        ("khuyu", Tone.HOI, "khuỷu"),
        ("rươu", Tone.NANG, "rượu"),
        ("cưu", Tone.SAC, "cứu"),
        ("mưa", Tone.SAC, "mứa"),
        ("Mai", Tone.SAC, "Mái"),
        ("Vy", Tone.NGA, "Vỹ"),
        ("Uyên", Tone.SAC, "Uyến"),
    ],
)
def test_the_tone_lands_on_the_right_vowel(plain: str, tone: Tone, expected: str) -> None:
    assert apply_tone(plain, tone) == nfc(expected)


@pytest.mark.parametrize(
    ("plain", "old", "new"),
    [("Hoa", "Hòa", "Hoà"), ("Thuy", "Thúy", "Thuý"), ("khoe", "khỏe", "khoẻ")],
)
def test_open_oa_oe_uy_use_the_traditional_placement_unless_asked(
    plain: str, old: str, new: str
) -> None:
    tone = tone_of(old)
    assert apply_tone(plain, tone) == old
    assert apply_tone(plain, tone, ToneStyle.NEW) == new


def test_the_default_style_keeps_closed_syllables_on_the_second_vowel() -> None:
    assert apply_tone("Hoan", Tone.HUYEN) == "Hoàn"
    assert apply_tone("Hoan", Tone.HUYEN, ToneStyle.NEW) == "Hoàn"


def test_a_new_tone_replaces_the_old_one() -> None:
    assert apply_tone("Nguyễn", Tone.SAC) == "Nguyến"
    assert apply_tone("Hòa", Tone.NANG) == "Họa"


def test_the_same_tone_again_removes_it() -> None:
    assert apply_tone("Ánh", Tone.SAC) == "Anh"
    assert apply_tone("Người", Tone.HUYEN) == "Ngươi"


def test_tone_none_removes_any_tone() -> None:
    assert apply_tone("Diệp", Tone.NONE) == "Diêp"
    assert apply_tone("Lan", Tone.NONE) == "Lan"


def test_tone_of_reads_the_last_syllable() -> None:
    assert tone_of("Nguyễn") is Tone.NGA
    assert tone_of("Nguyên") is Tone.NONE
    assert tone_of("") is Tone.NONE


def test_a_stale_tone_moves_when_letters_are_added() -> None:
    assert retone("Hòan") == "Hoàn"
    assert retone("gìa") == "già"
    assert retone("Lan") == "Lan"


def test_capitals_keep_their_case() -> None:
    assert apply_tone("NGUYÊN", Tone.NGA) == "NGUYỄN"
    assert apply_tone("ANH", Tone.SAC) == "ÁNH"
    assert apply_mark("DANG", Mark.STROKE) == "ĐANG"
    assert apply_mark("TRUONG", Mark.HORN) == "TRƯƠNG"


@pytest.mark.parametrize(
    ("word", "mark", "expected"),
    [
        ("Nguyen", Mark.CIRCUMFLEX, "Nguyên"),
        ("Le", Mark.CIRCUMFLEX, "Lê"),
        ("Khue", Mark.CIRCUMFLEX, "Khuê"),
        ("Tuan", Mark.CIRCUMFLEX, "Tuân"),
        ("Ngoc", Mark.CIRCUMFLEX, "Ngôc"),
        ("Van", Mark.BREVE, "Văn"),
        ("Truong", Mark.HORN, "Trương"),
        ("Nguoi", Mark.HORN, "Ngươi"),
        ("Tu", Mark.HORN, "Tư"),
        ("Son", Mark.HORN, "Sơn"),
        ("mua", Mark.HORN, "mưa"),
        ("Dang", Mark.STROKE, "Đang"),
        ("Diep", Mark.STROKE, "Điep"),
    ],
)
def test_vowel_and_letter_marks(word: str, mark: Mark, expected: str) -> None:
    assert apply_mark(word, mark) == nfc(expected)


def test_marks_keep_the_tone_and_move_it_where_it_belongs() -> None:
    assert apply_mark("Nguyẽn", Mark.CIRCUMFLEX) == "Nguyễn"
    assert apply_mark("Trùong", Mark.HORN) == "Trường"
    assert apply_mark("Ngùoi", Mark.HORN) == "Người"


def test_a_mark_applied_again_is_taken_off() -> None:
    assert apply_mark("Lễ", Mark.CIRCUMFLEX) == "Lẽ"
    bare = apply_mark("Nguyễn", Mark.CIRCUMFLEX)
    assert "ê" not in bare and tone_of(bare) is Tone.NGA
    assert apply_mark("Trương", Mark.HORN) == "Truong"
    assert apply_mark("Đặng", Mark.STROKE) == "Dặng"
    assert apply_mark("Văn", Mark.BREVE) == "Van"


def test_one_vowel_mark_replaces_another() -> None:
    assert apply_mark("Văn", Mark.CIRCUMFLEX) == "Vân"
    assert apply_mark("Vân", Mark.BREVE) == "Văn"


def test_a_mark_that_does_not_fit_leaves_the_word_alone() -> None:
    assert apply_mark("Thi", Mark.CIRCUMFLEX) == "Thi"
    assert apply_mark("Anh", Mark.STROKE) == "Anh"
    assert apply_mark("Nguyen", Mark.CIRCUMFLEX, letter="a") == "Nguyen"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nguyeenx Thij Asnh", "Nguyễn Thị Ánh"),
        ("Phamj Thij Huwowngf", "Phạm Thị Hường"),
        ("DDawngj Vawn Quys", "Đặng Văn Quý"),
        ("Ddawngj", "Đặng"),
        ("Hoangf", "Hoàng"),
        ("Thuyr", "Thủy"),
        ("Truwowngf", "Trường"),
        ("Truowngf", "Trường"),
        ("Giuwx", "Giữ"),
        ("Nguwowif", "Người"),
        ("Khuee", "Khuê"),
        ("Huynhf", "Huỳnh"),
        ("Lee Thij Ngocj Dieepj", "Lê Thị Ngọc Diệp"),
        ("hoawcj", "hoặc"),
        ("rwowuj", "rượu"),
        ("quyeets", "quyết"),
        ("giaf", "già"),
        ("w", "ư"),
        ("tw", "tư"),
        ("muwa", "mưa"),
        ("cuwus", "cứu"),
        ("Hoaf", "Hòa"),
    ],
)
def test_telex_gives_real_names_and_words(typed: str, expected: str) -> None:
    assert telex(typed) == nfc(expected)


def test_telex_with_capitals() -> None:
    assert telex("NGUYEENX") == "NGUYỄN"
    assert telex("NGUYEENX THIJ ASNH") == "NGUYỄN THỊ ÁNH"
    assert telex("TRUWOWNGF") == "TRƯỜNG"
    assert telex("W") == "Ư"


def test_telex_accepts_marks_and_tones_after_the_final_consonant() -> None:
    assert telex("Nguyenxe") == "Nguyễn"
    assert telex("Hoanf") == "Hoàn"
    assert telex("Hoafn") == "Hoàn"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ass", "as"), ("aaa", "aa"), ("ddd", "dd"), ("aww", "aw"), ("uww", "uw"),
     ("asz", "a"), ("z", "z"), ("baz", "baz")],
)
def test_telex_doubled_key_escapes_and_z(typed: str, expected: str) -> None:
    assert telex(typed) == expected


def test_the_incremental_composer_reports_plain_keys_as_none() -> None:
    composer = TelexComposer()
    assert composer.key("Nguy", "e") is None
    assert composer.key("Nguye", "e") == "Nguyê"
    assert composer.key("Nguyên", "x") == "Nguyễn"
    assert composer.key("", "s") is None
    assert composer.key("Hòa", "n") == "Hoàn"
    assert composer.key("Anh", "1") is None
    assert composer.key("Anh", "ab") is None


def test_split_word_takes_the_text_back_to_the_last_space() -> None:
    assert split_word("Nguyễn Thi") == ("Nguyễn ", "Thi")
    assert split_word("Nguyễn ") == ("Nguyễn ", "")
    assert split_word("") == ("", "")
    assert split_word("Anh") == ("", "Anh")


HOSTILE = ["", " ", "123", "!?.,", "bcdfgh", "ñandú", "über", "a\u0301\u0301", "\u0301",
           "𝔸𝕓𝕔", "\x00\x7f", "ĐĐĐ", "qu", "gi", "q", "aeiouy", "12/3", "Hà-Nội"]


@pytest.mark.parametrize("word", HOSTILE)
def test_hostile_words_never_raise(word: str) -> None:
    for tone in Tone:
        apply_tone(word, tone)
    for mark in Mark:
        apply_mark(word, mark)
    tone_of(word)
    retone(word)
    split_word(word)
    telex(word)
    composer = TelexComposer()
    for key in "asfrxjzdwoe1 .":
        composer.key(word, key)


def test_words_with_no_vowel_come_back_unchanged() -> None:
    assert apply_tone("bcd", Tone.SAC) == "bcd"
    assert apply_tone("123", Tone.NANG) == "123"
    assert apply_mark("xyz!", Mark.BREVE) == "xyz!"


def test_very_long_input_is_handled() -> None:
    long_word = "a" * 50_000
    assert apply_tone(long_word, Tone.SAC).count("á") == 1
    typed = "Nguyeenx " * 5_000 + "ddd" * 5_000
    out = telex(typed)
    assert out.startswith("Nguyễn Nguyễn")
    assert len(out) > 40_000


def test_output_is_nfc_even_from_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyên")
    result = apply_tone(decomposed, Tone.NGA)
    assert result == "Nguyễn"
    assert unicodedata.is_normalized("NFC", result)
    assert unicodedata.is_normalized("NFC", telex("Nguyeenx Thij Asnh"))
