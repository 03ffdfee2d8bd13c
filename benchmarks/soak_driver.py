"""The soak benchmark's child process: a real ``kiosk run --demo`` with a finger on it.

    python -m benchmarks.soak_driver --data-dir D --config C --usb U --samples S.jsonl \\
        [--dossiers 100] [--minutes 20]

``run_kiosk`` is called as ``kiosk run --demo`` calls it (``kiosk.cli_handlers.cmd_run``);
its ``on_ready`` hook hands the shown window to a ``Day``, which taps one
resident's visit after another with the touch helpers of the tests
(``tests/support``), each visit started by a QTimer from the application's own
event loop.  The camera is the demo camera (no webcam here): it previews on the
applicant step (the card fills the fields), on the documents step (pages taken
by auto-capture), on Track, and while a resident who walked away waits for the
idle wipe; the residents linger on those screens so that the camera previews
for most of the run.  The process samples itself (memory, threads, descriptors,
reference counts) into a JSON-lines file that ``benchmarks.bench_soak`` reads.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import sys
import threading
import time
import traceback
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from benchmarks.bench_soak import proc_figures
from kiosk.app import run_kiosk
from kiosk.demo.synthetic import SAMPLE_CCCD_PAYLOAD
from kiosk.services import resolve_runtime
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from tests.support import residents
from tests.support.touch import Finger, assert_nothing_left

CARD_NAME = SAMPLE_CCCD_PAYLOAD.split("|")[2]  # the demo camera's card
SAMPLE_MS = 10_000
PREVIEW_TICK_MS = 500
NATURAL_PREVIEW_GUESS_S = 10.0  # preview a visit gives by itself, until one is measured
MAX_DWELL_MS = 60_000
CAMERA_THREADS = frozenset({"camera", "page-camera"})
TRACE_FRAMES = 8
FAILED = 3


class Samples:
    """The JSON-lines file the parent reads: one object a line, flushed as written."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("a", encoding="utf-8")
        self._started = time.monotonic()

    def write(self, kind: str, **fields: Any) -> None:
        record = {"kind": kind, "at": time.time(),
                  "t": round(time.monotonic() - self._started, 2), **fields}
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def native_heap() -> dict[str, int]:
    """glibc's malloc, in kB: held by the program (``used``) and kept free inside its
    arenas (``free``).  Growth of ``used`` is a leak; of ``free`` only, fragmentation."""
    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (AttributeError, OSError):  # not glibc, or older than 2.33
        return {}
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return {"heap_used_kb": (info.uordblks + info.hblkhd) // 1024,
            "heap_free_kb": info.fordblks // 1024}


def fd_targets() -> list[str]:
    """What this process's descriptors point at (sockets and pipes by kind only)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone by now
            target = os.readlink(f"/proc/self/fd/{fd}")
            found.append(target.split(":")[0] if target.startswith(("socket:", "pipe:"))
                         else target)
    return sorted(found)


def references() -> dict[str, int]:
    return {"True": sys.getrefcount(True), "False": sys.getrefcount(False),
            "None": sys.getrefcount(None)}


class PreviewClock(QObject):
    """Seconds during which a camera preview really reached the screen."""

    def __init__(self, navigator: Navigator) -> None:
        super().__init__(navigator)
        self.seconds = 0.0
        self.frames = 0
        self._seen = 0
        for camera in _cameras(navigator):
            camera.preview.connect(self._frame)
        self._timer = QTimer(self)
        self._timer.setInterval(PREVIEW_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _frame(self, _image: object) -> None:
        self.frames += 1

    def _tick(self) -> None:
        if self.frames != self._seen:
            self.seconds += PREVIEW_TICK_MS / 1000
            self._seen = self.frames


def _cameras(navigator: Navigator) -> list[Any]:
    applicant = residents.applicant(navigator).camera
    capture = residents.documents(navigator).capture
    found = [navigator.track_flow.camera, applicant, capture.camera if capture else None]
    return [camera for camera in found if camera is not None]


class Day:
    """One resident after another until ``dossiers`` are sealed, lingering on camera
    screens so that the preview adds up to ``preview_seconds``."""

    def __init__(self, dossiers: int, preview_seconds: float, idle_wait_ms: int,
                 samples: Samples, *, trace_from: int | None = None) -> None:
        self.dossiers = dossiers
        self.preview_target = preview_seconds
        self.idle_wait_ms = idle_wait_ms  # a walk-away's wait for the wipe, with a margin
        self.samples = samples
        self.trace_from = trace_from  # the dossier after which tracemalloc watches
        self.codes: list[str] = []
        self.failure: str | None = None
        self._visits = 0
        self._dwelt_s = 0.0  # lingered on camera screens so far

    def start(self, window: MainWindow, navigator: Navigator) -> None:
        self.window, self.navigator = window, navigator
        self.finger = Finger()
        self.preview = PreviewClock(navigator)
        self._sampler = QTimer(navigator)
        self._sampler.setInterval(SAMPLE_MS)
        self._sampler.timeout.connect(self.sample)
        self._sampler.start()
        self.samples.write("start", fd_targets=fd_targets())
        self.sample()
        QTimer.singleShot(0, self._next)

    def sample(self) -> None:
        self.samples.write("sample", dossiers=len(self.codes), preview_s=self.preview.seconds,
                           py_threads=len(threading.enumerate()), refs=references(),
                           **proc_figures("self"), **native_heap())

    def _next(self) -> None:
        """One visit, then back to the event loop; the next visit is its own timer event."""
        if len(self.codes) >= self.dossiers:
            self._end()
            return
        try:
            self._visit(self._visits)
        except Exception:  # a step that never came: record it and stop the day
            self.failure = traceback.format_exc()
            self.samples.write("failed", error=self.failure, dossiers=len(self.codes),
                               screen=where(self.window), messages=shown_messages(self.window))
            QApplication.exit(FAILED)
            return
        self._visits += 1
        QTimer.singleShot(0, self._next)

    def _dwell_ms(self) -> int:
        """How long this visit lingers on its camera screens to stay on the preview target:
        what is still missing, shared by the visits left, less what a visit previews anyway."""
        done, left = len(self.codes), self.dossiers - len(self.codes)
        natural = ((self.preview.seconds - self._dwelt_s) / done if done
                   else NATURAL_PREVIEW_GUESS_S)
        needed = (self.preview_target - self.preview.seconds) / max(left, 1) - natural
        dwell = min(max(needed, 0.0), MAX_DWELL_MS / 1000)
        self._dwelt_s += dwell
        return int(dwell * 1000)

    def _visit(self, i: int) -> None:
        finger, window, navigator = self.finger, self.window, self.navigator
        if i % 10 == 5:  # walks away at the applicant step: the real idle watcher wipes
            residents.walk_away(finger, window, navigator, self.idle_wait_ms,
                                card_name=CARD_NAME)
            assert_nothing_left(window, residents.WALKER_PHONE, CARD_NAME)
        dwell = self._dwell_ms()
        if i % 4 == 3:
            code = residents.certified_copy(finger, window, navigator, card_name=CARD_NAME,
                                            dwell_ms=dwell)
        else:
            code = residents.birth_registration(finger, window, navigator, camera=i % 3 == 0,
                                                card_name=CARD_NAME, dwell_ms=dwell)
        residents.done_and_home(finger, window, navigator, reprint=i % 5 == 1)
        assert_nothing_left(window, code, CARD_NAME)
        self.codes.append(code)
        if len(self.codes) == self.trace_from:
            tracemalloc.start(TRACE_FRAMES)
        self.samples.write("dossier", n=len(self.codes), code=code, dwell_ms=dwell,
                           preview_s=self.preview.seconds)
        if i % 3 == 2:
            residents.track(finger, window, navigator, code, reprint=i % 6 == 2)
        if i % 25 == 24:  # someone tries the large text, then puts it back
            for _ in range(2):
                finger.tap(_text_size_button(navigator))

    def _end(self) -> None:
        self._sampler.stop()
        gc.collect()
        if tracemalloc.is_tracing():
            self.samples.write("tracemalloc", top=grown_since_start())
            tracemalloc.stop()
        self.sample()
        self.samples.write("end", dossiers=len(self.codes), preview_s=self.preview.seconds,
                           preview_frames=self.preview.frames, codes=self.codes,
                           gc_objects=len(gc.get_objects()), fd_targets=fd_targets())
        QApplication.exit(0)


def grown_since_start(count: int = 12) -> list[str]:
    """Where the memory allocated since tracemalloc started and still held was allocated."""
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)])
    found = []
    for stat in snapshot.statistics("traceback")[:count]:
        frames = " <- ".join(f"{Path(f.filename).name}:{f.lineno}"
                             for f in reversed(stat.traceback))
        found.append(f"{stat.size / 1024 / 1024:.1f} MB in {stat.count} blocks: {frames}")
    return found


def where(window: MainWindow) -> str:
    """The screen shown: its class and name, a wizard step's own screen too."""
    shown = window.stack.currentWidget()
    if shown is None:
        return "nothing"
    content = getattr(shown, "content", None)
    inner = f" / {type(content).__name__} {content.objectName()}" if content else ""
    return f"{type(shown).__name__} {shown.objectName()}{inner}"


def shown_messages(window: MainWindow) -> list[str]:
    """Every visible non-empty text of the window (what the resident would read)."""
    return [w.text() for w in window.findChildren(QLabel) if w.isVisible() and w.text()]


def _text_size_button(navigator: Navigator) -> QPushButton:
    button = navigator.home.findChild(QPushButton, "textsize")
    assert button is not None
    return button


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def after_shutdown(samples: Samples) -> None:
    """What is left once ``run_kiosk`` has returned: its workers should all be gone."""
    wait_for(lambda: not any(t.name in CAMERA_THREADS for t in threading.enumerate()), 10)
    gc.collect()
    samples.write("shutdown", py_threads=sorted(t.name for t in threading.enumerate()),
                  refs=references(), gc_objects=len(gc.get_objects()), **proc_figures("self"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--usb", required=True, help="the USB stick's folder (filled here)")
    parser.add_argument("--samples", required=True)
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=20.0, help="of camera preview")
    parser.add_argument("--trace-from", type=int, default=None,
                        help="trace Python allocations after this many dossiers")
    args = parser.parse_args(argv)
    residents.usb_stick(Path(args.usb))
    samples = Samples(Path(args.samples))
    env = dict(os.environ)
    # As `kiosk --data-dir D --config C run --demo` does it (kiosk.cli_handlers.cmd_run).
    runtime = resolve_runtime(args.data_dir, args.config, env)
    session = runtime.config.session
    idle_ms = (session.idle_warning_seconds + session.idle_countdown_seconds + 20) * 1000
    day = Day(args.dossiers, args.minutes * 60, idle_ms, samples, trace_from=args.trace_from)
    code = run_kiosk(runtime, env, demo=True, windowed=False, on_ready=day.start)
    samples.write("exit", code=code)
    after_shutdown(samples)
    samples.close()
    return code if day.failure is None else FAILED


if __name__ == "__main__":
    sys.exit(main())
