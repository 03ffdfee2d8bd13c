"""Breaking text into lines that fit, measured with the font's own widths.

Every run of text the tờ khai prints goes through ``fit_lines``, so nothing is
wider than its box: a word longer than a whole line (a 200-letter name with no
space) is cut between letters rather than clipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from kiosk.receipts.paper import BOLD, REGULAR

__all__ = ["BOLD", "REGULAR", "Font", "fit_lines", "width"]


@dataclass(frozen=True)
class Font:
    name: str
    size: float

    @property
    def bold(self) -> Font:
        return Font(BOLD, self.size)


def width(text: str, font: Font) -> float:
    return float(stringWidth(text, font.name, font.size))


def fit_lines(text: str, font: Font, first: float, rest: float) -> list[str]:
    """``text`` in lines: the first at most ``first`` wide, the others ``rest``.

    A first line with no room for the first word is returned empty ("") so the
    caller starts the text on the next line.
    """
    lines: list[str] = []
    line, room = "", first
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if width(candidate, font) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
            line, room = "", rest
            if width(word, font) <= room:
                line = word
                continue
        elif not lines and first < rest and (
                width(word, font) <= rest or width(word[0], font) > first):
            lines.append("")  # the word starts on the next, longer line
            room = rest
            if width(word, font) <= room:
                line = word
                continue
        pieces = _cut(word, font, room, rest)
        lines += pieces[:-1]
        line, room = pieces[-1], rest
    if line or not lines:
        lines.append(line)
    return lines


def _cut(word: str, font: Font, room: float, rest: float) -> list[str]:
    """A word wider than its line, cut between letters: each piece fits its line."""
    pieces: list[str] = []
    piece = ""
    for letter in word:
        if piece and width(piece + letter, font) > room:
            pieces.append(piece)
            piece, room = "", rest
        piece += letter
    pieces.append(piece)
    return pieces
