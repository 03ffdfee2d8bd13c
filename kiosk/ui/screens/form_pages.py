"""A long form cut into short pages: one decision per screen (DESIGN.md "Always").

A page holds at most four fields, all of one ``group`` (the child, the mother
…); a longer group, or a run of fields without a group, is cut into pages of
nearly equal length.  At 1366×768 a single column holds about three fields
below the step's header, so a page of three or four lies in two columns of
``FieldList`` side by side; a field that needs the whole width (long choices,
several lines of text) gets a single column, with at most one field beside it.

What a citizen ID card gives (a parent's name, birth, ID number, residence and
nationality) is not asked: the person's page reads it back in a few lines
(``CardSummary``) beside «Quét thẻ»; its editors lie on passable pages, shown
only for «Nhập tay» / «Sửa» or when something is missing or wrong.  Fields a
rule settles (the child's ethnicity and nationality when the parents share
theirs) lie on a passable page too.  Two people with little else to ask (the
mother and the father) share one page, side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.domain.derive import derived_value
from kiosk.domain.errors import Problems
from kiosk.domain.forms import FormField, validate_form
from kiosk.scanner.frames import FrameSource
from kiosk.ui.screens.page_plan import (
    PAGE_FIELDS,
    TEXTS,
    PagePlan,
    group_of,
    is_wide,
    plan_pages,
    room,
)
from kiosk.ui.theme import kinetic
from kiosk.ui.widgets.basics import plain_label
from kiosk.ui.widgets.card_scan import CardScan
from kiosk.ui.widgets.card_summary import CardSummary
from kiosk.ui.widgets.dock import KeyboardDock
from kiosk.ui.widgets.field_list import FieldList
from kiosk.ui.widgets.fields import FieldEditor
from kiosk.ui.widgets.scan_sharing import share_scanner

__all__ = ["AHEAD_MS", "PAGE_FIELDS", "TEXTS", "FormPages", "PagePlan", "plan_pages"]

AHEAD_MS = 40  # between two pieces built ahead (a page, a picker): time for a tap and a paint


class FormPages(QStackedWidget):
    """The pages of one form, one shown at a time; the editors of all of them by name."""

    edited = Signal(str)  # a field's name, when the resident finishes typing in it
    changed = Signal(str)  # a field's name, at every keystroke or choice
    turned = Signal()

    def __init__(self, specs: Sequence[FormField], dock: KeyboardDock,
                 plans: Sequence[PagePlan] | None = None,
                 open_camera: Callable[[], FrameSource] | None = None,
                 clock: Callable[[], date] = date.today, ahead: bool = False) -> None:
        """``ahead``: the pages are built later, one by one (``build_one``, ``finish``)."""
        super().__init__()
        self._specs, self._dock = tuple(specs), dock
        self._open_camera, self._clock = open_camera, clock
        self.plans = list(plans or plan_pages(specs)) or [PagePlan("", 1, 1, ((),))]
        self.lists: list[list[FieldList]] = []
        self.own_heading: list[bool] = []  # a page with a card panel shows its title itself
        self.editors: dict[str, FieldEditor] = {}
        # Opened from a card's summary («Sửa», «Nhập tay»): the page to come back to, and
        # whose card it is.
        self._return_to: tuple[int, str] | None = None
        self._waiting = list(self.plans)  # the plans whose page is not built yet
        if not ahead:
            self.finish()
        self.changed.connect(lambda _name: self._show_summaries())

    @property
    def building(self) -> bool:
        """Pages are left to build."""
        return bool(self._waiting)

    def build_one(self) -> bool:
        """Build the next page not built yet; False once every page is built."""
        if self._waiting:
            self.addWidget(self._page(self._waiting.pop(0), self._dock))
        return bool(self._waiting)

    def settle_one(self) -> bool:
        """Build the next list's picker ahead, on the window; False once all are."""
        for fields in self._all_lists():
            if fields.picks and not fields.picker_built:
                fields.picker.settle()
                return True
        return False

    def finish(self) -> None:
        while self.build_one():
            pass

    def _page(self, plan: PagePlan, dock: KeyboardDock) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.setSpacing(32)
        scans: list[CardScan] = []
        if plan.cards:
            lists = [self._person_column(column, card, dock, narrow=len(plan.columns) > 1)
                     for column, card in zip(plan.columns, plan.cards, strict=True)]
            share_scanner([scan for fields in lists for scan in fields.scans.values()],
                          self.values)
        else:
            # One «Quét thẻ căn cước» panel a page, across the top of both columns, filling
            # the fields of every column (and of the person's other pages: card_read goes
            # to all).
            marked = tuple(spec for spec in plan.fields if spec.card)
            # A person whose every field is optional says so once, in the page's title.
            optional_person = not any(spec.required for spec in plan.fields) and (
                "nếu có" in plan.title)
            lists = [FieldList(column, dock, self._open_camera, self._clock,
                               card_fields=marked if i == 0 else (),
                               mark_optional=not optional_person,
                               narrow=len(plan.columns) > 1)
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
            # Rows of long answers need more than half the width; the other column gives it.
            wide = any(room(spec) > 1 and not is_wide(spec) for spec in fields.specs)
            row.addWidget(fields, 3 if wide and len(lists) > 1 else 2)
        for editor in (e for fields in lists for e in fields.editors.values()):
            _watch(editor, self.changed.emit)
        self.lists.append(lists)
        return page

    def _person_column(self, fields: tuple[FormField, ...], card: tuple[FormField, ...],
                       dock: KeyboardDock, narrow: bool) -> FieldList:
        """One person's column: heading, «Quét thẻ», what the card gave, the other fields."""
        group = group_of(card[0]) if card else ""
        optional = not any(spec.required for spec in (*fields, *card))
        column = FieldList(fields, dock, self._open_camera, self._clock, card_fields=card,
                           mark_optional=not optional, summary=card, narrow=narrow, who=group,
                           optional=optional)
        column.summary_edit.connect(lambda: self.open_card(group))
        return column

    def open_card(self, group: str) -> None:
        """The editors of a person's card values, from «Sửa» / «Nhập tay» on its summary;
        «Tiếp tục» after them comes back here."""
        pages = [i for i, plan in enumerate(self.plans) if self._in_card_run(i, group)]
        if pages:
            origin = self.index
            self.turn(pages[0])
            self._return_to = (origin, group)

    def _in_card_run(self, index: int, group: str) -> bool:
        plan = self.plans[index] if 0 <= index <= self.last else None
        return plan is not None and plan.kind == "card" and plan.group == group

    def _show_summaries(self) -> None:
        values = self.values()
        for fields in self._all_lists():
            if fields.summary is not None:
                fields.summary.show_values(values)

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
        self._show_summaries()

    def turn(self, index: int) -> None:
        index = max(0, min(index, self.last))
        if self._return_to is not None and not self._in_card_run(index, self._return_to[1]):
            self._return_to = None
        self.setCurrentIndex(index)
        # This page's fields, and those a rule settles wherever they lie (the child's
        # ethnicity is known as soon as the parents' are, before its page is passed over).
        for page in {index, *(i for i, plan in enumerate(self.plans) if plan.kind == "settled")}:
            self._derive(page)
        self.turned.emit()

    def _derive(self, index: int) -> None:
        """The page's empty fields that others give a value (kiosk.domain.derive)."""
        values = self.values()
        for spec in self.plans[index].fields:
            if spec.derive_from and not values.get(spec.name, "").strip():
                value = derived_value(spec, values)
                if value:
                    self.list_of(spec.name).set_values({spec.name: value})

    def page_number(self) -> tuple[int, int]:
        """Which page this is, and of how many, counting the pages every resident sees
        (a passable page counts as part of the one before it)."""
        shown = [i for i, plan in enumerate(self.plans) if not plan.passable] or [0]
        return max(1, sum(1 for i in shown if i <= self.index)), len(shown)

    def next_page(self) -> int:
        """The page «Tiếp tục» leads to (past ``last`` when the step is done).  A passable
        page with nothing missing or wrong is passed over, and so is the rest of a person
        whose fields are all optional and whose earlier pages were left empty (the father
        not declared).  After a card's editors opened from its summary: back to it."""
        index = self.index + 1
        if self._return_to is not None:
            origin, group = self._return_to
            while self._in_card_run(index, group) and self._passed_over(index):
                index += 1
            return index if self._in_card_run(index, group) else origin
        while index <= self.last and self._passed_over(index):
            index += 1
        return index

    def last_shown(self) -> int:
        """The last page «Tiếp tục» would show, passable pages with nothing to do passed."""
        index = self.last
        while index > 0 and self._passed_over(index):
            index -= 1
        return index

    def previous_page(self) -> int:
        """The page «Quay lại» leads to (-1 before the first): the way «Tiếp tục» came."""
        index = self.index - 1
        if self._return_to is not None and not self._in_card_run(index, self._return_to[1]):
            return self._return_to[0]
        while index >= 0 and self._passed_over(index):
            index -= 1
        return index

    def _passed_over(self, index: int) -> bool:
        plan = self.plans[index]
        if plan.passable:
            self._derive(index)
            values = self.values()
            names = {spec.name for spec in plan.fields}
            _cleaned, problems = validate_form(self._specs, values, self._clock())
            return not any(error.field in names for error in problems.errors)
        group = plan.group

        def of_person(plans: Sequence[PagePlan]) -> list[FormField]:
            return [spec for p in plans for spec in (*p.fields, *p.summarised)
                    if group and group_of(spec) == group]

        person, earlier = of_person(self.plans), of_person(self.plans[:index])
        if not earlier or any(spec.required for spec in person):
            return False
        values = self.values()
        return not any(values.get(spec.name, "").strip() for spec in earlier)

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
        self._show_summaries()

    def show_problems(self, problems: Problems, only: str | None = None) -> None:
        for fields in self._all_lists():
            if only is None or only in fields.editors:
                fields.show_problems(problems, only=only)
            if fields.summary is not None:
                _summary_problem(fields.summary, problems, only)

    def show_page_problems(self, problems: Problems) -> bool:
        """This page's messages under its fields; True when it has any."""
        names = {spec.name for spec in self.plan.fields}
        for fields in self.lists[self.index]:
            fields.show_problems(problems)
            if fields.summary is not None:
                _summary_problem(fields.summary, problems, None)
        return any(error.field in names for error in problems.errors)

    def first_page_with(self, problems: Problems) -> int | None:
        wrong = {error.field for error in problems.errors}
        return next((i for i, p in enumerate(self.plans) if wrong & {s.name for s in p.fields}),
                    None)

    def clear(self) -> None:
        for fields in self._all_lists():
            fields.clear()
        self._return_to = None
        self.turn(0)
        self._show_summaries()

    def _all_lists(self) -> list[FieldList]:
        return [fields for page in self.lists for fields in page]


def _summary_problem(summary: CardSummary, problems: Problems, only: str | None) -> None:
    """A message about a card value given and wrong, under the card's summary (its field
    is on another page); an empty card is said by the summary itself."""
    names = {spec.name for spec in summary.fields}
    if only is not None and only not in names:
        return
    wrong = [e for e in problems.errors if e.field in names and summary.has_value(e.field)]
    summary.show_problem(wrong[0].message if wrong else "")


def _watch(editor: FieldEditor, changed: Callable[[str], None]) -> None:
    """``changed(name)`` whenever the field's value may have changed."""
    name = editor.spec.name
    inner = editor.editor
    if inner is not None:
        inner.textChanged.connect(lambda *_: changed(name))
    for button in editor.choices.values():
        button.toggled.connect(lambda *_: changed(name))
