"""A first-time resident's walk, counted: taps, keyboard taps, screens, estimated time.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_walk            # 1366×768
    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_walk --json
    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_walk --size 1920x1080

A grandmother registers her grandson's birth.  She brings her own citizen ID
card, her daughter's (the mother's) card and the birth certificate from the
health station; the father is not declared.  Every step goes through the real
window of the kiosk (``build_window`` on a throw-away data dir, shown at the
given size) with the finger the tests use (``tests/support/touch.Finger``): a
tap lands in the middle of a visible widget, a key on the on-screen keyboard
or number pad is a keyboard tap, a card held under the USB QR reader is a card
shown, the birth certificate is photographed by the camera (a video of a page
on a desk stands in for it) and taken by auto-capture.

What is counted:

* ``taps`` — every tap that is not a key of the on-screen keyboard or pad, and
  every swipe needed first to bring a button into view or to read the review to
  its end (also shown as ``swipes``);
* ``keyboard_taps`` — every key of the keyboard or pad, «Xong» included;
* ``screens`` — the distinct screens seen, a page of a step counting as one;
* ``words_read`` — the words shown on each new screen (labels and buttons in
  view, the keyboard's keys left out), each text read once: a text seen before
  («Tiếp tục», «Gọi cán bộ hỗ trợ», a document's name shown again) is recognised,
  not read again, and text scrolled out of view or behind a tap («Xem thêm») is
  not read unless she opens it;
* ``estimated_seconds`` — a slow user: 3 s a tap, 1.5 s a key, 3 s to hold a
  card under the reader, and reading at 150 words a minute.

The targets (issue 10) are printed beside the figures: at most 30 taps, 40
keyboard taps, 12 screens and 3 minutes.  The walk is the resident's, not the
code's: it taps what she would see and fails loudly when the kiosk asks for
something she would not know how to give.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SECONDS_PER_TAP = 3.0
SECONDS_PER_KEY = 1.5
SECONDS_PER_CARD = 3.0
WORDS_PER_MINUTE = 150
TARGETS = {"taps": 30, "keyboard_taps": 40, "screens": 12, "estimated_seconds": 180}

GRANDMOTHER = ("030160004567||Nguyễn Thị Lan|12031960|Nữ|"
               "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng|15082021")
MOTHER = ("030195012345||Trần Thị Ánh|08031995|Nữ|"
          "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng|15082021")
PHONE = "0912345678"
CHILD_BORN = "20112026"  # four days before the test clock's today


@dataclass
class Count:
    taps: int = 0
    keyboard_taps: int = 0
    cards_shown: int = 0
    swipes: int = 0  # counted in taps too: a swipe to bring a button into view
    screens: list[str] = field(default_factory=list)
    words_read: int = 0
    words_by_screen: dict[str, int] = field(default_factory=dict)

    def estimated_seconds(self) -> float:
        return round(self.taps * SECONDS_PER_TAP + self.keyboard_taps * SECONDS_PER_KEY
                     + self.cards_shown * SECONDS_PER_CARD
                     + self.words_read * 60 / WORDS_PER_MINUTE, 1)

    def seconds_by_kind(self) -> dict[str, float]:
        """The estimate's parts: tapping, typing, holding cards, reading."""
        return {"taps": self.taps * SECONDS_PER_TAP, "keys": self.keyboard_taps * SECONDS_PER_KEY,
                "cards": self.cards_shown * SECONDS_PER_CARD,
                "reading": round(self.words_read * 60 / WORDS_PER_MINUTE, 1)}

    def report(self) -> dict[str, Any]:
        figures = asdict(self) | {"screens": len(self.screens), "screen_names": self.screens,
                                  "estimated_seconds": self.estimated_seconds(),
                                  "seconds_by_kind": self.seconds_by_kind()}
        figures["targets"] = TARGETS
        figures["met"] = {k: figures[k] <= limit for k, limit in TARGETS.items()}
        return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--size", default="1366x768", help="the window, WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    count = walk(width, height)
    figures = count.report()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print_table(figures, args.size)
    return 0


def print_table(figures: dict[str, Any], size: str) -> None:
    print(f"Birth registration by a grandmother, first time, window {size}")
    for key, limit in TARGETS.items():
        verdict = "ok" if figures["met"][key] else "OVER"
        print(f"  {key:<18} {figures[key]:>7}   target ≤ {limit:<4} {verdict}")
    for key in ("swipes", "cards_shown"):
        print(f"  {key:<18} {figures[key]:>7}")
    print(f"  {'words_read':<18} {figures['words_read']:>7}")
    print("  seconds: " + ", ".join(f"{kind} {seconds:g}"
                                    for kind, seconds in figures["seconds_by_kind"].items()))
    print("  screens (words shown): " + " → ".join(
        f"{name} ({figures['words_by_screen'][name]})" for name in figures["screen_names"]))


def walk(width: int, height: int) -> Count:
    """The walk in the real window; its counts."""
    from PySide6.QtWidgets import QApplication

    from benchmarks.walk_finger import CountingFinger, grandmother_registers_a_birth

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="kiosk-walk-") as folder:
        finger: CountingFinger = CountingFinger.on_new_kiosk(app, Path(folder), width, height)
        try:
            grandmother_registers_a_birth(finger)
        finally:
            finger.close()
        return finger.count


if __name__ == "__main__":
    sys.exit(main())
