"""«Xem thêm»: a short line the resident reads, and its long explanation shown in place.

An elderly resident reads slowly, so a screen carries only what she needs to
decide; a long note (a document's conditions, a time limit's exceptions, a
fee's rule) waits behind a touch button beside its line.  A tap shows the note
under the line and the button says «Thu gọn»; another tap hides it again.  The
button keeps one width for both words, so the line beside it never re-wraps.
In a scrolling page, ``KeepInView`` scrolls an opened note into sight: a tap on
the last line must not seem to do nothing because its note opened below the fold.

``brief`` splits a catalogue name such as "Văn bản ủy quyền (nếu nộp hồ sơ thay
người khác)" into the name to show and the aside to keep behind the tap.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QScrollArea, QWidget

from kiosk.ui.widgets.basics import plain_label, touch_button

TEXTS = {
    "more": "Xem thêm",
    "less": "Thu gọn",
}

# A name's closing remark in brackets: "Giấy chứng sinh (hoặc …)".
_ASIDE = re.compile(r"^(?P<name>.*\S)\s*\((?P<aside>[^()]*\S[^()]*)\)\s*$", re.DOTALL)


def brief(name: str) -> tuple[str, str]:
    """``name`` without a closing remark in brackets, and that remark as a sentence."""
    found = _ASIDE.match(name)
    if found is None or found["name"].count("(") != found["name"].count(")"):
        return name, ""  # none, or the last of nested brackets: the name stays whole
    aside = found["aside"].strip()
    return found["name"], sentence(aside)


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop, as a note of its own."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def joined(*notes: str) -> str:
    """Several notes as one paragraph; empty ones left out."""
    return " ".join(sentence(note) for note in notes if note.strip())


class MoreText(QWidget):
    """``text`` in ``style``, and when ``more`` is given, «Xem thêm» beside it."""

    toggled = Signal(bool)  # shown or not

    def __init__(self, text: str, more: str = "", style: str = "body",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("moreText")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        self.line = plain_label(text, style)
        self.line.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        grid.addWidget(self.line, 0, 0, Qt.AlignmentFlag.AlignVCenter)
        self.button = touch_button(TEXTS["more"], "more", self.toggle)
        self.button.setCheckable(True)  # so the style sheet marks it while open
        grid.addWidget(self.button, 0, 1, Qt.AlignmentFlag.AlignTop)
        self.more = plain_label(more, "muted")
        self.more.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.more.hide()
        grid.addWidget(self.more, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.button.setVisible(bool(more.strip()))
        self._open = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._keep_width()  # polished by now: the style sheet's font and padding are known

    def _keep_width(self) -> None:
        """As wide as the wider of its two words, whichever it shows."""
        metrics = self.button.fontMetrics()
        words = max(metrics.horizontalAdvance(TEXTS[key]) for key in ("more", "less"))
        shown = metrics.horizontalAdvance(self.button.text())
        self.button.setMinimumWidth(self.button.sizeHint().width() - shown + words)

    @property
    def has_more(self) -> bool:
        return not self.button.isHidden()

    def is_open(self) -> bool:
        return self._open

    def toggle(self) -> None:
        self.set_open(not self._open)

    def set_open(self, open_: bool) -> None:
        if not self.has_more:
            return
        self._open = open_
        self.more.setVisible(open_)
        self.button.setChecked(open_)
        self.button.setText(TEXTS["less" if open_ else "more"])
        self.toggled.emit(open_)


class KeepInView(QObject):
    """Scrolls ``scroller`` to a ``MoreText`` just opened, once the page has grown for it."""

    def __init__(self, scroller: QScrollArea) -> None:
        super().__init__(scroller)
        self._scroller = scroller
        self._opened: MoreText | None = None
        # The page is resized, and the range set, after the layout has placed the note.
        scroller.verticalScrollBar().rangeChanged.connect(self._grown)

    def watch(self, toggle: MoreText) -> None:
        toggle.toggled.connect(lambda shown: self._toggled(toggle, shown))

    def forget(self) -> None:
        """The rows are going (the page is built anew): nothing to scroll to."""
        self._opened = None

    def _toggled(self, toggle: MoreText, shown: bool) -> None:
        self._opened = toggle if shown else None

    def _grown(self, _low: int, _high: int) -> None:
        if self._opened is not None:
            self._scroller.ensureWidgetVisible(self._opened, 0, 0)
            self._opened = None
