"""Hostile files against the kiosk's file checks: how long each takes and how much memory.

Every case of the hostile corpus the tests build (``tests/scanner/hostile.py``)
goes through the real entry point (``import_file`` for a USB file, ``load_still``
for ``kiosk decode``/``detect``), each in a fresh process so that its peak
memory — its own and its caged child's (``RUSAGE_CHILDREN``) — is its alone.
Side by side, the anchor: the regex page counter the kiosk used before
(``kiosk/scanner/pdfinfo.py`` at commit 8099329, read from git) on the same
ReDoS PDF cut to sizes it can still finish.

    python -m benchmarks.bench_hostile [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path

OLD_COMMIT = "8099329"
REDOS_SIZES_KB = (16, 32, 65)


def _cases() -> dict[str, tuple[str, Callable[[], bytes]]]:
    from tests.scanner import hostile

    a_pdf = hostile.pdf_claiming(1)
    cases: dict[str, tuple[str, Callable[[], bytes]]] = {
        "redos-300KB.pdf": ("import", hostile.redos_pdf),
        "tiny-claims-5000-pages.pdf": ("import", lambda: hostile.pdf_tiny(5000)),
        "claims-2^63-pages.pdf": ("import", lambda: hostile.pdf_claiming(2**63)),
        "201-pages.pdf": ("import", lambda: hostile.pdf_claiming(1, real_pages=201)),
        "page-tree-cycle.pdf": ("import", hostile.pdf_cycle),
        "zip-traversal.zip": ("import",
                              lambda: hostile.zip_stored({"../../evil.pdf": a_pdf})),
        "exe+pdf.pdf": ("import", lambda: hostile.exe_pdf_polyglot(a_pdf)),
        "png-bomb-30000.png": ("import", hostile.png_bomb),
    }
    for name, build in hostile.IMAGE_BOMBS.items():
        cases[f"bomb-{name} (decode)"] = ("still", build)
    return cases


def _one(name: str) -> dict[str, object]:
    """Run one case in this process; print its figures as JSON."""
    from kiosk.scanner.errors import CaptureError
    from kiosk.scanner.stills import load_still
    from kiosk.scanner.usb import import_file

    kind, build = _cases()[name]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.bin"
        path.write_bytes(build())
        start = time.perf_counter()
        try:
            found = (import_file if kind == "import" else load_still)(path)
            pages = sum(f.pages or 0 for f in found) if isinstance(found, list) else 1
            outcome = f"accepted, {pages} page(s)"
        except CaptureError as error:
            outcome = error.code
        elapsed = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"case": name, "outcome": outcome, "seconds": round(elapsed, 3),
            "peak_mb": round(max(own, child) / 1024, 1)}


def _special(path: str) -> dict[str, object]:
    from kiosk.scanner.errors import CaptureError
    from kiosk.scanner.stills import load_still

    start = time.perf_counter()
    try:
        load_still(Path(path))
        outcome = "accepted"
    except CaptureError as error:
        outcome = error.code
    return {"case": path, "outcome": outcome, "seconds": round(time.perf_counter() - start, 3),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _in_child(*args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_hostile", *args],
                          capture_output=True, text=True, timeout=120, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _old_counter() -> Callable[[bytes], int]:
    source = subprocess.run(["git", "show", f"{OLD_COMMIT}:kiosk/scanner/pdfinfo.py"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("old_pdfinfo")
    exec(compile(source, "old_pdfinfo.py", "exec"), module.__dict__)  # our own old code
    counter: Callable[[bytes], int] = module.count_pages
    return counter


def _anchor() -> list[dict[str, object]]:
    from tests.scanner import hostile

    count_pages = _old_counter()
    rows = []
    for kb in REDOS_SIZES_KB:
        data = hostile.redos_pdf(kb * 1024)
        start = time.perf_counter()
        count_pages(data)
        rows.append({"size_kb": kb, "old_regex_seconds": round(time.perf_counter() - start, 2)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--special", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one or args.special:
        print(json.dumps(_one(args.one) if args.one else _special(args.special)))
        return
    rows = [_in_child("--one", name) for name in _cases()]
    with tempfile.TemporaryDirectory() as folder:
        fifo = Path(folder) / "anh.png"
        os.mkfifo(fifo)
        rows += [_in_child("--special", str(fifo)), _in_child("--special", "/dev/zero")]
    anchor = _anchor()
    report = {"cases": rows, "worst_seconds": max(float(str(r["seconds"])) for r in rows),
              "worst_peak_mb": max(float(str(r["peak_mb"])) for r in rows),
              "anchor_old_regex": anchor}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    for row in rows:
        print(f"{row['case']:<34} {row['outcome']:<20} {row['seconds']:>7.3f} s "
              f"{row['peak_mb']:>7.1f} MB peak")
    print(f"worst: {report['worst_seconds']} s, {report['worst_peak_mb']} MB")
    for row in anchor:
        print(f"anchor, old regex counter on a {row['size_kb']} KB ReDoS PDF: "
              f"{row['old_regex_seconds']} s (the new check refuses 300 KB in the time above)")


if __name__ == "__main__":
    main()
