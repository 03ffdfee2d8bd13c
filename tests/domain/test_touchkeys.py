"""The on-screen keyboard's keys, from touches to text: every real syllable and name is typeable.

The expected texts are the entries of public lists (tests/data/README.md); the key sequences
are what a resident following the keyboard's rules would touch: the bare letters, then the
marks (the horn key as many times as its cycle needs), then the tone once — twice when the
resident wants the other correct vowel.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.touchkeys import MARK_KEYS, TONE_KEYS, TouchKeys, auto_capital, type_keys
from kiosk.domain.vntyping import ToneStyle

DATA = Path(__file__).resolve().parent.parent / "data"
TONE_NAMES = {"\u0301": "sac", "\u0300": "huyen", "\u0309": "hoi", "\u0303": "nga",
              "\u0323": "nang"}
MARK_NAMES = {"\u0302": "circumflex", "\u0306": "breve"}
HORN = "\u031b"
# How many touches of «ơ ư» give each spelling of u+o (the documented cycle).
HORN_TOUCHES = {(True, True): 1, (False, True): 2, (True, False): 3}


def read_list(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [unicodedata.normalize("NFC", line) for line in lines if line.strip()]


def excluded() -> set[str]:
    lines = (DATA / "vi_syllables_excluded.txt").read_text(encoding="utf-8").splitlines()
    return {line.split("\t")[0] for line in lines if line and not line.startswith("#")}


def _letters(word: str) -> Iterator[tuple[str, set[str], str | None]]:
    """Each letter as (bare letter, its marks, its tone)."""
    for char in unicodedata.normalize("NFC", word):
        if char in "đĐ":
            yield ("D" if char == "Đ" else "d"), {"stroke"}, None
            continue
        parts = unicodedata.normalize("NFD", char)
        tone = next((TONE_NAMES[c] for c in parts[1:] if c in TONE_NAMES), None)
        yield parts[0], set(parts[1:]), tone


def horn_touches(word: str) -> int:
    bare = [(b.lower(), HORN in marks) for b, marks, _ in _letters(word)]
    before = [("", False), *bare]
    for (ahead, _), (first, horned_u), (second, horned_o) in zip(before, bare, bare[1:],
                                                                 strict=False):
        # the u of "qu" is a consonant: "quở" is one touch, like "sơn"
        if first + second == "uo" and ahead != "q" and (horned_u or horned_o):
            return HORN_TOUCHES[(horned_u, horned_o)]
    return int(any(horned for _, horned in bare))


def word_keys(word: str, tone_touches: int, *, tone_first: bool = False,
              shift_capitals: bool = True) -> list[str]:
    letters = list(_letters(word))
    keys: list[str] = []
    for index, (bare, _, _) in enumerate(letters):
        # where capitals come by themselves, shift makes the first letter small instead
        exception = not shift_capitals and index == 0 and bare.islower()
        if (bare.isupper() and (shift_capitals or index > 0)) or exception:
            keys.append("shift")
        keys.append(bare.lower())
    marks = ["stroke"] if any("stroke" in m for _, m, _ in letters) else []
    marks += sorted({MARK_NAMES[c] for _, m, _ in letters for c in m if c in MARK_NAMES})
    marks += ["horn"] * horn_touches(word)
    tone = next((t for _, _, t in letters if t), None)
    tones = [tone] * tone_touches if tone else []
    return keys + (tones + marks if tone_first else marks + tones)


def typeable(text: str, *, tone_first: bool = False, capitalise: str | None = None) -> bool:
    """Whether touching the keys a resident would touch writes exactly ``text``."""
    words = text.split(" ")
    for choice in range(2 ** len(words)):  # one or two touches of each word's tone
        keys: list[str] = []
        for index, word in enumerate(words):
            keys += ["space"] if index else []
            touches = 2 if choice >> index & 1 else 1
            keys += word_keys(word, touches, tone_first=tone_first,
                              shift_capitals=capitalise is None)
        if type_keys(keys, capitalise=capitalise) == text:
            return True
    return False


def test_the_lists_are_big_enough() -> None:
    syllables = set(read_list("vi_syllables.txt")) - excluded()
    assert len(syllables) >= 5_000
    assert len(read_list("vi_given_names.txt")) >= 1_500


def test_every_real_syllable_of_the_list_can_be_typed() -> None:
    syllables = [s for s in read_list("vi_syllables.txt") if s not in excluded()]
    failed = [s for s in syllables if not typeable(s)]
    assert failed == []


def test_every_syllable_can_be_typed_with_the_tone_touched_before_the_marks() -> None:
    syllables = [s for s in read_list("vi_syllables.txt") if s not in excluded()]
    failed = [s for s in syllables[::7] if not typeable(s, tone_first=True)]
    assert failed == []


def test_every_given_name_can_be_typed_with_capitals_by_themselves() -> None:
    names = read_list("vi_given_names.txt")
    failed = [n for n in names if not typeable(n, capitalise="words")]
    assert failed == []


def test_every_given_name_can_be_typed_with_shift_in_a_plain_field() -> None:
    names = read_list("vi_given_names.txt")[::5]
    assert [n for n in names if not typeable(n)] == []


def test_the_hold_out_lists_can_be_typed() -> None:
    syllables = [s for s in read_list("vi_syllables_holdout.txt") if s not in excluded()]
    assert len(syllables) >= 1_000
    assert [s for s in syllables if not typeable(s)] == []
    names = read_list("vi_given_names_holdout.txt")
    assert [n for n in names if not typeable(n, capitalise="words")] == []


@pytest.mark.parametrize(
    ("bare", "touches", "expected"),
    [("thuo", 1, "thươ"), ("thuo", 2, "thuơ"), ("thuo", 3, "thưo"), ("thuo", 4, "thuo"),
     ("Thuo", 2, "Thuơ"), ("huo", 2, "huơ"), ("khuo", 2, "khuơ"), ("truong", 1, "trương"),
     ("quo", 1, "quơ"), ("ruou", 1, "rươu"), ("nguoi", 1, "ngươi"), ("cuu", 1, "cưu"),
     ("son", 1, "sơn"), ("son", 2, "son")],
)
def test_the_horn_key_goes_round_the_spellings_of_uo(bare: str, touches: int,
                                                      expected: str) -> None:
    assert type_keys([*bare, *["horn"] * touches]) == expected


@pytest.mark.parametrize(
    ("keys", "expected"),
    [(["t", "h", "u", "o", "horn", "horn", "hoi"], "thuở"),
     (["t", "h", "u", "o", "hoi", "horn", "horn"], "thuở"),
     (["q", "u", "o", "horn", "hoi"], "quở"),
     (["h", "u", "o", "horn", "horn"], "huơ"),
     (["t", "h", "u", "y", "hoi"], "thủy"), (["t", "h", "u", "y", "hoi", "hoi"], "thuỷ"),
     (["t", "h", "u", "y", "hoi", "hoi", "hoi"], "thuy"),
     (["h", "o", "a", "huyen"], "hòa"), (["h", "o", "a", "huyen", "huyen"], "hoà"),
     (["h", "o", "a", "huyen", "huyen", "n"], "hoàn"),
     (["t", "h", "u", "hoi", "y"], "thủy"),
     (["t", "h", "u", "y", "hoi", "hoi", "sac"], "thuý"),
     (["a", "n", "h", "sac", "sac"], "anh"),
     (["t", "r", "u", "o", "n", "g", "horn", "huyen"], "trường"),
     (["d", "a", "n", "g", "stroke", "breve", "nang"], "đặng"),
     (["stroke", "a", "o"], "đao")],
)
def test_key_sequences_a_resident_touches(keys: list[str], expected: str) -> None:
    assert type_keys(keys) == expected


def test_the_modern_placement_is_one_touch_in_an_office_that_chose_it() -> None:
    assert type_keys([*"thuy", "hoi"], ToneStyle.NEW) == "thuỷ"
    assert type_keys([*"thuy", "hoi", "hoi"], ToneStyle.NEW) == "thủy"


def test_words_capitalise_each_word_by_themselves() -> None:
    keys = [*"nguyen", "circumflex", "nga", "space", *"thi", "nang", "space", *"thuo",
            "horn", "horn", "hoi"]
    assert type_keys(keys, capitalise="words") == "Nguyễn Thị Thuở"
    assert type_keys(keys) == "nguyễn thị thuở"
    assert type_keys(keys, capitalise="sentence") == "Nguyễn thị thuở"


def test_shift_still_makes_capitals_where_the_field_would_not() -> None:
    assert type_keys(["m", "c", "shift", "d", "o"], capitalise="words") == "McDo"
    assert type_keys(["shift", "x", "a", "n", "h"], capitalise="words") == "xanh"
    assert type_keys(["shift", "shift", "a", "b", "space", "c"], capitalise="words") == "AB C"


@pytest.mark.parametrize(
    ("before", "mode", "expected"),
    [("", "words", True), ("Lê ", "words", True), ("Lê", "words", False),
     ("Hà-", "words", True), ("", "sentence", True), ("Số 5. ", "sentence", True),
     ("Số 5 ", "sentence", False), ("Số 5.", "sentence", False), ("", None, False),
     ("", "", False), ("", "bogus", False)],
)
def test_when_a_letter_is_a_capital_by_itself(before: str, mode: str | None,
                                              expected: bool) -> None:
    assert auto_capital(before, mode) is expected


def test_keys_the_keyboard_does_not_have_do_nothing() -> None:
    typing = TouchKeys()
    assert typing.press("Lan", "bogus") == "Lan"
    assert typing.press("Lan", "") == "Lan"
    assert typing.press("Lan", "\x00") == "Lan"
    assert typing.press("", "backspace") == ""


VIETNAMESE_LETTERS = frozenset(
    unicodedata.normalize("NFC", base + mark + tone)
    for base, marks in (("a", ("", "\u0302", "\u0306")), ("e", ("", "\u0302")),
                        ("o", ("", "\u0302", "\u031b")), ("u", ("", "\u031b")),
                        ("i", ("",)), ("y", ("",)))
    for mark in marks for tone in ("", *TONE_NAMES)
) | frozenset("bcdđfghjklmnpqrstvwxz")
LETTER_KEYS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
KEYS = LETTER_KEYS + list(MARK_KEYS) + list(TONE_KEYS) + ["space", "backspace", "shift"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(KEYS), max_size=120),
       st.sampled_from([None, "words", "sentence"]), st.sampled_from(list(ToneStyle)))
def test_random_touches_never_raise_and_write_only_vietnamese_letters(
    keys: list[str], capitalise: str | None, style: ToneStyle
) -> None:
    text = type_keys(keys, style, capitalise)
    assert {c.lower() for c in text} <= VIETNAMESE_LETTERS | {" "}
    writing = sum(1 for k in keys if len(k) == 1 or k in ("space", "stroke"))
    assert len(text) <= writing
    assert unicodedata.is_normalized("NFC", text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.sampled_from(KEYS))
def test_any_text_before_the_cursor_survives_any_key(before: str, key: str) -> None:
    after = TouchKeys(capitalise="words").press(before, key)
    assert len(after) <= len(before) + 2
