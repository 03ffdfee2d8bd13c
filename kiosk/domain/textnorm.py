"""Folding Vietnamese text so that searches ignore case, diacritics and spacing.

Residents type on an on-screen keyboard, often without diacritics and with
stray spaces; a USB QR scanner or an old editor may hand over decomposed
(NFD) text or UTF-8 that was read as Windows-1252 ("mojibake").  ``fold``
reduces all of these to the same plain ASCII key, so "Đăng ký khai sinh",
"dang ky khai sinh", "KHAI SINH" and "khaisinh" can be compared.

Nothing here raises on any ``str``: search must survive whatever was typed.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass

# Đ/đ carry no combining mark, so decomposition leaves them alone.  "Ð"
# (Icelandic eth) stands in for "Đ" in old VNI/TCVN3 fonts and scanners.
_LETTER_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})

_NOT_KEY = re.compile(r"[^a-z0-9]+")


# Bytes 0x80–0xFF as Windows-1252 or Latin-1 show them: mangled text comes in
# both flavours, and the two agree except on 0x80–0x9F, where cp1252 has
# typographic signs and Latin-1 control characters, so both can be mapped back.
def _cp1252_reverse() -> dict[str, int]:
    table = {chr(byte): byte for byte in range(0x80, 0x100)}
    for byte in range(0x80, 0xA0):
        # Five of these bytes are undefined in cp1252: only their Latin-1 form exists.
        with contextlib.suppress(UnicodeDecodeError):
            table[bytes([byte]).decode("cp1252")] = byte
    return table


_MANGLED_BYTES = _cp1252_reverse()


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Windows-1252 or Latin-1 ("Ä\\x90Äƒng" → "Đăng").

    The repair is only kept when the bytes decode as UTF-8 *strictly*: genuine
    Vietnamese text practically never does, so real input is never damaged.
    Anything that does not repair cleanly is returned unchanged.
    """
    if text.isascii():
        return text
    raw = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x80:
            raw.append(code)
        elif char in _MANGLED_BYTES:
            raw.append(_MANGLED_BYTES[char])
        else:
            return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def _plain(text: str) -> str:
    """Lower-case, diacritic-free text in which only ``[a-z0-9]`` are meaningful."""
    repaired = repair_mojibake(text).translate(_LETTER_MAP)
    # NFKD rather than NFD: it also turns full-width letters from some input
    # methods into ASCII, and it splits every Vietnamese letter into base + marks.
    decomposed = unicodedata.normalize("NFKD", repaired)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().translate(_LETTER_MAP)


def fold(text: str) -> str:
    """The compact search key: ASCII letters and digits only, no spaces or marks."""
    return _NOT_KEY.sub("", _plain(text))


def fold_words(text: str) -> list[str]:
    """The words of ``text``, each folded like ``fold``; ``"".join`` of them is ``fold(text)``."""
    return _NOT_KEY.sub(" ", _plain(text)).split()


# How well a text matches a whole query, best first.
EXACT, PREFIX, WHOLE_WORDS, INSIDE = range(4)


@dataclass(frozen=True)
class SearchText:
    """A text folded once for repeated matching: compact key, words, word offsets."""

    compact: str
    words: frozenset[str]
    starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> SearchText:
        words = fold_words(text)
        starts, offset = [], 0
        for word in words:
            starts.append(offset)
            offset += len(word)
        return cls("".join(words), frozenset(words), tuple(starts))

    def contains(self, needle: str) -> bool:
        """``needle`` occurs in the compact key starting at a word boundary.

        Run-together input ("khaisinh") still matches, but a short word does
        not match inside an unrelated one ("hon" in "chon", from "chọn").
        """
        return any(self.compact.startswith(needle, start) for start in self.starts)

    def quality(self, query: SearchText) -> int | None:
        """EXACT, PREFIX, WHOLE_WORDS (every query word is a word here), INSIDE, or None."""
        if not self.compact or not query.compact:
            return None
        if self.compact == query.compact:
            return EXACT
        if self.compact.startswith(query.compact):
            return PREFIX
        if query.words <= self.words:
            return WHOLE_WORDS
        if self.contains(query.compact):
            return INSIDE
        return None


def is_storable(text: str) -> bool:
    """UTF-8 can hold it: no lone surrogate (which SQLite, JSON and PDFs refuse)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
