"""A compressed working day in a real ``kiosk run --demo``: memory, threads and descriptors
from the first dossier to the last, and after shutdown.

    python -m benchmarks.bench_soak                        # 100 dossiers, ~21 min of preview
    python -m benchmarks.bench_soak --dossiers 10 --minutes 2     # a quick look
    python -m benchmarks.bench_soak --json                 # the figures as one JSON object

A child process (``benchmarks.soak_driver``) runs the kiosk exactly as
``kiosk run --demo`` does — demo portal simulator and sync worker on loopback,
the demo camera, ``examples/demo.toml`` (receipts saved as PDF files) plus a USB
folder and a 40-second idle timeout — offscreen at 1920×1080
(``--xvfb``: under Xvfb instead), on a temporary data dir.  A finger taps through
birth registrations and certified copies (the card read by the camera, papers
photographed or taken from USB), walk-aways wiped by the idle timeout, Track
lookups and reprints, lingering on the camera screens so that the camera
previews for ``--minutes``.  This process watches the child's ``/proc`` entry;
the child samples its own reference counts.

Left to itself, glibc kept freed camera-sized buffers inside its thread arenas
(its mmap threshold rises after the first large frees): resident memory grew by
60–130 MB over a day while malloc's in-use figure stayed flat.  The kiosk now
fixes the threshold at start (``kiosk.memory``); the report gives both figures.

Exit status 1 when the day did not complete, a dossier is missing or doubled in
the queue, or resident memory grew by more than ``--bound-mb`` (default 50 MB)
from the end of the warm-up (the first tenth of the dossiers, at least 5) to the
end: a leak of one camera frame a second would pass that within minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = ROOT / "examples" / "demo.toml"
POLL_SECONDS = 5.0
SCREEN = {"synchronizer": False, "windowFrameMargins": False,
          "screens": [{"name": "kiosk", "x": 0, "y": 0, "width": 1920, "height": 1080,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


def proc_figures(pid: int | str) -> dict[str, int]:
    """Resident memory (kB), OS threads and open descriptors of a process, from /proc."""
    figures = {"rss_kb": 0, "threads": 0}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                figures["rss_kb"] = int(line.split()[1])
            elif line.startswith("Threads:"):
                figures["threads"] = int(line.split()[1])
    figures["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return figures


def write_config(work: Path, usb: Path) -> Path:
    """The demo configuration, with a USB stick and a short idle wait (walk-aways are
    wiped in 40 s; a resident waiting for auto-capture is not)."""
    extra = (f'\n[kiosk]\nusb_root = "{usb}"\n\n'
             "[session]\nidle_warning_seconds = 30\nidle_countdown_seconds = 10\n")
    path = work / "soak.toml"
    path.write_text(DEMO_CONFIG.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def child_command(args: argparse.Namespace, work: Path, config: Path) -> list[str]:
    driver = [sys.executable, "-m", "benchmarks.soak_driver", "--data-dir", str(work / "data"),
              "--config", str(config), "--usb", str(work / "usb"),
              "--samples", str(work / "samples.jsonl"), "--dossiers", str(args.dossiers),
              "--minutes", str(args.minutes)]
    if args.trace_memory:
        driver += ["--trace-from", str(warmup(args))]
    if args.xvfb:
        return ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *driver]
    return driver


def child_env(args: argparse.Namespace, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["HOME"] = str(work / "home")  # nothing of the user's own kiosk is touched
    if not args.xvfb:
        screen = work / "offscreen.json"
        screen.write_text(json.dumps(SCREEN), encoding="utf-8")
        env["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
    return env


def watch(child: subprocess.Popen[bytes], deadline: float) -> list[dict[str, Any]]:
    """The child's /proc figures every few seconds until it exits (killed at ``deadline``)."""
    seen: list[dict[str, Any]] = []
    while child.poll() is None:
        if time.monotonic() > deadline:
            child.kill()
            break
        with contextlib.suppress(OSError):  # starting or exiting: no /proc entry to read
            seen.append({"at": time.time(), **proc_figures(_driver_pid(child))})
        time.sleep(POLL_SECONDS)
    child.wait()
    return seen


def _driver_pid(child: subprocess.Popen[bytes]) -> int:
    """The kiosk's own process: the child, or under xvfb-run the python below it."""
    todo = [child.pid]
    while todo:
        pid = todo.pop(0)
        try:
            if Path(f"/proc/{pid}/comm").read_text().startswith("python"):
                return pid
            todo += [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            continue
    return child.pid


def read_samples(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def queue_codes(work: Path, config: Path) -> list[str]:
    """Every dossier code in the day's queue (read after the child has exited)."""
    from kiosk.services import build_queue, open_database, resolve_runtime

    runtime = resolve_runtime(str(work / "data"), str(config), {})
    db = open_database(runtime)
    try:
        return [d.code for d in build_queue(runtime, db).recent(limit=100_000)]
    finally:
        db.dispose()


def at_share(series: list[dict[str, Any]], share: float) -> dict[str, Any]:
    return series[min(len(series) - 1, int(share * (len(series) - 1)))]


def warmup(args: argparse.Namespace) -> int:
    """The dossiers after which the process should have stopped growing."""
    asked: int = args.dossiers
    return max(1, min(max(5, asked // 10), asked - 1))


def figures(args: argparse.Namespace, seen: list[dict[str, Any]],
            records: list[dict[str, Any]], codes: list[str], code: int,
            seconds: float) -> dict[str, Any]:
    """Everything the day measured: the child's own records and this process's view."""
    kinds: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        kinds.setdefault(record["kind"], []).append(record)
    samples = kinds.get("sample", [])
    end, failed = _first(kinds, "end"), _first(kinds, "failed")
    sealed = [r["code"] for r in kinds.get("dossier", [])]
    warmed = next((s for s in samples if s["dossiers"] >= warmup(args)), None)
    result: dict[str, Any] = {
        "exit_code": code, "wall_minutes": round(seconds / 60, 1),
        "dossiers": len(sealed), "dossiers_asked": args.dossiers,
        "preview_minutes": round((end or (samples or [{}])[-1]).get("preview_s", 0) / 60, 1),
        "queue_matches": sorted(codes) == sorted(sealed) and len(set(codes)) == len(codes),
        "warmup_dossiers": warmup(args), "bound_mb": args.bound_mb,
        "failure": failed["error"] if failed else None,
    }
    # The window's first sample starts the day and the last dossier ends it (shutdown
    # frees memory: that is not the day's).
    until = (end or (samples or [{"at": float("inf")}])[-1])["at"]
    day = [s for s in seen if samples and samples[0]["at"] <= s["at"] <= until]
    result |= _seen_from_outside(day, warmed)
    if warmed:
        result |= _seen_from_inside([s for s in samples if s["at"] >= warmed["at"]])
    result |= _other_records(kinds)
    return result


def _first(kinds: dict[str, list[dict[str, Any]]], kind: str) -> dict[str, Any] | None:
    found = kinds.get(kind)
    return found[0] if found else None


def _seen_from_outside(day: list[dict[str, Any]], warmed: dict[str, Any] | None
                       ) -> dict[str, Any]:
    """Memory, threads and descriptors as this process read them in the child's /proc."""
    if not day:
        return {"rss_growth_after_warmup_mb": None}
    after_warm = [s for s in day if warmed and s["at"] >= warmed["at"]]
    return {
        "rss_mb": [_rss_point(at_share(day, x), day[0]["at"])
                   for x in (0, 0.1, 0.25, 0.5, 0.75, 1)],
        "rss_peak_mb": round(max(s["rss_kb"] for s in day) / 1024, 1),
        "rss_growth_after_warmup_mb": round(
            (after_warm[-1]["rss_kb"] - after_warm[0]["rss_kb"]) / 1024, 1)
        if after_warm else None,
        "threads_first_last_peak": [day[0]["threads"], day[-1]["threads"],
                                    max(s["threads"] for s in day)],
        "fds_first_last": [day[0]["fds"], day[-1]["fds"]],
    }


def _seen_from_inside(after: list[dict[str, Any]]) -> dict[str, Any]:
    """Reference counts and malloc's own figures, from the warm-up's end to the last sample."""
    first, last = after[0], after[-1]
    drift = {name: last["refs"][name] - first["refs"][name] for name in last["refs"]}
    done = max(last["dossiers"] - first["dossiers"], 1)
    result: dict[str, Any] = {
        "refcount_drift_after_warmup": drift,
        "refcount_drift_per_dossier": {k: round(v / done, 1) for k, v in drift.items()}}
    if "heap_used_kb" in last:
        result["heap_used_mb"] = [round(s["heap_used_kb"] / 1024) for s in (first, last)]
        result["heap_free_mb"] = [round(s["heap_free_kb"] / 1024) for s in (first, last)] + [
            round(max(s["heap_free_kb"] for s in after) / 1024)]
    return result


def _other_records(kinds: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    end, start = _first(kinds, "end"), _first(kinds, "start")
    if end:
        result["gc_objects_at_end"] = end["gc_objects"]
        result["fds_opened_during_the_day"] = _more(end["fd_targets"],
                                                    start["fd_targets"] if start else [])
    traced = _first(kinds, "tracemalloc")
    if traced:
        result["python_memory_grown"] = traced["top"]
    shutdown = _first(kinds, "shutdown")
    if shutdown:
        result["after_shutdown"] = {"py_threads": shutdown["py_threads"],
                                    "threads": shutdown["threads"], "fds": shutdown["fds"]}
    return result


def _more(after: list[str], before: list[str]) -> list[str]:
    """What ``after`` holds more of than ``before`` (a multiset difference)."""
    left = list(before)
    extra = []
    for item in after:
        if item in left:
            left.remove(item)
        else:
            extra.append(item)
    return extra


def _rss_point(sample: dict[str, Any], start: float) -> dict[str, float]:
    return {"t_min": round((sample["at"] - start) / 60, 1),
            "mb": round(sample["rss_kb"] / 1024, 1)}


def verdict(result: dict[str, Any]) -> list[str]:
    """What went wrong, in words; empty when the day passed."""
    problems = []
    if result["exit_code"] != 0 or result["failure"]:
        problems.append(f"the kiosk exited with {result['exit_code']}")
    if result["dossiers"] < result["dossiers_asked"]:
        problems.append(f"{result['dossiers']} of {result['dossiers_asked']} dossiers")
    if not result["queue_matches"]:
        problems.append("the queue does not hold each sealed dossier exactly once")
    growth = result["rss_growth_after_warmup_mb"]
    if growth is None or growth > result["bound_mb"]:
        problems.append(f"resident memory grew {growth} MB after the warm-up "
                        f"(bound {result['bound_mb']} MB)")
    return problems


def report(result: dict[str, Any], problems: list[str]) -> None:
    rss = ", ".join(f"{p['mb']:.0f} MB at {p['t_min']:.0f} min" for p in result["rss_mb"])
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"dossiers sealed by taps: {result['dossiers']} of {result['dossiers_asked']} "
          f"(queue holds each once: {result['queue_matches']}); camera preview "
          f"{result['preview_minutes']} min; wall {result['wall_minutes']} min")
    growth = result["rss_growth_after_warmup_mb"]
    print(f"RSS: {rss}; peak {result['rss_peak_mb']} MB; after the first "
          f"{result['warmup_dossiers']} dossiers {growth if growth is None else f'{growth:+}'} "
          f"MB (bound {result['bound_mb']} MB)")
    if "heap_used_mb" in result:
        used, free = result["heap_used_mb"], result["heap_free_mb"]
        print(f"malloc after the warm-up → end: in use {used[0]} → {used[1]} MB; free but kept "
              f"in its arenas {free[0]} → {free[1]} MB (peak {free[2]}) — the free part "
              "growing alone is fragmentation, not a leak")
    print(f"OS threads first/last/peak: {result['threads_first_last_peak']}; "
          f"open descriptors first/last: {result['fds_first_last']} "
          f"(opened during the day and still open: {result.get('fds_opened_during_the_day')})")
    if "refcount_drift_after_warmup" in result:
        print(f"reference drift after the warm-up: {result['refcount_drift_after_warmup']} "
              f"(per dossier {result['refcount_drift_per_dossier']})")
    for line in result.get("python_memory_grown", []):
        print(f"  held since the warm-up: {line}")
    if "after_shutdown" in result:
        print(f"after run_kiosk returned: {result['after_shutdown']}")
    if problems:
        print(result["failure"] or result["child_log_tail"], file=sys.stderr)
    print("FAILED: " + "; ".join(problems) if problems else "passed")


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    (work / "usb").mkdir()
    config = write_config(work, work / "usb")
    started = time.monotonic()
    deadline = started + args.timeout_minutes * 60
    log = (work / "child.log").open("wb")
    child = subprocess.Popen(child_command(args, work, config), cwd=ROOT,
                             env=child_env(args, work), stdout=log, stderr=subprocess.STDOUT)
    seen = watch(child, deadline)
    log.close()
    seconds = time.monotonic() - started
    records = read_samples(work / "samples.jsonl")
    result = figures(args, seen, records, queue_codes(work, config), child.returncode, seconds)
    result["child_log_tail"] = (work / "child.log").read_text(errors="replace")[-3000:]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=21.0,
                        help="of camera preview (the day aims a little over 20)")
    parser.add_argument("--bound-mb", type=float, default=50.0,
                        help="most resident memory may grow after the warm-up")
    parser.add_argument("--timeout-minutes", type=float, default=None,
                        help="kill the kiosk after this long (default: 2 × minutes + 20)")
    parser.add_argument("--xvfb", action="store_true", help="under Xvfb instead of offscreen")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--trace-memory", action="store_true",
                        help="say where Python memory held since the warm-up was allocated")
    parser.add_argument("--keep", help="keep the day's files in this folder")
    args = parser.parse_args()
    if args.timeout_minutes is None:
        args.timeout_minutes = 2 * args.minutes + 20
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kiosk-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    problems = verdict(result)
    result["problems"] = problems
    if args.keep:
        (work / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        report(result, problems)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
