"""Composing Vietnamese text from plain letters: tone marks, vowel marks and Telex.

Used by the on-screen keyboard (explicit "â ê ô", "ơ ư", "Sắc á"… keys that act
on the word before the cursor) and by the Telex filter for physical keyboards.

Tone placement follows the *traditional* ("kiểu cũ") convention, the one most
residents write and the national ID card prints: "Hòa", "Thúy", "Khỏe".  In
order, the mark goes on

1. the vowel carrying a letter mark (ă â ê ô ơ ư); for "ươ" the ơ
   ("Trường", "Người", "rượu");
2. the only vowel, when there is one;
3. the middle vowel of a three-vowel group ("khoái", "khuỷu");
4. of two vowels, the second when a consonant follows ("Hoàng", "Huỳnh") and
   otherwise the first ("Hòa", "Thủy", "mái").

"qu" and "gi" before another vowel are consonants ("quý", "già", "giữ").
``ToneStyle.NEW`` ("hoá", "thuý") is available for offices that want it.

``apply_tone`` and ``apply_mark`` toggle: applying the tone a word already has
removes it, and applying a vowel mark it already has removes that mark.  Telex
uses that for its doubled-key escape ("ass" → "as").

The on-screen keyboard's keys (``press_tone``, ``press_mark``; the whole key
set is :mod:`kiosk.domain.touchkeys`) behave so that a first-time resident can
reach every spelling by touching the same key again and watching the word:

* Type the bare letters, then touch the marks and the tone, in any order.
* A tone key puts the tone on the vowel above.  Where both spellings are
  correct (open "oa", "oe", "uy": "Hòa"/"Hoà", "Thủy"/"Thuỷ") a second touch
  moves it to the other vowel; the next touch takes it off.  Elsewhere the
  second touch takes it off.  A tone the resident placed stays where it is
  while letters are added, as long as it may stand there ("Thủ" + y → "Thủy");
  otherwise it moves ("Hòa" + n → "Hoàn").
* «ơ ư» on "uo" goes round four spellings: uo → ươ ("thương") → uơ ("thuở",
  "huơ", "khuơ") → ưo → uo.  On one u or o it adds the horn ("Tư", "Sơn",
  "quở") and takes it off at the second touch.
* «â ê ô», «ă» and «đ» add their mark and take it off at the second touch;
  «đ» types the letter when the word has no d.

Nothing here raises on any ``str``; words with no vowel come back unchanged.
Output is NFC.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from enum import Enum
from itertools import pairwise


class Tone(Enum):
    NONE = ""  # thanh ngang
    SAC = "\u0301"
    HUYEN = "\u0300"
    HOI = "\u0309"
    NGA = "\u0303"
    NANG = "\u0323"


class Mark(Enum):
    CIRCUMFLEX = "\u0302"  # â ê ô
    BREVE = "\u0306"  # ă
    HORN = "\u031b"  # ơ ư
    STROKE = "đ"  # đ (a letter of its own, not a combining mark)


class ToneStyle(Enum):
    OLD = "old"  # hòa, thủy: the default
    NEW = "new"  # hoá, thuỷ


_VOWELS = frozenset("aeiouy")
_MARKABLE = {Mark.CIRCUMFLEX: "aeo", Mark.BREVE: "a", Mark.HORN: "ou"}
_TONE_OF_CHAR = {t.value: t for t in Tone if t is not Tone.NONE}
_MARK_OF_CHAR = {m.value: m for m in Mark if m is not Mark.STROKE}
_NEW_STYLE_PAIRS = frozenset({"oa", "oe", "uy"})
_TELEX_TONES = {"s": Tone.SAC, "f": Tone.HUYEN, "r": Tone.HOI, "x": Tone.NGA, "j": Tone.NANG}
# Telex looks at no more than this many trailing characters of a word: a
# syllable is at most seven letters, and long junk must stay linear.
_WINDOW = 12


@dataclass(frozen=True)
class _Glyph:
    """One Vietnamese letter taken apart: ASCII base (keeps case), letter mark, tone."""

    base: str
    mark: Mark | None = None
    tone: Tone = Tone.NONE

    @property
    def is_vowel(self) -> bool:
        return self.base.lower() in _VOWELS

    def render(self) -> str:
        if self.mark is Mark.STROKE:
            return "Đ" if self.base == "D" else "đ"
        marks = (self.mark.value if self.mark else "") + self.tone.value
        return unicodedata.normalize("NFC", self.base + marks)


def _parse(char: str) -> _Glyph | None:
    """The glyph of a Vietnamese letter, or None for anything else."""
    if char in "đĐ":
        return _Glyph("D" if char == "Đ" else "d", Mark.STROKE)
    decomposed = unicodedata.normalize("NFD", char)
    base, rest = decomposed[0], decomposed[1:]
    if not base.isascii() or not base.isalpha():
        return None
    glyph = _Glyph(base)
    for combining in rest:
        if combining in _TONE_OF_CHAR and glyph.tone is Tone.NONE and glyph.is_vowel:
            glyph = replace(glyph, tone=_TONE_OF_CHAR[combining])
        elif combining in _MARK_OF_CHAR and glyph.mark is None:
            glyph = replace(glyph, mark=_MARK_OF_CHAR[combining])
        else:
            return None
    return glyph


class _Word:
    """A word as glyphs (None for characters that are not Vietnamese letters)."""

    def __init__(self, text: str) -> None:
        self.chars = list(unicodedata.normalize("NFC", text))
        self.glyphs = [_parse(c) for c in self.chars]

    def set(self, index: int, glyph: _Glyph) -> None:
        self.glyphs[index] = glyph
        self.chars[index] = glyph.render()

    def text(self) -> str:
        return "".join(self.chars)

    def glyph(self, index: int) -> _Glyph:
        glyph = self.glyphs[index]
        assert glyph is not None
        return glyph

    def _vowel_at(self, index: int) -> bool:
        glyph = self.glyphs[index]
        return glyph is not None and glyph.is_vowel

    def vowel_run(self) -> list[int]:
        """Indices of the last run of vowels in the word."""
        end = len(self.chars)
        while end > 0 and not self._vowel_at(end - 1):
            end -= 1
        start = end
        while start > 0 and self._vowel_at(start - 1):
            start -= 1
        return list(range(start, end))

    def nucleus(self) -> list[int]:
        """The vowels that can carry marks: the last run without the u of "qu", the i of "gi"."""
        run = self.vowel_run()
        if len(run) > 1 and run[0] > 0 and self._starts_cluster(run[0]):
            return run[1:]
        return run

    def _starts_cluster(self, start: int) -> bool:
        before = self.chars[start - 1].lower()
        first = self.glyph(start)
        plain = first.mark is None
        return plain and (before, first.base.lower()) in {("q", "u"), ("g", "i")}

    def closed(self, nucleus: list[int]) -> bool:
        """Whether a consonant follows the vowels ("hoàng" but not "hòa")."""
        after = nucleus[-1] + 1
        return after < len(self.chars) and self.chars[after].isalpha()


def _tone_index(word: _Word, nucleus: list[int], style: ToneStyle) -> int:
    marked = [i for i in nucleus if word.glyph(i).mark is not None]
    if marked:
        return marked[-1]
    if len(nucleus) == 1:
        return nucleus[0]
    if len(nucleus) >= 3:
        return nucleus[1]
    if word.closed(nucleus):
        return nucleus[1]
    pair = "".join(word.glyph(i).base.lower() for i in nucleus)
    new_style = style is ToneStyle.NEW and pair in _NEW_STYLE_PAIRS
    return nucleus[1] if new_style else nucleus[0]


def _tone_places(word: _Word, nucleus: list[int], style: ToneStyle) -> list[int]:
    """Where the tone may go: the style's vowel first, then the other style's if it differs."""
    other = ToneStyle.NEW if style is ToneStyle.OLD else ToneStyle.OLD
    first, second = _tone_index(word, nucleus, style), _tone_index(word, nucleus, other)
    return [first] if first == second else [first, second]


def _toned_index(word: _Word) -> int | None:
    return next((i for i in word.vowel_run() if word.glyph(i).tone is not Tone.NONE), None)


def _current_tone(word: _Word) -> Tone:
    for index in word.vowel_run():
        if word.glyph(index).tone is not Tone.NONE:
            return word.glyph(index).tone
    return Tone.NONE


def _place(word: _Word, nucleus: list[int], tone: Tone, style: ToneStyle,
           keep: bool = False) -> str:
    """Put ``tone`` on the style's vowel; with ``keep``, on the vowel it is on if that one may
    carry it too ("Thuỷ" stays "Thuỷ" in the traditional style, "Hoà" + n becomes "Hoàn")."""
    places = _tone_places(word, nucleus, style)
    now = _toned_index(word)
    target = now if keep and now in places else places[0]
    for index in word.vowel_run():
        word.set(index, replace(word.glyph(index), tone=Tone.NONE))
    word.set(target, replace(word.glyph(target), tone=tone))
    return word.text()


def tone_of(word: str) -> Tone:
    """The tone of the word's last syllable (``Tone.NONE`` when it has none or no vowel)."""
    parsed = _Word(word)
    nucleus = parsed.nucleus()
    return _current_tone(parsed) if nucleus else Tone.NONE


def apply_tone(word: str, tone: Tone, style: ToneStyle = ToneStyle.OLD) -> str:
    """Put ``tone`` on the right vowel; the tone the word already has is removed instead."""
    parsed = _Word(word)
    nucleus = parsed.nucleus()
    if not nucleus:
        return parsed.text()
    if _current_tone(parsed) is tone:
        tone = Tone.NONE
    return _place(parsed, nucleus, tone, style)


def retone(word: str, style: ToneStyle = ToneStyle.OLD) -> str:
    """Move an existing tone where it belongs now that letters were added ("hòan" → "hoàn").

    A tone on a vowel that may carry it in either style stays there ("Thuỷ", "Hoà").
    """
    parsed = _Word(word)
    nucleus = parsed.nucleus()
    if not nucleus:
        return parsed.text()
    return _place(parsed, nucleus, _current_tone(parsed), style, keep=True)


def apply_mark(
    word: str, mark: Mark, letter: str | None = None, style: ToneStyle = ToneStyle.OLD
) -> str:
    """Add ``mark`` to the right letter of the word, or remove it if it is already there.

    ``letter`` ("a", "e", "o", "u") restricts which vowel may take the mark, as
    Telex does ("aa" marks an a, never an e).  Horn on "uo" marks both ("ươ");
    on "ươ" it removes both.  Stroke acts on the first d of the word.
    """
    parsed = _Word(word)
    targets = _mark_targets(parsed, mark, letter)
    if not targets:
        return parsed.text()
    remove = all(parsed.glyph(i).mark is mark for i in targets)
    for index in targets:
        parsed.set(index, replace(parsed.glyph(index), mark=None if remove else mark))
    return retone(parsed.text(), style)


def _mark_targets(word: _Word, mark: Mark, letter: str | None) -> list[int]:
    if mark is Mark.STROKE:
        ds = [i for i, g in enumerate(word.glyphs) if g is not None and g.base.lower() == "d"]
        return ds[:1]
    allowed = _MARKABLE[mark]
    if letter is not None:
        allowed = letter.lower() if letter.lower() in allowed else ""
    nucleus = word.nucleus()
    candidates = [i for i in nucleus if word.glyph(i).base.lower() in allowed]
    if mark is Mark.HORN:
        return _horn_targets(word, candidates)
    return candidates[-1:]


def _horn_targets(word: _Word, candidates: list[int]) -> list[int]:
    """Both letters of "uo" ("trương"), otherwise the first of u/o ("ưa", "gửi", "cứu", "ơi")."""
    for first, second in pairwise(candidates):
        pair = word.glyph(first).base.lower() + word.glyph(second).base.lower()
        if second == first + 1 and pair == "uo":
            return [first, second]
    return candidates[:1]


# --- the on-screen keyboard's keys ----------------------------------------------------------

# The horn key on "uo": each touch gives the next form, round and round.
_HORN_CYCLE = {(False, False): (True, True), (True, True): (False, True),
               (False, True): (True, False), (True, False): (False, False)}


def press_tone(word: str, tone: Tone, style: ToneStyle = ToneStyle.OLD) -> str:
    """A tone key: the tone on its vowel; touched again, on the other correct vowel if the
    syllable has one ("Thủy" → "Thuỷ", "Hòa" → "Hoà"), and then off."""
    parsed = _Word(word)
    nucleus = parsed.nucleus()
    if not nucleus or tone is Tone.NONE:
        return apply_tone(word, Tone.NONE, style) if nucleus else parsed.text()
    if _current_tone(parsed) is not tone:
        return _place(parsed, nucleus, tone, style, keep=True)
    places = _tone_places(parsed, nucleus, style)
    now = _toned_index(parsed)
    following = places.index(now) + 1 if now in places else len(places)
    if following >= len(places):
        return _place(parsed, nucleus, Tone.NONE, style)
    for index in parsed.vowel_run():
        parsed.set(index, replace(parsed.glyph(index), tone=Tone.NONE))
    parsed.set(places[following], replace(parsed.glyph(places[following]), tone=tone))
    return parsed.text()


def press_mark(word: str, mark: Mark, style: ToneStyle = ToneStyle.OLD) -> str:
    """A mark key.  The horn key on "uo" cycles uo → ươ → uơ → ưo → uo ("thương", "thuở",
    "huơ"); every other mark goes on, and comes off at the second touch."""
    parsed = _Word(word)
    if mark is Mark.HORN:
        pair = _uo_pair(parsed)
        if pair is not None:
            u, o = (parsed.glyph(i) for i in pair)
            state = _HORN_CYCLE[(u.mark is Mark.HORN, o.mark is Mark.HORN)]
            for index, horned in zip(pair, state, strict=True):
                parsed.set(index, replace(parsed.glyph(index), mark=Mark.HORN if horned else None))
            return retone(parsed.text(), style)
    return apply_mark(word, mark, style=style)


def _uo_pair(word: _Word) -> tuple[int, int] | None:
    """The u and o of an "uo" in the syllable's vowels, whatever their marks ("uô", "ươ")."""
    nucleus = word.nucleus()
    for first, second in pairwise(nucleus):
        pair = word.glyph(first).base.lower() + word.glyph(second).base.lower()
        if pair == "uo":
            return first, second
    return None


def split_word(text: str) -> tuple[str, str]:
    """Split text before a cursor into (everything else, the current word).

    The current word runs back to the last whitespace.
    """
    stripped = text.rstrip()
    if len(stripped) != len(text):
        return text, ""
    cut = max((i for i, c in enumerate(text) if c.isspace()), default=-1) + 1
    return text[:cut], text[cut:]


class TelexComposer:
    """Turns typed ASCII keys into Vietnamese, one key at a time, on the current word.

    aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, w ư, dd đ; s f r x j for sắc huyền hỏi
    ngã nặng; z removes the tone.  Typing a mark or tone key that is already
    applied removes it and types the key itself ("ass" → "as", "ddd" → "dd").
    Marks and tones may come after the final consonant ("nguyeenx", "nguyenxe").
    """

    def __init__(self, style: ToneStyle = ToneStyle.OLD) -> None:
        self.style = style

    def key(self, word: str, key: str) -> str | None:
        """The new word after ``key``, or None when the key just types itself."""
        if len(key) != 1:
            return None
        head, tail = word[:-_WINDOW], word[-_WINDOW:]
        composed = self._compose(tail, key)
        if composed is None:
            plain = retone(tail + key, self.style)
            composed = None if plain == tail + key else plain
        return None if composed is None else head + composed

    def _compose(self, word: str, key: str) -> str | None:
        lower = key.lower()
        if lower in _TELEX_TONES:
            return self._tone(word, key, _TELEX_TONES[lower])
        if lower == "z":
            return self._tone(word, key, Tone.NONE) if tone_of(word) is not Tone.NONE else None
        if lower in "aeo":
            return self._mark(word, key, Mark.CIRCUMFLEX, lower)
        if lower == "d":
            return self._mark(word, key, Mark.STROKE, None)
        if lower == "w":
            return self._w(word, key)
        return None

    def _tone(self, word: str, key: str, tone: Tone) -> str | None:
        if not _Word(word).nucleus():
            return None
        if tone is Tone.NONE:
            return apply_tone(word, tone_of(word), self.style)
        toned = apply_tone(word, tone, self.style)
        return toned + key if tone_of(word) is tone else toned

    def _mark(self, word: str, key: str, mark: Mark, letter: str | None) -> str | None:
        parsed = _Word(word)
        targets = _mark_targets(parsed, mark, letter)
        if not targets:
            return None
        marked = apply_mark(word, mark, letter, self.style)
        escaped = all(parsed.glyph(i).mark is mark for i in targets)
        return marked + key if escaped else marked

    def _w(self, word: str, key: str) -> str:
        parsed = _Word(word)
        nucleus = parsed.nucleus()
        bases = "".join(parsed.glyph(i).base.lower() for i in nucleus)
        if "oa" in bases or (bases.endswith("a") and not _horn_targets_exist(parsed)):
            result = self._mark(word, key, Mark.BREVE, "a")
        else:
            result = self._mark(word, key, Mark.HORN, None)
        if result is not None:
            return result
        return word + ("Ư" if key == "W" else "ư")

    def feed(self, text: str) -> str:
        """Everything ``text`` would give typed key by key."""
        done: list[str] = []
        word = ""
        for key in text:
            composed = self.key(word, key)
            word = word + key if composed is None else composed
            if key.isspace():
                done.append(word)
                word = ""
            elif len(word) > 4 * _WINDOW:  # only the tail matters: keep long junk linear
                done.append(word[:-_WINDOW])
                word = word[-_WINDOW:]
        done.append(word)
        return unicodedata.normalize("NFC", "".join(done))


def _horn_targets_exist(word: _Word) -> bool:
    return any(word.glyph(i).base.lower() in "ou" for i in word.nucleus())


def telex(text: str, style: ToneStyle = ToneStyle.OLD) -> str:
    """Convert a whole string typed in Telex ("Nguyeenx Thij Asnh" → "Nguyễn Thị Ánh")."""
    return TelexComposer(style).feed(text)

