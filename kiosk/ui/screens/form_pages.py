"""A long form cut into short pages: one decision per screen (DESIGN.md "Always").

A page holds at most four fields, all of one ``group`` (the child, the mother
…); a longer group, or a run of fields without a group, is cut into pages of
nearly equal length.  At 1366×768 a single column holds about three fields
below the step's header, so a page of three or four lies in two columns of
``FieldList`` side by side; a field that needs the whole width (long choices,
several lines of text) gets a single column, with at most one field beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.domain.derive import derived_value
from kiosk.domain.errors import Problems
from kiosk.domain.forms import FormField, validate_form
from kiosk.scanner.frames import FrameSource
from kiosk.ui.theme import kinetic
from kiosk.ui.widgets.basics import plain_label
from kiosk.ui.widgets.dock import KeyboardDock
from kiosk.ui.widgets.fields import FieldEditor, FieldList

TEXTS = {
    "page": "Trang {number}/{total}",
    "part": "{title} (phần {part}/{parts})",
    "fields": "Các thông tin cần khai",
}
# What a group of the catalogue is about, said as a heading; another group shows its own name.
GROUP_TITLES = {
    "Trẻ": "Thông tin của trẻ",
    "Mẹ": "Thông tin của mẹ",
    "Cha": "Thông tin của cha (nếu có)",
    "Người đi khai": "Người đi khai",
}

PAGE_FIELDS = 4
PAGE_ROOM = 4  # room on a page of two columns, a field taking one unit
COLUMN_ROOM = 3  # room on a page of one column
WIDE_ROOM = 2  # a field that needs the whole width
LONG_CHOICE = 12  # characters: such answers lie two to a row across the whole width


def group_of(spec: FormField) -> str:
    """The field's group; "" before the catalogue had groups."""
    return str(getattr(spec, "group", "") or "")


def is_wide(spec: FormField) -> bool:
    if spec.type == "multiline":
        return True
    return spec.type == "choice" and max(map(len, spec.choices), default=0) > LONG_CHOICE


@dataclass(frozen=True)
class PagePlan:
    """One page: its group, which part of that group it is, its fields by column."""

    group: str
    part: int
    parts: int
    columns: tuple[tuple[FormField, ...], ...]

    @property
    def fields(self) -> tuple[FormField, ...]:
        return tuple(spec for column in self.columns for spec in column)

    @property
    def title(self) -> str:
        """The page's heading: what its fields are about."""
        title = GROUP_TITLES.get(self.group, self.group) or TEXTS["fields"]
        if self.parts > 1:
            return TEXTS["part"].format(title=title, part=self.part, parts=self.parts)
        return title


def plan_pages(specs: Sequence[FormField]) -> list[PagePlan]:
    """The pages of a form, in the order of its fields."""
    plans: list[PagePlan] = []
    for group, run in groupby(specs, key=group_of):
        chunks = [chunk for part in _card_first(tuple(run)) for chunk in _split(part)]
        plans += [PagePlan(group, number, len(chunks), _columns(chunk))
                  for number, chunk in enumerate(chunks, start=1)]
    return plans


def _card_first(run: tuple[FormField, ...]) -> list[tuple[FormField, ...]]:
    """A person's fields that a scanned card fills on pages of their own, before the rest,
    so that one «Quét thẻ căn cước» panel shows everything it filled."""
    marked = tuple(spec for spec in run if getattr(spec, "card", None))
    rest = tuple(spec for spec in run if not getattr(spec, "card", None))
    return [part for part in (marked, rest) if part]


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
    room = sum(WIDE_ROOM if is_wide(s) else 1 for s in page)
    limit = COLUMN_ROOM if any(map(is_wide, page)) else PAGE_ROOM
    return len(page) <= most and room <= limit


def _columns(page: tuple[FormField, ...]) -> tuple[tuple[FormField, ...], ...]:
    if len(page) <= 2 or any(map(is_wide, page)):
        return (page,)
    left = math.ceil(len(page) / 2)
    return (page[:left], page[left:])


class FormPages(QStackedWidget):
    """The pages of one form, one shown at a time; the editors of all of them by name."""

    edited = Signal(str)  # a field's name, when the resident finishes typing in it
    changed = Signal(str)  # a field's name, at every keystroke or choice
    turned = Signal()

    def __init__(self, specs: Sequence[FormField], dock: KeyboardDock,
                 plans: Sequence[PagePlan] | None = None,
                 open_camera: Callable[[], FrameSource] | None = None,
                 clock: Callable[[], date] = date.today) -> None:
        super().__init__()
        self._open_camera, self._clock = open_camera, clock
        self.plans = list(plans or plan_pages(specs)) or [PagePlan("", 1, 1, ((),))]
        self.lists: list[list[FieldList]] = []
        self.own_heading: list[bool] = []  # a page with a card panel shows its title itself
        self.editors: dict[str, FieldEditor] = {}
        for plan in self.plans:
            self.addWidget(self._page(plan, dock))

    def _page(self, plan: PagePlan, dock: KeyboardDock) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.setSpacing(32)
        # One «Quét thẻ căn cước» panel a page, across the top of both columns, filling the
        # fields of every column (and of the person's other pages: card_read goes to all).
        marked = tuple(spec for spec in plan.fields if spec.card)
        # A person whose every field is optional says so once, in the page's title.
        optional_person = not any(spec.required for spec in plan.fields) and (
            "nếu có" in plan.title)
        lists = [FieldList(column, dock, self._open_camera, self._clock,
                           card_fields=marked if i == 0 else (),
                           mark_optional=not optional_person)
                 for i, column in enumerate(plan.columns)]
        scans = lists[0].take_scans()
        if scans:  # the page's own heading, the panel beside it: the fields keep the height
            outer.setSpacing(0)
            top = QHBoxLayout()
            top.addWidget(plain_label(plan.title, "resultTitle"), 1)
            for scan in scans:
                top.addWidget(scan)
            outer.addLayout(top)
        self.own_heading.append(bool(scans))
        outer.addLayout(row, 1)
        for fields in lists:
            kinetic(fields)
            fields.edited.connect(self.edited.emit)
            fields.card_read.connect(self._from_card)
            self.editors.update(fields.editors)
            row.addWidget(fields, 1)
        for editor in (e for fields in lists for e in fields.editors.values()):
            _watch(editor, self.changed.emit)
        self.lists.append(lists)
        return page

    # --- which page ----------------------------------------------------------

    @property
    def index(self) -> int:
        return self.currentIndex()

    @property
    def last(self) -> int:
        return self.count() - 1

    @property
    def plan(self) -> PagePlan:
        return self.plans[self.index]

    def page_of(self, name: str) -> int:
        return next((i for i, p in enumerate(self.plans) if name in {s.name for s in p.fields}),
                    0)

    def list_of(self, name: str) -> FieldList:
        """The column holding field ``name``."""
        return next(fields for fields in self._all_lists() if name in fields.editors)

    def _from_card(self, values: dict[str, str]) -> None:
        for fields in self._all_lists():
            fields.set_values({k: v for k, v in values.items() if k in fields.editors})
            for name in values:
                if name in fields.editors:
                    fields.editors[name].show_error("")

    def turn(self, index: int) -> None:
        self.setCurrentIndex(max(0, min(index, self.last)))
        self._derive()
        self.turned.emit()

    def _derive(self) -> None:
        """The page's empty fields that others give a value (kiosk.domain.derive)."""
        values = self.values()
        for spec in self.plan.fields:
            if spec.derive_from and not values.get(spec.name, "").strip():
                value = derived_value(spec, values)
                if value:
                    self.list_of(spec.name).set_values({spec.name: value})

    def next_page(self) -> int:
        """The page «Tiếp tục» leads to (past ``last`` when the step is done): a person
        whose fields are all optional and whose first page was left empty (the father not
        declared) needs no second page."""
        index = self.index + 1
        while index <= self.last and self._passed_over(index):
            index += 1
        return index

    def _passed_over(self, index: int) -> bool:
        group = self.plans[index].group
        person = [plan for plan in self.plans if group and plan.group == group]
        earlier = [plan for plan in self.plans[:index] if group and plan.group == group]
        if not earlier or any(spec.required for plan in person for spec in plan.fields):
            return False
        values = self.values()
        return not any(values.get(spec.name, "").strip()
                       for plan in earlier for spec in plan.fields)

    def edit(self, name: str) -> None:
        """Turn to the field's page and open the keyboard on it."""
        self.turn(self.page_of(name))
        for fields in self.lists[self.index]:
            if name in fields.editors:
                fields.edit(name)

    # --- values and messages -------------------------------------------------

    def values(self) -> dict[str, str]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: Mapping[str, str]) -> None:
        for fields in self._all_lists():
            fields.set_values(values)

    def show_problems(self, problems: Problems, only: str | None = None) -> None:
        for fields in self._all_lists():
            if only is None or only in fields.editors:
                fields.show_problems(problems, only=only)

    def show_page_problems(self, problems: Problems) -> bool:
        """This page's messages under its fields; True when it has any."""
        names = {spec.name for spec in self.plan.fields}
        for fields in self.lists[self.index]:
            fields.show_problems(problems)
        return any(error.field in names for error in problems.errors)

    def first_page_with(self, problems: Problems) -> int | None:
        wrong = {error.field for error in problems.errors}
        return next((i for i, p in enumerate(self.plans) if wrong & {s.name for s in p.fields}),
                    None)

    def clear(self) -> None:
        for fields in self._all_lists():
            fields.clear()
        self.turn(0)

    def _all_lists(self) -> list[FieldList]:
        return [fields for page in self.lists for fields in page]


def _watch(editor: FieldEditor, changed: Callable[[str], None]) -> None:
    """``changed(name)`` whenever the field's value may have changed."""
    name = editor.spec.name
    inner = editor.editor
    if inner is not None:
        inner.textChanged.connect(lambda *_: changed(name))
    for button in editor.choices.values():
        button.toggled.connect(lambda *_: changed(name))


class PageTurning:
    """The step protocol's page turning for a screen whose ``fields`` are ``FormPages``."""

    fields: FormPages
    dock: KeyboardDock
    _clock: Callable[[], datetime]

    def specs(self) -> Sequence[FormField]:
        raise NotImplementedError

    def advance_within(self) -> bool:
        """"Tiếp tục": this page's messages, or the next page; False on the last page."""
        if self.fields.index >= self.fields.last:
            return False
        self.dock.close_keyboard()
        if self.fields.show_page_problems(self.problems()):
            return True
        following = self.fields.next_page()
        if following > self.fields.last:
            return False
        self.fields.turn(following)
        return True

    def retreat_within(self) -> bool:
        if self.fields.index == 0:
            return False
        self.dock.close_keyboard()
        self.fields.turn(self.fields.index - 1)
        return True

    def turn_to_end(self) -> None:
        self.fields.turn(self.fields.last)

    def turn_to(self, name: str) -> None:
        self.fields.turn(self.fields.page_of(name))

    def problems(self) -> Problems:
        _cleaned, found = validate_form(self.specs(), self.fields.values(), self._clock().date())
        return found

    def check_one(self, name: str) -> None:
        """After typing in a field: its own message, only when something was typed."""
        if not self.fields.values().get(name, "").strip():
            self.fields.editors[name].show_error("")
            return
        self.fields.show_problems(self.problems(), only=name)

    def recheck(self, name: str) -> None:
        """While a message shows: gone as soon as the field is right (never a new one)."""
        editor = self.fields.editors.get(name)
        if editor is None or not editor.error.text():
            return
        if not any(error.field == name for error in self.problems().errors):
            editor.show_error("")

    def shown_wrong_page(self, problems: Problems) -> None:
        """After a check of every page: the first page with a message."""
        wrong = self.fields.first_page_with(problems)
        if wrong is not None:
            self.fields.turn(wrong)
