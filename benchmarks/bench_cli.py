"""`kiosk --help` and `kiosk catalog --json` against `python -c pass`, in one run.

Each command is a fresh interpreter (``python -m kiosk …``), run alternately with
its anchor, the bare interpreter; the medians and their ratios are printed
(target: each within 3× ``python -c pass``).  Bytecode is cached in a folder of
the run's own, as an installed kiosk has it (an untimed first round writes it), and
the data dir exists, as on a kiosk that has run once: ``catalog --json`` prints the
text it kept there (``kiosk.domain.catalogue_cache``).  ``catalog --json`` with no data
dir at all (nothing kept: the catalogue read and checked every time) is timed too.

    python -m benchmarks.bench_cli [--rounds N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "pass": ["-c", "pass"],
    "help": ["-m", "kiosk", "--help"],
    "catalog_json": ["-m", "kiosk", "catalog", "--json"],
    "catalog_json_no_data_dir": ["-m", "kiosk", "--data-dir", "/nonexistent/kiosk-data",
                                 "catalog", "--json"],
}


def run_ms(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], capture_output=True, env=env, check=False,
                          timeout=120, cwd="/")
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise SystemExit(f"{args} failed ({done.returncode}): {done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as folder:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": folder,
               "KIOSK_DATA_DIR": str(Path(folder) / "data")}
        (Path(folder) / "data").mkdir(mode=0o700)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("KIOSK_CONFIG", None)
        for command in COMMANDS.values():  # writes the bytecode: not counted
            run_ms(command, env)
        for round_ in range(args.rounds):
            order = list(COMMANDS.items())
            for name, command in order if round_ % 2 == 0 else reversed(order):
                times[name].append(run_ms(command, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    result: dict[str, float] = {"rounds": args.rounds}
    for name, value in medians.items():
        result[f"{name}_ms"] = value
    for name in ("help", "catalog_json", "catalog_json_no_data_dir"):
        result[f"{name}_ratio"] = medians[name] / medians["pass"]
    result["load_average_1min"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(result))
        return
    print(f"python -c pass:       {medians['pass']:6.1f} ms (median of {args.rounds})")
    print(f"kiosk --help:         {medians['help']:6.1f} ms = {result['help_ratio']:.2f}× "
          "(target ≤ 3×)")
    print(f"kiosk catalog --json: {medians['catalog_json']:6.1f} ms = "
          f"{result['catalog_json_ratio']:.2f}× (target ≤ 3×)")
    print(f"  … with no data dir: {medians['catalog_json_no_data_dir']:6.1f} ms = "
          f"{result['catalog_json_no_data_dir_ratio']:.2f}× (nothing kept)")
    print(f"load average (1 min) at the end: {result['load_average_1min']:.2f}")


if __name__ == "__main__":
    main()
