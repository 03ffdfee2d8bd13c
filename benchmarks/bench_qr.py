"""QR decoding on the synthetic ID-card corpus: share decoded correctly and median ms per frame,
for the kiosk's reader on each backend, side by side with plain zxing-cpp and plain pyzbar.

    python -m benchmarks.bench_qr [--corpus DIR]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from benchmarks.corpus import DEFAULT_DIR, load
from kiosk.scanner.arrays import Frame
from kiosk.scanner.barcodes import CodeReader

Decoder = Callable[[Frame], list[str]]


def plain_zxing(gray: Frame) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(gray)]


def plain_zbar(gray: Frame) -> list[str]:
    # What a naive integration does: trust pyzbar's bytes as UTF-8.
    return [code.data.decode("utf-8", "replace") for code in pyzbar.decode(gray)]


def kiosk_reader(backend: str) -> Decoder:
    reader = CodeReader(backend)
    return lambda gray: [code.text for code in reader.decode(gray)]


def run(corpus: Path) -> None:
    truth = load(corpus)["cards"]
    frames = []
    for name, item in sorted(truth.items()):
        image = cv2.imread(str(corpus / name), cv2.IMREAD_COLOR)
        frames.append((cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), str(item["payload"]),
                       bool(item["hard"])))
    decoders: dict[str, Decoder] = {
        "plain zxing-cpp": plain_zxing,
        "plain pyzbar": plain_zbar,
        "kiosk reader (zxing)": kiosk_reader("zxing"),
        "kiosk reader (zbar)": kiosk_reader("zbar"),
    }
    print(f"{len(frames)} frames 1280x720 ({sum(h for *_, h in frames)} hard)")
    print(f"{'decoder':24} {'all':>14} {'easy':>14} {'hard':>14} {'median ms':>10} {'p90 ms':>8}"
          f" {'hard p90':>9}")
    for label, decode in decoders.items():
        hits = {False: 0, True: 0}
        times = []
        hard_times = []
        for gray, payload, hard in frames:
            start = time.perf_counter()
            found = decode(gray)
            times.append((time.perf_counter() - start) * 1000)
            if hard:
                hard_times.append(times[-1])
            hits[hard] += payload in found
        counts = {h: sum(1 for *_, x in frames if x == h) for h in (False, True)}
        cells = [_share(hits[False] + hits[True], len(frames)), _share(hits[False], counts[False]),
                 _share(hits[True], counts[True])]
        print(f"{label:24} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14} "
              f"{statistics.median(times):10.2f} {np.percentile(times, 90):8.2f}"
              f" {np.percentile(hard_times, 90):9.2f}")


def _share(ok: int, total: int) -> str:
    return f"{ok}/{total} {100 * ok / max(total, 1):.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    run(args.corpus)


if __name__ == "__main__":
    main()
