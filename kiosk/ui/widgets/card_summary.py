"""What a person's citizen ID card gave, read back in a few lines instead of five fields.

The kiosk fills a person's name, birth, ID number, residence and nationality from
the QR code of their card; the resident only has to see that it is right.  So a
page shows those values as short lines under the person's name, with «Sửa» to
change them (their editors lie on a page of their own, shown only when asked for
or when something is missing).  Before a card is read it says so, and «Nhập tay»
opens the same page for someone who has no card with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QPushButton

from kiosk.domain.forms import NAME_PATTERN, FormField
from kiosk.ui.widgets.basics import plain_label

TEXTS = {
    "empty": "Chưa quét thẻ.",
    "empty_optional": "Chưa quét thẻ. Không khai {who} thì để trống.",
    "type": "Nhập tay",
    "change": "Sửa",
    "line": "{label}: {value}",
    "pair": "{one} · {other}",
    "problem": "{message} Chạm «Sửa».",
}
SHORT_LINE = 22  # characters: two such lines fit on one line of half the page


def short_label(spec: FormField, who: str = "") -> str:
    """The field's label without the person it is about ("Năm sinh của mẹ" → "Năm sinh"),
    where the person is already said above it."""
    text = spec.label
    for ending in (f" của {who.lower()}", f" của {spec.group.lower()}"):
        if ending.strip() != "của" and text.endswith(ending):
            return text[: -len(ending)]
    return text


class CardSummary(QFrame):
    """A person's card values in short lines; ``edit_requested`` for «Sửa» / «Nhập tay»."""

    edit_requested = Signal()

    def __init__(self, fields: Sequence[FormField], who: str = "", optional: bool = False
                 ) -> None:
        """``who``: the person ("Mẹ"); ``optional``: a person who may be left out."""
        super().__init__()
        self.setObjectName("cardSummary")
        self.fields, self._who = tuple(fields), who
        self._values: dict[str, str] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(2)
        self.name = plain_label("", "fieldLabel")  # the person's name stands out
        self.empty = plain_label(TEXTS["empty"], "muted")
        self.lines = plain_label("", "body")
        self.button = QPushButton(TEXTS["type"])
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(lambda _=False: self.edit_requested.emit())
        # The button beside the first line (or beside «Quét thẻ», where the column puts it):
        # the page keeps its height for the fields.
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.empty, 0, 0)
        grid.addWidget(self.button, 0, 1, Qt.AlignmentFlag.AlignTop)
        if optional:
            self.empty.setText(TEXTS["empty_optional"].format(who=who.lower()))
        grid.addWidget(self.lines, 1, 0, 1, 2)
        self.problem = plain_label("", "message")  # a card value to correct: «Sửa»
        grid.addWidget(self.problem, 2, 0, 1, 2)
        self.problem.hide()
        grid.setColumnStretch(0, 1)
        self.show_values({})

    def show_problem(self, message: str) -> None:
        """The first message about one of the card's values, under them ("" for none)."""
        self.problem.setText(TEXTS["problem"].format(message=message) if message else "")
        self.problem.setVisible(bool(message))

    def known(self, values: Mapping[str, str]) -> list[tuple[FormField, str]]:
        """The values given, a default left as it is not counted as given."""
        given = [(spec, values.get(spec.name, "").strip()) for spec in self.fields]
        return [(spec, value) for spec, value in given if value and value != spec.default]

    def has_value(self, name: str) -> bool:
        return bool(self._values.get(name, "").strip())

    def show_values(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        known = self.known(values)
        names = [value for spec, value in known if _is_name(spec)]
        rest = [TEXTS["line"].format(label=short_label(spec, self._who), value=value)
                for spec, value in known if not _is_name(spec)]
        defaults = [TEXTS["line"].format(label=short_label(spec, self._who), value=spec.default)
                    for spec in self.fields if spec.default
                    and values.get(spec.name, "").strip() == spec.default]
        self.name.setText(names[0] if names else "")
        self.lines.setText("\n".join(paired_lines(rest + (defaults if known else []))))
        self.name.setVisible(bool(names))
        self.lines.setVisible(bool(self.lines.text()))
        self.empty.setVisible(not known)
        self.button.setText(TEXTS["change"] if known else TEXTS["type"])


def _is_name(spec: FormField) -> bool:
    return spec.type == "name" or spec.pattern == NAME_PATTERN


def paired_lines(lines: list[str]) -> list[str]:
    """Short lines two to a line, first ("Năm sinh: 1995 · Quốc tịch: Việt Nam"), then the
    long ones: fewer lines, so the page keeps its height for the fields."""
    short = [line for line in lines if len(line) <= SHORT_LINE]
    pairs = [TEXTS["pair"].format(one=one, other=other)
             for one, other in zip(short[::2], short[1::2], strict=False)]
    alone = short[-1:] if len(short) % 2 else []
    return [*pairs, *alone, *(line for line in lines if len(line) > SHORT_LINE)]
