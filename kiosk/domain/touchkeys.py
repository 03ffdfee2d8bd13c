"""What the on-screen keyboard's keys do, as plain text in and out.

The keyboard widget (:mod:`kiosk.ui.widgets.keyboard`) hands every touch to
:class:`TouchKeys` with the text before the cursor, and tests drive the same
object with key names to prove what a resident can type.  How the keys behave
is described in :mod:`kiosk.domain.vntyping`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from enum import Enum

from kiosk.domain.vntyping import Mark, Tone, ToneStyle, press_mark, press_tone, retone, split_word


class Shift(Enum):
    OFF = 0
    ONCE = 1  # the next letter only
    LOCK = 2  # every letter until touched again


TONE_KEYS = {"sac": Tone.SAC, "huyen": Tone.HUYEN, "hoi": Tone.HOI, "nga": Tone.NGA,
             "nang": Tone.NANG}
MARK_KEYS = {m.name.lower(): m for m in Mark}
CAPITALISE_MODES = ("words", "sentence")


def auto_capital(before: str, mode: str | None) -> bool:
    """Whether the next letter is a capital by itself: each word of a name ("words"), the
    first word of a sentence ("sentence"), never otherwise."""
    if mode == "words":
        return not before or before[-1].isspace() or before[-1] == "-"
    if mode == "sentence":
        stripped = before.rstrip()
        return not stripped or (stripped != before and stripped[-1] in ".!?")
    return False


class TouchKeys:
    """What the on-screen keyboard's keys do to the text before the cursor.

    Keys are named as on the keyboard: a letter, digit or sign ("a", "7", "-"), "space",
    "backspace", "shift", a mark ("circumflex", "breve", "horn", "stroke") or a tone
    ("sac", "huyen", "hoi", "nga", "nang").  Unknown names do nothing.
    """

    def __init__(self, style: ToneStyle = ToneStyle.OLD, capitalise: str | None = None) -> None:
        self.style = style
        self.capitalise = capitalise
        self.shift = Shift.OFF

    def capitals(self, before: str) -> bool:
        """Whether a letter key types a capital now (what its label shows).

        Where the field gives a capital by itself, shift for one letter makes it small
        instead ("Xuân xanh"); shift locked gives capitals everywhere.
        """
        if auto_capital(before, self.capitalise):
            return self.shift is not Shift.ONCE
        return self.shift is not Shift.OFF

    def press(self, before: str, key: str) -> str:
        """The text before the cursor after touching ``key``."""
        if key == "shift":
            self.shift = {Shift.OFF: Shift.ONCE, Shift.ONCE: Shift.LOCK,
                          Shift.LOCK: Shift.OFF}[self.shift]
            return before
        if key == "space":
            return before + " "
        if key == "backspace":
            return before[:-1]
        head, word = split_word(before)
        if key in TONE_KEYS:
            return head + press_tone(word, TONE_KEYS[key], self.style)
        if key in MARK_KEYS:
            marked = press_mark(word, MARK_KEYS[key], self.style)
            if marked == word and key == "stroke":
                return self.type(before, "đ")
            return head + marked
        return self.type(before, key) if len(key) == 1 and key.isprintable() else before

    def type(self, before: str, char: str) -> str:
        """A letter, digit or sign; a tone already typed moves if it must ("Hòa" + n)."""
        if char.isalpha() and self.capitals(before):
            char = char.upper()
        if self.shift is Shift.ONCE and char.isalpha():
            self.shift = Shift.OFF
        head, word = split_word(before)
        return head + retone(word + char, self.style)


def type_keys(keys: Iterable[str], style: ToneStyle = ToneStyle.OLD,
              capitalise: str | None = None) -> str:
    """The text a sequence of key touches writes into an empty field."""
    typing = TouchKeys(style, capitalise)
    text = ""
    for key in keys:
        text = typing.press(text, key)
    return unicodedata.normalize("NFC", text)
