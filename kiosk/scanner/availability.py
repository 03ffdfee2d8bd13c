"""Is a flatbed scanner there?  Asked of SANE off the GUI thread, remembered for a while.

``scanimage -L`` can take seconds (USB enumeration, network backends), so the
Documents step never waits for it: the answer is probed on the background
runner with the scanner's own listing timeout, and kept for ``ttl`` seconds
so every resident does not pay for a probe.  Until the first answer arrives
the scanner is taken as absent: a button that appears later is added at the
end of its row, where it moves nothing under a finger.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.scanner.errors import CaptureError
from kiosk.scanner.sane import Scanner

PROBE_TTL = 300.0  # seconds: a scanner plugged in shows up within five minutes


def probe_scanner(factory: Callable[[], Scanner]) -> bool:
    """True when the scanner lists at least one device (runs on the runner).

    A missing ``scanimage``, a driver that does not answer in time, or one that
    fails: all mean "no scanner to offer", never an error for the resident.
    """
    try:
        return bool(factory().list_devices())
    except (CaptureError, OSError):
        return False


class ScannerAvailability:
    """The last probe's answer and when it was given; stale after ``ttl`` seconds."""

    def __init__(self, *, ttl: float = PROBE_TTL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._answer: bool | None = None
        self._at = 0.0
        self.probing = False  # a probe is under way: do not start another

    @property
    def present(self) -> bool:
        """The last answer (False before any)."""
        return bool(self._answer)

    def stale(self) -> bool:
        return self._answer is None or self._clock() - self._at >= self._ttl

    def record(self, present: bool) -> None:
        self._answer = present
        self._at = self._clock()
        self.probing = False

    def forget(self) -> None:
        """A scan found no device after all: ask again next time."""
        self._answer = None
        self.probing = False
