"""Cold start: the real ``kiosk run --demo`` to Home painted, against a bare PySide6 window.

Alternately, in one run, this starts the kiosk (``python -m kiosk run --demo
--quit-when-ready``) and a bare full-screen QWidget, both under
``QT_QPA_PLATFORM=offscreen`` with their own fresh interpreter.  Both are timed
alike: from the process's start as the kernel recorded it (/proc/self/stat, a
10 ms tick) to the event-loop turn after the first paint event of Home or of the
bare window — ``kiosk.ui.main_window``'s ``ms_since_process_start`` and
``FirstPaint``, whose very source the bare script runs.  The kiosk's data dir is
warm (the everyday case: one untimed first run has created the database and
applied the migrations, and Python's bytecode is cached, as an installed kiosk has it);
that first run's figure is printed too.  ``ready``
is when every screen was built, the database open and sync started.

With ``--load N`` the same rounds run twice in one run: first on the machine as it is,
then again while N busy-loop processes (``while True: pass``, one core each) compete
for the CPU, as on a kiosk whose other work (or a shared test machine) is busy; both
ratios are printed, each against the bare window timed under the same load.

    python -m benchmarks.bench_start [--rounds N] [--load N] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kiosk.ui.main_window import FirstPaint, ms_since_process_start

ROOT = Path(__file__).resolve().parent.parent
_FIGURE = re.compile(r"home_painted_ms=([\d.]+)(?: ready_ms=([\d.]+))?")

BARE = """
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

{clock}

{first_paint}

app = QApplication(sys.argv[:1])
window = QWidget()
window.setWindowTitle("bare")


def painted(ms: float) -> None:
    print(f"home_painted_ms={{ms:.1f}}", flush=True)
    app.exit(0)


FirstPaint(window).painted.connect(painted)
window.showFullScreen()
sys.exit(app.exec())
"""


def bare_script() -> str:
    return BARE.format(clock=inspect.getsource(ms_since_process_start),
                       first_paint=inspect.getsource(FirstPaint))


def environment(pycache: Path) -> dict[str, str]:
    """Offscreen; and bytecode cached (in a folder of the run's own) as an installed kiosk
    has it, even where the shell asks Python to write none (PYTHONDONTWRITEBYTECODE)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("KIOSK_CONFIG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Home's (or the bare window's) first paint, and the kiosk's ready, in milliseconds."""
    done = subprocess.run(command, capture_output=True, text=True, env=env,
                          timeout=300, check=False, cwd="/")
    found = _FIGURE.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    ready = found.group(2)
    return float(found.group(1)), float(ready) if ready else None


@contextlib.contextmanager
def busy(processes: int) -> Iterator[None]:
    """``processes`` interpreters spinning on the CPU for as long as the block runs."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(processes)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def rounds(kiosk: list[str], bare: list[str], env: dict[str, str],
           count: int) -> dict[str, float]:
    """``count`` rounds, the kiosk and the bare window alternately: their medians."""
    homes: list[float] = []
    readies: list[float] = []
    bares: list[float] = []
    for round_ in range(count):
        runs = [(kiosk, True), (bare, False)]
        for command, is_kiosk in runs if round_ % 2 == 0 else reversed(runs):
            home, ready = timed(command, env)
            if is_kiosk:
                homes.append(home)
                readies.append(ready or 0.0)
            else:
                bares.append(home)
    return {"bare_window_ms": statistics.median(bares),
            "kiosk_home_painted_ms": statistics.median(homes),
            "ratio": statistics.median(homes) / statistics.median(bares),
            "kiosk_ready_ms": statistics.median(readies),
            "load_average_1min": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--load", type=int, default=0, metavar="N",
                        help="also run every round again beside N busy-loop processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    bare = [sys.executable, "-c", bare_script()]
    with tempfile.TemporaryDirectory(prefix="bench-start-") as folder:
        data_dir, env = Path(folder) / "data", environment(Path(folder) / "pycache")
        kiosk = [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "run", "--demo",
                 "--quit-when-ready"]
        # Creates the database and the bytecode: not counted in the medians.
        first_home, first_ready = timed(kiosk, env)
        timed(bare, env)
        result: dict[str, float] = {"rounds": args.rounds,
                                    **rounds(kiosk, bare, env, args.rounds),
                                    "first_run_home_painted_ms": first_home,
                                    "first_run_ready_ms": first_ready or 0.0}
        if args.load:
            with busy(args.load):
                loaded = rounds(kiosk, bare, env, args.rounds)
            result["load_processes"] = args.load
            result.update({f"loaded_{name}": value for name, value in loaded.items()})
    if args.json:
        print(json.dumps(result))
        return
    report(result)


def report(result: dict[str, float]) -> None:
    rounds_ = int(result["rounds"])
    print(f"bare PySide6 full-screen window, first paint: {result['bare_window_ms']:.0f} ms "
          f"(median of {rounds_})")
    print(f"kiosk run --demo, Home painted:              {result['kiosk_home_painted_ms']:.0f} "
          f"ms = {result['ratio']:.2f}× the bare window (target ≤ 1.5×)")
    print(f"kiosk run --demo, everything ready:          {result['kiosk_ready_ms']:.0f} ms")
    print(f"first run (database created): Home {result['first_run_home_painted_ms']:.0f} ms, "
          f"ready {result['first_run_ready_ms']:.0f} ms")
    print(f"load average (1 min) after these rounds: {result['load_average_1min']:.2f}")
    if "load_processes" in result:
        print(f"beside {int(result['load_processes'])} busy-loop processes: bare window "
              f"{result['loaded_bare_window_ms']:.0f} ms, Home "
              f"{result['loaded_kiosk_home_painted_ms']:.0f} ms = "
              f"{result['loaded_ratio']:.2f}× (target ≤ 1.5×); ready "
              f"{result['loaded_kiosk_ready_ms']:.0f} ms; load average "
              f"{result['loaded_load_average_1min']:.2f}")


if __name__ == "__main__":
    main()
