"""Page turning for a step whose fields lie on short pages (``FormPages``).

«Tiếp tục» shows the page's messages or turns to the next page, passing over
what needs nothing; «Quay lại» turns back the way it came.  The applicant step
and the procedure's form share it (``PageTurning``, mixed into each screen).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from kiosk.domain.errors import Problems
from kiosk.domain.forms import FormField, validate_form
from kiosk.ui.screens.form_pages import FormPages
from kiosk.ui.widgets.dock import KeyboardDock


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
        previous = self.fields.previous_page()
        if previous < 0:
            return False
        self.dock.close_keyboard()
        self.fields.turn(previous)
        return True

    def turn_to_end(self) -> None:
        """Back from the next step: the last page «Tiếp tục» showed."""
        self.fields.turn(self.fields.last_shown())

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
