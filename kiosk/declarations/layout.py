"""Where every piece of a tờ khai goes on A4 pages, before anything is drawn.

The layout is plain data (``Page``: text runs, dotted blanks, tick boxes, the
signature's box) so a test can check that every run lies inside its box and
every line keeps the pitch stacked-tone capitals (Ỗ, Ặ, Ẫ…) need; ``render``
only paints it.  Values are bold, the form's words regular; a blank the kiosk
cannot fill is the form's dotted line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from kiosk.declarations.forms import Cell, Copies, FormSpec, Grid, Heading, Item, Row, Signer
from kiosk.declarations.lines import BOLD, REGULAR, Font, fit_lines, width
from kiosk.declarations.texts import TEXTS
from kiosk.receipts.paper import register_fonts

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 20 * mm, 15 * mm, 12 * mm, 14 * mm
BODY = Font(REGULAR, 11.5)
SMALL = Font(REGULAR, 8.5)
FOOTER = Font(REGULAR, 7.5)
TITLE = Font(BOLD, 14)
# Baseline to baseline, in ems: Noto Sans's stacked-tone capitals reach ~1.2 em
# above the baseline and its descenders ~0.3 em below (tests/declarations checks
# the font's glyph boxes against this).
LEADING = 1.5
SMALL_LEADING = 1.35  # footnotes: still clear of the stacked marks, closer set
GAP = 4.0  # between a label and its value
SIGN_H = 20 * mm


@dataclass(frozen=True)
class Run:
    text: str
    x: float
    baseline: float
    font: Font
    right: float  # the edge of its box: x + width(text) must not pass it


@dataclass(frozen=True)
class Dots:
    x0: float
    x1: float
    baseline: float


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    kind: str  # "tick" (ticked), "empty", "signature", "rule"


@dataclass
class Page:
    runs: list[Run] = field(default_factory=list)
    dots: list[Dots] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)


def pitch(font: Font) -> float:
    """Baseline to baseline for ``font``: body text is set looser than the notes."""
    return font.size * (LEADING if font.size >= BODY.size else SMALL_LEADING)


class _Writer:
    """A cursor down the pages: ``y`` is the next baseline."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.y = 0.0
        self.new_page()

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = PAGE_H - TOP - BODY.size * 1.2

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM and self.page.runs:
            self.new_page()

    def advance(self, font: Font) -> None:
        self.y -= pitch(font)
        self.need(0)

    def run(self, text: str, x: float, font: Font, right: float) -> float:
        if text:
            self.page.runs.append(Run(text, x, self.y, font, right))
        return x + width(text, font)

    def dots(self, x0: float, x1: float) -> None:
        if x1 - x0 > 6:
            self.page.dots.append(Dots(x0, x1, self.y))


LINE_RIGHT = PAGE_W - RIGHT


def layout(spec: FormSpec, values: Mapping[str, str]) -> list[Page]:
    register_fonts()  # widths are measured with the fonts the PDF embeds
    w = _Writer()
    _header(w, spec)
    for item in spec.items:
        _item(w, item, values)
    _pledge(w, spec)
    _signatures(w, spec.signers, values)
    _footnotes(w, spec.footnotes)
    return w.pages


def _centered(w: _Writer, text: str, font: Font, left: float, right: float) -> None:
    for line in fit_lines(text, font, right - left, right - left):
        w.run(line, (left + right - width(line, font)) / 2, font, right)
        w.advance(font)


def _header(w: _Writer, spec: FormSpec) -> None:
    _centered(w, TEXTS["nation"], BODY.bold, LEFT, LINE_RIGHT)
    _centered(w, TEXTS["motto"], BODY.bold, LEFT, LINE_RIGHT)
    half = width(TEXTS["motto"], BODY.bold) / 2
    middle = (LEFT + LINE_RIGHT) / 2
    w.page.boxes.append(Box(middle - half, w.y + BODY.size * 1.1, 2 * half, 0, "rule"))
    w.y -= BODY.size * 0.6
    _centered(w, spec.title, TITLE, LEFT, LINE_RIGHT)
    w.y -= BODY.size * 0.4


def _item(w: _Writer, item: Item, values: Mapping[str, str]) -> None:
    if isinstance(item, Row):
        _row(w, item, values)
    elif isinstance(item, Heading):
        _paragraph(w, item.text, BODY.bold if item.bold else BODY, LEFT, 0)
    elif isinstance(item, Grid):
        _grid(w, item, values)
    elif isinstance(item, Copies):
        _copies(w, item, values)


def _row(w: _Writer, row: Row, values: Mapping[str, str]) -> None:
    """Cells side by side when each fits its share of the line; else one under another."""
    total = LINE_RIGHT - LEFT
    shares = [c.share / sum(c.share for c in row.cells) * total for c in row.cells]
    if all(_fits(c, values.get(c.key, ""), room) for c, room in zip(row.cells, shares,
                                                                    strict=True)):
        x = LEFT
        for cell, room in zip(row.cells, shares, strict=True):
            _inline(w, cell, values.get(cell.key, ""), x, x + room)
            x += room
        w.advance(BODY)
        return
    for cell in row.cells:
        _wrapped(w, cell, values.get(cell.key, ""))


def _fits(cell: Cell, value: str, room: float) -> bool:
    used = width(cell.label, BODY) + GAP + width(value, BODY.bold)
    return used + (GAP if value else 24) <= room


def _inline(w: _Writer, cell: Cell, value: str, x: float, right: float) -> None:
    end = w.run(cell.label, x, BODY, right) + GAP
    if value:
        end = w.run(value, end, BODY.bold, right) + GAP
    w.dots(end, right if right >= LINE_RIGHT else right - GAP)


def _wrapped(w: _Writer, cell: Cell, value: str) -> None:
    """A label and a value over as many lines as the value needs."""
    start = w.run(cell.label, LEFT, BODY, LINE_RIGHT) + GAP
    lines = fit_lines(value, BODY.bold, LINE_RIGHT - start, LINE_RIGHT - LEFT)
    for number, line in enumerate(lines):
        x = start if number == 0 else LEFT
        end = w.run(line, x, BODY.bold, LINE_RIGHT)
        if number == len(lines) - 1:
            w.dots(end + GAP if line else x, LINE_RIGHT)
        w.advance(BODY)


def _paragraph(w: _Writer, text: str, font: Font, left: float, indent: float) -> None:
    room = LINE_RIGHT - left
    for number, line in enumerate(fit_lines(text, font, room - indent, room)):
        w.run(line, left + (indent if number == 0 else 0), font, LINE_RIGHT)
        w.advance(font)


def _copies(w: _Writer, item: Copies, values: Mapping[str, str]) -> None:
    raw = values.get(item.key, "")
    count = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else None  # not "¹"
    w.need(BODY.size * LEADING)
    x = w.run(TEXTS["copies"].format(mark=f" {item.mark}"), LEFT, BODY, LINE_RIGHT) + GAP
    for text, ticked in ((TEXTS["yes"], count is not None and count > 0),
                         (TEXTS["no"], count == 0)):
        x = w.run(text, x, BODY, LINE_RIGHT) + GAP
        side = BODY.size * 0.8
        w.page.boxes.append(Box(x, w.y - 1, side, side, "tick" if ticked else "empty"))
        x += side + 3 * GAP
    x = w.run(TEXTS["count"], x, BODY, LINE_RIGHT) + GAP
    shown = str(count) if count else ""
    if shown:
        x = w.run(shown, x, BODY.bold, LINE_RIGHT) + GAP
    else:
        w.dots(x, x + 40)
        x += 40 + GAP
    w.run(TEXTS["copies_unit"], x, BODY, LINE_RIGHT)
    w.advance(BODY)


def _grid(w: _Writer, grid: Grid, values: Mapping[str, str]) -> None:
    total = LINE_RIGHT - LEFT
    edges = [LEFT, LEFT + total * 0.3, LEFT + total * 0.65, LINE_RIGHT]
    _grid_row(w, list(grid.columns), edges, [BODY.bold] * 3)
    for label, left, right in grid.rows:
        cells = [label, values.get(left, ""), values.get(right, "")]
        _grid_row(w, cells, edges, [BODY, BODY.bold, BODY.bold])


def _grid_row(w: _Writer, cells: list[str], edges: list[float], fonts: list[Font]) -> None:
    """One row of the table, as tall as its longest cell; a row never splits across pages."""
    pad = 3.0
    wrapped = [fit_lines(text, font, edges[i + 1] - edges[i] - 2 * pad,
                         edges[i + 1] - edges[i] - 2 * pad)
               for i, (text, font) in enumerate(zip(cells, fonts, strict=True))]
    pitch = BODY.size * LEADING
    height = max(len(lines) for lines in wrapped) * pitch + pitch * 0.35
    w.need(height)
    top = w.y + BODY.size * 1.15
    for i, lines in enumerate(wrapped):
        y = w.y
        for line in lines:
            w.page.runs.append(Run(line, edges[i] + pad, y, fonts[i], edges[i + 1] - pad))
            y -= pitch
        w.page.boxes.append(Box(edges[i], top - height, edges[i + 1] - edges[i], height,
                                "cell"))
    w.y -= height
    w.need(0)


def _pledge(w: _Writer, spec: FormSpec) -> None:
    w.y -= BODY.size * 0.3
    for sentence in spec.pledge:
        _paragraph(w, sentence, BODY, LEFT, 8 * mm)


def _signatures(w: _Writer, signers: tuple[Signer, ...], values: Mapping[str, str]) -> None:
    """"Làm tại …, ngày … tháng … năm …", then each signer's title, box and full name."""
    middle = (LEFT + LINE_RIGHT) / 2
    columns = ([(LEFT + (LINE_RIGHT - LEFT) * 0.4, LINE_RIGHT)] if len(signers) == 1 else
               [(LEFT, middle), (middle, LINE_RIGHT)])
    made = _made_at(values)
    names = [fit_lines(values.get(s.name_key, ""), BODY.bold, c[1] - c[0], c[1] - c[0])
             for s, c in zip(signers, columns, strict=False)]
    pitch = BODY.size * LEADING
    lines = 3 + max(len(n) for n in names) + len(fit_lines(made, BODY, LINE_RIGHT - middle,
                                                           LINE_RIGHT - middle))
    w.need(lines * pitch + SIGN_H)
    _centered(w, made, BODY, columns[-1][0] if len(signers) == 1 else LEFT, LINE_RIGHT)
    top, bottom = w.y, w.y
    for signer, (left, right), name in zip(signers, columns, names, strict=False):
        w.y = top
        _centered(w, signer.title, BODY.bold, left, right)
        _centered(w, TEXTS["sign_hint"], SMALL, left, right)
        box_top = w.y + BODY.size * 0.6
        w.page.boxes.append(Box(left + 10, box_top - SIGN_H, right - left - 20, SIGN_H,
                                "signature"))
        w.y = box_top - SIGN_H - BODY.size * 1.2
        for line in name:
            w.run(line, (left + right - width(line, BODY.bold)) / 2, BODY.bold, right)
            w.y -= pitch
        bottom = min(bottom, w.y)
    w.y = bottom - pitch * 0.3
    w.need(0)


def _made_at(values: Mapping[str, str]) -> str:
    day, month, year = (values.get(k, "") or "……" for k in ("ngay", "thang", "nam"))
    place = values.get("lam_tai", "") or "……………"
    return TEXTS["made_at"] + " " + place + TEXTS["date_parts"].format(
        day=day, month=month, year=year)


def _footnotes(w: _Writer, notes: tuple[str, ...]) -> None:
    w.need(pitch(SMALL) * 3)
    w.page.boxes.append(Box(LEFT, w.y + SMALL.size * 1.2, 50 * mm, 0, "rule"))
    for number, text in enumerate(notes, start=1):
        _paragraph(w, f"({number}) {text}", SMALL, LEFT, 0)
    _footer(w.pages)


def _footer(pages: list[Page]) -> None:
    """How the form was made, in the bottom margin of every page."""
    while len(pages) > 1 and not pages[-1].runs:  # the last line's advance opened it
        pages.pop()
    note = TEXTS["generated_note"]
    room = LINE_RIGHT - LEFT
    lines = fit_lines(note, FOOTER, room, room)
    for page in pages:
        y = BOTTOM - FOOTER.size * 1.6
        for line in lines:
            page.runs.append(Run(line, LEFT, y, FOOTER, LINE_RIGHT))
            y -= FOOTER.size * LEADING
