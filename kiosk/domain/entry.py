"""What the number pad and the keyboard make of what is typed: dates, years, names.

``group_date_digits`` adds the slashes of a date as its digits are typed on
the pad ("05092024" → "05/09/2024"); ``capitalise_name`` gives every word of
a name its capital ("nguyễn thị ánh" → "Nguyễn Thị Ánh").  Neither raises on
any text.
"""

from __future__ import annotations

import re

YEAR_DIGITS = 4
_WORD = re.compile(r"[^\W\d_]+")


def group_date_digits(text: str) -> str:
    """Digits typed on the pad shown as a date: "0509196" → "05/09/196".

    Text typed some other way ("5/9/1960") is left as it is.
    """
    parts = text.split("/")
    digits = "".join(parts)
    plain = digits.isascii() and (digits.isdigit() or not digits)
    if not plain or len(digits) > 8 or any(len(p) != 2 for p in parts[:-1]):
        return text
    groups = [digits[:2], digits[2:4], digits[4:]]
    return "/".join(g for g in groups if g)


def year_digits(text: str) -> str:
    """The ASCII digits of ``text``, at most four: what a year field keeps."""
    return "".join(c for c in text if c.isascii() and c.isdigit())[:YEAR_DIGITS]


def capitalise_name(text: str) -> str:
    """Each all-lower-case word of a name gets its capital; other words are left as typed."""
    return _WORD.sub(lambda m: _capital(m.group(0)), text)


def _capital(word: str) -> str:
    if not word.islower():
        return word  # "McKay", "ĐINH": the resident's own spelling
    return word[0].upper() + word[1:]
