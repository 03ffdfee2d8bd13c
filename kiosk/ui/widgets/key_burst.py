"""What a keyboard-mode QR scanner types: characters faster than anyone types, then Enter.

The applicant step and the parents' «Quét thẻ căn cước» panels both tell a scanner's
burst from a resident's typing with this one rule.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# A scanner types a character every few milliseconds; a person, every 100 ms or more.
BURST_GAP_SECONDS = 0.08
SCANNER_SECONDS_PER_CHAR = 0.03
# The card's QR has seven "|"-separated fields.  A long burst without them is
# still a scanner (another code, held up by mistake): it gets the parser's answer.
MIN_SEPARATORS = 5
MIN_SCAN_CHARS = 20


class KeyBurst:
    """Characters arriving faster than anyone types: what a keyboard-mode scanner sends."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._chars: list[str] = []
        self._first = self._last = float("-inf")

    def add(self, char: str) -> bool:
        """Record one typed character; True when it starts a new burst."""
        now = self._clock()
        fresh = now - self._last > BURST_GAP_SECONDS
        if fresh:
            self._chars, self._first = [], now
        self._chars.append(char)
        self._last = now
        return fresh

    def finish(self) -> str | None:
        """At Enter: the burst's text if a scanner typed it, else None; starts over."""
        text = "".join(self._chars)
        going = self._clock() - self._last <= BURST_GAP_SECONDS
        pace = (self._last - self._first) / max(len(text) - 1, 1)
        self._chars, self._first, self._last = [], float("-inf"), float("-inf")
        if not going or len(text) < MIN_SCAN_CHARS:
            return None
        if text.count("|") >= MIN_SEPARATORS or pace <= SCANNER_SECONDS_PER_CHAR:
            return text
        return None
