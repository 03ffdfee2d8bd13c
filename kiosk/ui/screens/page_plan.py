"""How a form is cut into short pages (``form_pages`` shows them): which fields lie on
which page, in which column, and which pages only some residents see.

See ``kiosk.ui.screens.form_pages`` for the reasons (one decision per screen, a card
read back instead of asked).  Pure data: no widget here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from kiosk.domain.forms import FormField
from kiosk.ui.widgets.fields import LONG_CHOICE, VERY_LONG_CHOICE

TEXTS = {
    "page": "Trang {number}/{total}",
    "part": "{title} (phần {part}/{parts})",
    "fields": "Các thông tin cần khai",
    "people": "Thông tin của {names}",
    "card": "Thẻ căn cước của {who}",
    "settled": "{title} (theo cha mẹ)",
}
# What a group of the catalogue is about, said as a heading; another group shows its own name.
GROUP_TITLES = {
    "Trẻ": "Thông tin của trẻ",
    "Mẹ": "Thông tin của mẹ",
    "Cha": "Thông tin của cha (nếu có)",
}

PAGE_FIELDS = 4
PAGE_ROOM = 4  # room on a page of two columns, a field taking one unit
COLUMN_ROOM = 3  # room on a page of one column
WIDE_ROOM = 2  # a field that needs the whole width
SHARED_ROOM = 2  # a person who shares a page: their card's summary and one more field


def group_of(spec: FormField) -> str:
    """The field's group; "" before the catalogue had groups."""
    return str(getattr(spec, "group", "") or "")


def is_wide(spec: FormField) -> bool:
    """A field that needs the page's whole width."""
    if spec.type == "multiline":
        return True
    return spec.type == "choice" and max(map(len, spec.choices), default=0) > VERY_LONG_CHOICE


def room(spec: FormField) -> int:
    """The height a field takes, in fields: two for several lines of text or of answers
    (long answers lie two to a row in half the page)."""
    tall = spec.type == "choice" and max(map(len, spec.choices), default=0) > LONG_CHOICE
    return WIDE_ROOM if is_wide(spec) or tall else 1


def settled_by_rule(spec: FormField) -> bool:
    """A field whose value the others decide (the child's ethnicity and nationality when
    the parents share theirs): asked only when the rule gives nothing.  A name's rule
    gives only its start (the family name), so a name is always asked."""
    return bool(spec.derive_from) and spec.type != "name"


@dataclass(frozen=True)
class PagePlan:
    """One page: its group, which part of that group it is, its fields by column.

    ``cards``, per column, are the fields of a person's citizen ID card, shown there as
    a short summary (the card scanned, or «Nhập tay»); their editors lie on ``passable``
    pages of their own.  A ``passable`` page is shown only when something on it is
    missing or wrong (nothing to decide otherwise), or when the resident asks for it."""

    group: str
    part: int
    parts: int
    columns: tuple[tuple[FormField, ...], ...]
    passable: bool = False
    cards: tuple[tuple[FormField, ...], ...] = ()
    kind: str = ""  # "card" or "settled" for a passable page, else ""

    @property
    def fields(self) -> tuple[FormField, ...]:
        """The fields with an editor on this page."""
        return tuple(spec for column in self.columns for spec in column)

    @property
    def summarised(self) -> tuple[FormField, ...]:
        """The card fields summarised on this page (their editors are elsewhere)."""
        return tuple(spec for column in self.cards for spec in column)

    @property
    def groups(self) -> tuple[str, ...]:
        both = (*self.summarised, *self.fields)
        return tuple(dict.fromkeys(g for g in map(group_of, both) if g)) or (self.group,)

    @property
    def title(self) -> str:
        """The page's heading: what its fields are about."""
        if len(self.groups) > 1:
            return TEXTS["people"].format(names=" và ".join(g.lower() for g in self.groups))
        title = GROUP_TITLES.get(self.group, self.group) or TEXTS["fields"]
        if self.kind:
            title = TEXTS[self.kind].format(title=title, who=self.group.lower())
        if self.parts > 1:
            return TEXTS["part"].format(title=title, part=self.part, parts=self.parts)
        return title


def plan_pages(specs: Sequence[FormField]) -> list[PagePlan]:
    """The pages of a form, in the order of its fields.

    A person with a card (the mother) gets one page with the card's summary and the
    fields the card does not give; two such persons with little else to ask share one
    page, side by side.  The card's own fields, and fields a rule settles, come after
    on passable pages."""
    plans: list[PagePlan] = []
    waiting: list[PagePlan] | None = None  # a small carded person, for the next to join
    for group, run in groupby(specs, key=group_of):
        pages = _person_pages(group, tuple(run))
        if waiting is not None and _shares(pages):
            plans += [_side_by_side(waiting[0], pages[0]), *waiting[1:], *pages[1:]]
            waiting = None
            continue
        plans += waiting or []
        waiting = pages if _shares(pages) else None
        plans += [] if waiting else pages
    return plans + (waiting or [])


def _person_pages(group: str, run: tuple[FormField, ...]) -> list[PagePlan]:
    card = tuple(spec for spec in run if spec.card) if group else ()
    settled = tuple(spec for spec in run if settled_by_rule(spec) and spec not in card)
    asked = tuple(spec for spec in run if spec not in card and spec not in settled)
    pages: list[PagePlan] = []
    if card:
        first, asked = asked[:COLUMN_ROOM - 1], asked[COLUMN_ROOM - 1:]
        pages.append(PagePlan(group, 1, 1, (first,), cards=(card,)))
    chunks = _split(asked) if asked else []
    pages += [PagePlan(group, number, len(chunks), _columns(chunk))
              for number, chunk in enumerate(chunks, start=1)]
    for kind, fields in (("card", card), ("settled", settled)):
        parts = _split(fields) if fields else []
        pages += [PagePlan(group, number, len(parts), _columns(chunk), passable=True,
                           kind=kind) for number, chunk in enumerate(parts, start=1)]
    return pages


def _shares(pages: list[PagePlan]) -> bool:
    """A person whose page could share: a card summary, one more field, nothing else."""
    first = pages[0] if pages else None
    return (first is not None and bool(first.cards) and len(first.fields) <= SHARED_ROOM - 1
            and not any(map(is_wide, first.fields))
            and all(page.passable for page in pages[1:]))


def _side_by_side(one: PagePlan, other: PagePlan) -> PagePlan:
    return PagePlan("", 1, 1, (one.fields, other.fields), cards=(*one.cards, *other.cards))


def _split(run: tuple[FormField, ...]) -> list[tuple[FormField, ...]]:
    """Pages of nearly equal length (7 fields: 4 + 3, not 4 + 3 … or 6 + 1)."""
    most = math.ceil(len(run) / math.ceil(len(run) / PAGE_FIELDS))
    chunks: list[tuple[FormField, ...]] = []
    page: tuple[FormField, ...] = ()
    for spec in run:
        if page and not _fits((*page, spec), most):
            chunks.append(page)
            page = ()
        page += (spec,)
    return [*chunks, page] if page else chunks


def _fits(page: tuple[FormField, ...], most: int) -> bool:
    limit = COLUMN_ROOM if any(map(is_wide, page)) else PAGE_ROOM
    return len(page) <= most and sum(map(room, page)) <= limit


def _columns(page: tuple[FormField, ...]) -> tuple[tuple[FormField, ...], ...]:
    """One column for a short page or a wide field, else two of about the same height."""
    total = sum(map(room, page))
    if (len(page) <= 2 and total <= COLUMN_ROOM) or any(map(is_wide, page)):
        return (page,)
    left = 1
    while sum(map(room, page[:left])) * 2 < total:
        left += 1
    return (page[:left], page[left:])
