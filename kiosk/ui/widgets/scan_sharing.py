"""Two people's «Quét thẻ căn cước» panels on one page, sharing one USB scanner.

A hand-held scanner types a card's QR text into whatever has the keys; on a page
with two panels (the mother and the father side by side) the card goes to the
panel last tapped, else to the first person without a card read, and the
panel that took it makes the others forget the keys they saw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from kiosk.ui.widgets.card_scan import CardScan


def share_scanner(scans: list[CardScan], values: Callable[[], Mapping[str, str]]) -> None:
    """Two people's panels on one page: a USB scanner's card goes to the one last
    tapped, else to the first person without a card read (``values``: the page's now)."""
    for scan in scans:
        scan.takes_burst = partial(_is_burst_target, scan, scans, values)
        scan.button.clicked.connect(lambda _=False, scan=scan: _only_tapped(scan, scans))
        # The panel that took a card stops the Enter: the others forget its keys.
        scan.read.connect(lambda _values, scan=scan: _forget_elsewhere(scan, scans))


def _is_burst_target(scan: CardScan, scans: list[CardScan],
                     values: Callable[[], Mapping[str, str]]) -> bool:
    return _burst_target(scans, values) is scan


def _burst_target(scans: list[CardScan], values: Callable[[], Mapping[str, str]]
                 ) -> CardScan | None:
    """The panel a scanned card goes to now."""
    tapped = [scan for scan in scans if scan.tapped]
    now = values()
    unread = [scan for scan in scans
              if not any(now.get(spec.name, "").strip() not in ("", spec.default)
                         for spec in scan.fields)]
    return next(iter(tapped or unread or scans), None)


def _forget_elsewhere(reader: CardScan, scans: list[CardScan]) -> None:
    for scan in scans:
        if scan is not reader:
            scan.forget_keys()


def _only_tapped(tapped: CardScan, scans: list[CardScan]) -> None:
    for scan in scans:
        scan.tapped = scan is tapped
