"""Every tap answered: tap → next screen painted, over a whole birth registration.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_taps            # 1366×768
    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_taps --json
    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_taps --runs 3

The grandmother of ``benchmarks.bench_walk`` registers her grandson's birth in
the real window (the same walk, the same finger, imported from
``benchmarks.walk_finger``), and every tap she makes is timed:

* a tap's time runs from the moment before the synthesized press (and the swipe
  that brings the widget into view, if any) to the moment the window has
  finished painting the answer: the end of the first paint of the window after
  the tap, or — when the tap changes the screen or the page — the end of the
  first paint that shows the new screen or page.  Only a paint that ends after
  the release has been handled counts (QTest's click runs the event loop
  between press and release: the button's pressed look is not the answer).  The paint is timed by
  handling the window's ``UpdateRequest`` (in which Qt paints every dirty
  widget of the window and flushes it) inside an event filter;
* a card held under the USB reader is timed the same way, from its first key;
* a key of the on-screen keyboard or number pad is a tap like any other.

Alongside, a 5 ms heartbeat on the GUI thread records every stall longer than
50 ms (the thread busy with one thing: a tap's work, a timer, a camera frame
handled there), with the screen shown, so that slow work started by a tap and
finished later on the GUI thread shows up too.

The target (issue 13): the 95th percentile of all taps under 100 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from benchmarks.walk_finger import CountingFinger

TARGET_P95_MS = 100.0
STALL_MS = 50.0
HEARTBEAT_MS = 5
ANSWER_TIMEOUT_S = 30.0


class TimedWalker(Protocol):
    """The finger of the walk, timing every tap (built by ``_timing_finger_class``)."""

    taps: list[Tap]
    stalls: list[Stall]

    def start_timing(self, profile_ms: float | None) -> None: ...
    def stop_timing(self) -> None: ...
    def close(self) -> None: ...


class TimedWalkerClass(Protocol):
    def on_new_kiosk(self, app: QApplication, folder: Path, width: int, height: int
                     ) -> TimedWalker: ...


@dataclass
class Tap:
    kind: str  # "tap", "key" (on-screen keyboard or pad), "card" (USB reader)
    label: str
    before: str
    after: str
    ms: float


@dataclass
class Stall:
    ms: float
    screen: str
    during: str  # the last tap before it


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--size", default="1366x768", help="the window, WIDTHxHEIGHT")
    parser.add_argument("--runs", type=int, default=1, help="walks, their taps pooled")
    parser.add_argument("--profile", type=float, metavar="MS",
                        help="profile every tap; print where a tap slower than MS spent it")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    taps: list[Tap] = []
    stalls: list[Stall] = []
    for _ in range(args.runs):
        run_taps, run_stalls = walk(width, height, args.profile)
        taps += run_taps
        stalls += run_stalls
    figures = report(taps, stalls, args.runs)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print_table(taps, stalls, figures, args.size)
    return 0


def report(taps: list[Tap], stalls: list[Stall], runs: int) -> dict[str, Any]:
    every = [tap.ms for tap in taps]
    moves = [tap.ms for tap in taps if tap.before != tap.after]
    figures: dict[str, Any] = {"runs": runs, "taps": len(every), "transitions": len(moves)}
    for name, values in (("taps", every), ("transitions", moves)):
        figures[f"{name}_p50_ms"] = round(statistics.median(values), 1)
        figures[f"{name}_p95_ms"] = round(percentile(values, 0.95), 1)
        figures[f"{name}_max_ms"] = round(max(values), 1)
    figures["target_p95_ms"] = TARGET_P95_MS
    figures["met"] = figures["taps_p95_ms"] < TARGET_P95_MS
    figures["stalls_over_50_ms"] = len(stalls)
    figures["stall_max_ms"] = round(max((s.ms for s in stalls), default=0.0), 1)
    figures["transition_list"] = [asdict(tap) for tap in taps if tap.before != tap.after]
    figures["slowest_taps"] = [asdict(tap) for tap in sorted(taps, key=lambda t: -t.ms)[:10]]
    figures["stall_list"] = [asdict(s) for s in sorted(stalls, key=lambda s: -s.ms)[:15]]
    return figures


def print_table(taps: list[Tap], stalls: list[Stall], figures: dict[str, Any],
                size: str) -> None:
    print(f"Tap → next screen painted, birth registration, window {size}, "
          f"{figures['runs']} walk(s)")
    print(f"  {'ms':>7}  {'kind':<4}  {'tap':<28}  screen")
    for tap in taps:
        if tap.before != tap.after:
            print(f"  {tap.ms:7.1f}  {tap.kind:<4}  {tap.label[:28]:<28}  "
                  f"{tap.before} → {tap.after}")
    print("  slowest taps on the same screen:")
    for tap in sorted((t for t in taps if t.before == t.after), key=lambda t: -t.ms)[:8]:
        print(f"  {tap.ms:7.1f}  {tap.kind:<4}  {tap.label[:28]:<28}  {tap.before}")
    for name in ("taps", "transitions"):
        p50, p95, top = (figures[f"{name}_{k}_ms"] for k in ("p50", "p95", "max"))
        print(f"  {name:<11} n={figures[name]:<3} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms"
              f"   max {top:6.1f} ms")
    verdict = "ok" if figures["met"] else "OVER"
    print(f"  target: p95 of all taps < {TARGET_P95_MS:g} ms: {verdict}")
    print(f"  GUI-thread stalls over {STALL_MS:g} ms: {len(stalls)}")
    for stall in sorted(stalls, key=lambda s: -s.ms)[:10]:
        print(f"  {stall.ms:7.1f}  on {stall.screen}, after {stall.during}")


def walk(width: int, height: int, profile_ms: float | None = None
         ) -> tuple[list[Tap], list[Stall]]:
    """The grandmother's walk in the real window, every tap timed."""
    from PySide6.QtWidgets import QApplication

    from benchmarks.walk_finger import grandmother_registers_a_birth

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    finger_class = _timing_finger_class()
    with tempfile.TemporaryDirectory(prefix="kiosk-taps-") as folder:
        finger = finger_class.on_new_kiosk(app, Path(folder), width, height)
        try:
            finger.start_timing(profile_ms)
            grandmother_registers_a_birth(cast("CountingFinger", finger))
        finally:
            finger.stop_timing()
            finger.close()
        return finger.taps, finger.stalls


def _timing_finger_class() -> TimedWalkerClass:
    """``TimingFinger``, built once Qt may be imported (the platform chosen)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    from benchmarks.walk_finger import CountingFinger, _inside_key_panel
    from tests.support.touch import Finger, pause

    class PaintClock(QObject):
        """Times the end of each paint of the window, with the screen it showed."""

        def __init__(self, finger: TimingFinger) -> None:
            super().__init__()
            self.finger = finger
            self.paints: list[tuple[float, str]] = []

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() != QEvent.Type.UpdateRequest or not isinstance(watched, QWidget):
                return False
            watched.event(event)  # Qt paints the window's dirty widgets and flushes
            self.paints.append((time.perf_counter(), self.finger.screen_name()))
            return True

    class Delivered(Finger):
        """Between ``CountingFinger`` and ``Finger``: the moment the release (or the card's
        Enter) has been handled.  QTest's click runs the event loop between press and
        release, so a paint may come before the tap's answer: it does not count."""

        delivered = 0.0

        def tap(self, widget: QWidget) -> None:
            super().tap(widget)
            self.delivered = time.perf_counter()

        def scanner(self, text: str) -> None:
            super().scanner(text)
            self.delivered = time.perf_counter()

    class TimingFinger(CountingFinger, Delivered):
        taps: list[Tap]
        stalls: list[Stall]

        def start_timing(self, profile_ms: float | None) -> None:
            self.taps, self.stalls = [], []
            self._profile_ms = profile_ms
            self._doing = "the start"
            self._clock = PaintClock(self)
            self.window.installEventFilter(self._clock)
            self._last_beat = time.perf_counter()
            self._heart = QTimer()
            self._heart.setInterval(HEARTBEAT_MS)
            self._heart.timeout.connect(self._beat)
            self._heart.start()

        def stop_timing(self) -> None:
            self._heart.stop()
            self.window.removeEventFilter(self._clock)

        def _beat(self) -> None:
            now = time.perf_counter()
            gap = (now - self._last_beat) * 1000 - HEARTBEAT_MS
            if gap > STALL_MS and not getattr(self, "_reading", False):
                self.stalls.append(Stall(round(gap, 1), self.screen_name(), self._doing))
            self._last_beat = now

        def look(self) -> None:
            """What the finger reads is its own work, not the kiosk's: after the tap is timed,
            and not counted as a stall."""
            if getattr(self, "_timing", False):
                self._look_pending = True
                return
            super().look()
            self._last_beat = time.perf_counter()

        def read_through(self, screen: QWidget) -> None:
            self._reading = True  # her swipes down the review: the finger counts words
            try:
                super().read_through(screen)
            finally:
                self._reading = False
                self._last_beat = time.perf_counter()

        def tap(self, widget: QWidget) -> None:
            kind = "key" if _inside_key_panel(widget) else "tap"
            label = (getattr(widget, "text", lambda: "")() or widget.objectName()
                     or type(widget).__name__)
            self._timed(kind, " ".join(str(label).split()), lambda: super(TimingFinger, self)
                        .tap(widget))

        def show_card(self, payload: str) -> None:
            self._timed("card", "card " + payload.split("|")[2],
                        lambda: super(TimingFinger, self).show_card(payload))

        def _timed(self, kind: str, label: str, act: Any) -> None:
            if not hasattr(self, "_clock"):
                act()
                return
            before = self.screen_name()
            self._doing = label
            profiler = cProfile.Profile() if self._profile_ms is not None else None
            if profiler is not None:
                profiler.enable()
            paints = self._clock.paints
            seen = len(paints)
            self._timing, self._look_pending = True, False
            start = time.perf_counter()
            act()  # the press and release, then the finger's short pause
            after = self.screen_name()
            deadline = time.perf_counter() + ANSWER_TIMEOUT_S
            answers = [p for p in paints[seen:] if p[0] > self.delivered]
            while not _answer(answers, after, before):
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"no paint after the tap on {label!r}")
                pause(5)
                answers = [p for p in paints[seen:] if p[0] > self.delivered]
            end = _answer(answers, after, before)
            assert end is not None
            self._timing = False
            if self._look_pending:
                self.look()
            tap = Tap(kind, label, before, after, round((end - start) * 1000, 1))
            self.taps.append(tap)
            if profiler is not None:
                profiler.disable()
                if tap.ms > (self._profile_ms or 0):
                    print(f"--- {tap}", file=sys.stderr)
                    pstats.Stats(profiler, stream=sys.stderr).sort_stats(
                        "cumulative").print_stats(25)

    return TimingFinger  # type: ignore[return-value]


def _answer(paints: list[tuple[float, str]], after: str, before: str) -> float | None:
    """When the answer was painted: the first paint, or the first showing ``after``."""
    for moment, screen in paints:
        if after == before or screen == after:
            return moment
    return None


if __name__ == "__main__":
    sys.exit(main())
