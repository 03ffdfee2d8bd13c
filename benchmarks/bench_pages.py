"""Page detection on the synthetic corpus: accuracy (all corners within 2% of the diagonal)
and median milliseconds per 1280×720 frame.

    python -m benchmarks.bench_pages [--corpus DIR]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from benchmarks.corpus import DEFAULT_DIR, load
from kiosk.scanner.geometry import max_corner_error
from kiosk.scanner.pagedetect import detect_page


def run(corpus: Path, verbose: bool) -> None:
    truth = load(corpus)["pages"]
    hits = {"easy": [0, 0], "hard": [0, 0]}
    times: list[float] = []
    for name, item in sorted(truth.items()):
        frame = cv2.imread(str(corpus / name), cv2.IMREAD_COLOR)
        diagonal = float(np.hypot(frame.shape[0], frame.shape[1]))
        start = time.perf_counter()
        found = detect_page(frame)
        times.append((time.perf_counter() - start) * 1000)
        corners = np.float32(item["corners"])
        error = np.inf if found is None else max_corner_error(found.corners, corners)
        ok = error <= 0.02 * diagonal
        group = "hard" if item["hard"] else "easy"
        hits[group][0] += ok
        hits[group][1] += 1
        if verbose and not ok:
            print(f"miss {name} ({group}): error {error:.1f} px")
    total_ok = sum(h[0] for h in hits.values())
    total = sum(h[1] for h in hits.values())
    share = 100 * total_ok / total
    print(f"page detection: {total_ok}/{total} = {share:.1f}% within 2% of diagonal")
    for group, (ok, count) in hits.items():
        print(f"  {group}: {ok}/{count} = {100 * ok / count:.1f}%")
    print(f"  median {statistics.median(times):.2f} ms/frame, "
          f"p90 {np.percentile(times, 90):.2f} ms (1280x720, 1 thread of {cv2.getNumThreads()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DIR)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    run(args.corpus, args.verbose)


if __name__ == "__main__":
    main()
