"""CCCD QR reading on single webcam-like frames, side by side with plain zxing-cpp and pyzbar.

Frames come from ``benchmarks.scenes.cards`` (both card layouts, every desk family,
720p and 1080p, rotations to 180°, fingers, and ``camera.webcam``'s degradations:
strong compression, defocus, motion blur, exposure swings, ...), figures also by
condition (clean / strong compression / motion blur / defocus / exposure swing).
Scenes are cached under /tmp keyed by ``camera.GENERATOR_VERSION``.
Two seeds: the tuning seed (the only frames any tuning looked at) and the
evaluation seed (reported); the held-out desk family ("tiles") is reported apart
and never used in tuning.  Per decoder: % of frames read among those whose QR has
≥ 2 px per module and lies wholly in frame, % of those whose QR no thumb covers
either ("uncovered": a thumb over a finder pattern defeats any reader), % of
those whose blur leaves the finest module pattern legible ("legible": the
optics' modulation transfer at half the module frequency, defocus Gaussian times
the motion streak's box, at least 10 % — the MTF10 limit of resolution — on the
streak's main lobe; what no reader can undo is left out), % of all frames,
median and p90 ms.
All decoders see the same frame one after the other (interleaved).

    python -m benchmarks.bench_qr [--set eval|tune] [--frames N] [--old-corpus] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from benchmarks.scenes import camera, cards, desks
from kiosk.scanner.arrays import Frame, u8
from kiosk.scanner.barcodes import CodeReader

Decoder = Callable[[Frame], list[str]]
SEEDS = {"tune": 1313, "eval": 2626}
CACHE = Path("/tmp/kiosk-qr-scenes")
MIN_MODULE_PX = 2.0
MAX_COVERED = 0.02  # of the QR's area under a thumb: beyond, "uncovered" leaves the frame out
MIN_MTF = 0.1  # modulation left at half the module frequency: below it, not "legible"


def plain_zxing(gray: Frame) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(gray)]


def plain_zbar(gray: Frame) -> list[str]:
    # What a naive integration does: trust pyzbar's bytes as UTF-8.
    return [code.data.decode("utf-8", "replace") for code in pyzbar.decode(gray)]


def kiosk_reader(backend: str = "zxing") -> Decoder:
    reader = CodeReader(backend)
    return lambda gray: [code.text for code in reader.decode(gray)]


def decoders() -> dict[str, Decoder]:
    return {"zxing": plain_zxing, "pyzbar": plain_zbar, "kiosk": kiosk_reader()}


def scenes(which: str, per_family: int) -> list[tuple[Frame, str, dict[str, Any]]]:
    """Gray frames, payloads and meta for a seed set: ``per_family`` frames of each family."""
    folder = CACHE / f"v{camera.GENERATOR_VERSION}-{which}-{SEEDS[which]}-{per_family}"
    index = folder / "meta.json"
    if index.exists():
        metas = json.loads(index.read_text(encoding="utf-8"))
        return [(u8(cv2.imread(str(folder / f"{i:04d}.png"), cv2.IMREAD_GRAYSCALE)),
                 m.pop("payload"), m) for i, m in enumerate(metas)]
    rng = np.random.default_rng(SEEDS[which])
    out = []
    for i in range(per_family):
        for family in desks.FAMILIES:
            resolution = camera.RESOLUTIONS[i % len(camera.RESOLUTIONS)]
            frame, payload, meta = cards.card_frame(rng, family, resolution)
            out.append((u8(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)), payload, meta))
    folder.mkdir(parents=True, exist_ok=True)
    for i, (gray, _, _) in enumerate(out):
        cv2.imwrite(str(folder / f"{i:04d}.png"), gray)
    index.write_text(json.dumps([{**m, "payload": p} for _, p, m in out], ensure_ascii=False),
                     encoding="utf-8")
    return out


def measure(frames: list[tuple[Frame, str, dict[str, Any]]]) -> dict[str, list[tuple[bool, float]]]:
    """(read correctly, ms) per decoder per frame, decoders interleaved frame by frame."""
    table = decoders()
    results: dict[str, list[tuple[bool, float]]] = {name: [] for name in table}
    for gray, payload, _ in frames:
        for name, decode in table.items():
            start = time.perf_counter()
            found = decode(gray)
            results[name].append((payload in found, (time.perf_counter() - start) * 1000))
    return results


def summarise(frames: list[tuple[Frame, str, dict[str, Any]]],
              results: dict[str, list[tuple[bool, float]]], keep: Callable[[dict[str, Any]], bool]
              ) -> dict[str, dict[str, float]]:
    picked = [i for i, (_, _, meta) in enumerate(frames) if keep(meta)]
    readable = [i for i in picked if frames[i][2]["px_per_module"] >= MIN_MODULE_PX
                and frames[i][2]["qr_inside"]]
    bare = [i for i in readable if frames[i][2]["qr_covered"] < MAX_COVERED]
    legible = [i for i in bare if blur_mtf(frames[i][2]) >= MIN_MTF]
    out = {}
    for name, rows in results.items():
        times = [rows[i][1] for i in picked]
        out[name] = {
            "frames": len(picked), "readable_frames": len(readable),
            "pct_readable": 100 * sum(rows[i][0] for i in readable) / max(len(readable), 1),
            "uncovered_frames": len(bare),
            "pct_uncovered": 100 * sum(rows[i][0] for i in bare) / max(len(bare), 1),
            "legible_frames": len(legible),
            "pct_legible": 100 * sum(rows[i][0] for i in legible) / max(len(legible), 1),
            "pct_all": 100 * sum(rows[i][0] for i in picked) / max(len(picked), 1),
            "median_ms": statistics.median(times) if times else 0.0,
            "p90_ms": float(np.percentile(times, 90)) if times else 0.0,
        }
    return out


def blur_mtf(meta: dict[str, Any]) -> float:
    """The contrast the frame's blur leaves of modules alternating dark and light.

    At half the module frequency (f = 1 / (2 × px per module) cycles a pixel):
    defocus, a Gaussian of sigma s, keeps exp(−2π²s²f²); a motion streak of L
    pixels, a box, keeps sinc(L·f) — taken as 0 past its first zero, where the
    pattern is gone or inverted.
    """
    px = float(meta["px_per_module"])
    if px <= 0:
        return 0.0
    frequency = 1 / (2 * px)
    sigma = float(meta["degradation"]["defocus_sigma"])
    streak = float(meta["degradation"]["motion_px"])
    gauss = float(np.exp(-2 * np.pi ** 2 * sigma ** 2 * frequency ** 2))
    x = streak * frequency
    box = 1.0 if x == 0 else (0.0 if x >= 1 else float(np.sin(np.pi * x) / (np.pi * x)))
    return gauss * box


def old_corpus() -> dict[str, float]:
    """The previous corpus (benchmarks.corpus cards) for continuity: % read, kiosk vs zxing."""
    from benchmarks.corpus import DEFAULT_DIR, load

    truth = load(DEFAULT_DIR)["cards"]
    hits = {"zxing": 0, "kiosk": 0}
    table = {"zxing": plain_zxing, "kiosk": kiosk_reader()}
    for name, item in sorted(truth.items()):
        gray = u8(cv2.imread(str(DEFAULT_DIR / name), cv2.IMREAD_GRAYSCALE))
        for label, decode in table.items():
            hits[label] += str(item["payload"]) in decode(gray)
    return {f"old_corpus_pct_{k}": 100 * v / max(len(truth), 1) for k, v in hits.items()}


def run(which: str, per_family: int, with_old: bool) -> dict[str, Any]:
    frames = scenes(which, per_family)
    results = measure(frames)
    groups: dict[str, Callable[[dict[str, Any]], bool]] = {
        "tuned": lambda m: m["family"] != desks.HELD_OUT,
        "held_out": lambda m: m["family"] == desks.HELD_OUT}
    report: dict[str, Any] = {"set": which, "seed": SEEDS[which]}
    for group, keep in groups.items():
        for name, figures in summarise(frames, results, keep).items():
            for key, value in figures.items():
                report[f"{group}_{name}_{key}"] = round(value, 2)
    for condition in camera.CONDITIONS:
        for group, keep in groups.items():
            rows = summarise(frames, results, partial(_in_condition, condition, keep))
            for name, row in rows.items():
                for key in ("frames", "readable_frames", "pct_readable", "pct_all"):
                    report[f"cond_{condition}_{group}_{name}_{key}"] = round(row[key], 2)
    for layout in cards.LAYOUTS:
        figures = summarise(frames, results, partial(_is_layout, layout))["kiosk"]
        report[f"layout_{layout}_kiosk_pct_readable"] = round(figures["pct_readable"], 2)
    if with_old:
        report.update(old_corpus())
    return report


def _in_condition(condition: str, keep: Callable[[dict[str, Any]], bool],
                  meta: dict[str, Any]) -> bool:
    return keep(meta) and condition in meta["conditions"]


def _is_layout(layout: str, meta: dict[str, Any]) -> bool:
    return bool(meta["layout"] == layout)


def show(report: dict[str, Any]) -> None:
    print(f"set {report['set']} (seed {report['seed']}); readable = QR in frame, "
          f">= {MIN_MODULE_PX:g} px/module")
    print(f"{'group':9} {'decoder':7} {'frames':>6} {'readable':>8} {'% readable':>10} "
          f"{'uncovered':>9} {'% uncov.':>8} {'legible':>7} {'% legib.':>8} {'% all':>6} "
          f"{'median ms':>9} {'p90 ms':>7}")
    for group in ("tuned", "held_out"):
        for name in ("zxing", "pyzbar", "kiosk"):
            k = f"{group}_{name}_"
            print(f"{group:9} {name:7} {report[k + 'frames']:6.0f}"
                  f" {report[k + 'readable_frames']:8.0f}"
                  f" {report[k + 'pct_readable']:10.1f} {report[k + 'uncovered_frames']:9.0f}"
                  f" {report[k + 'pct_uncovered']:8.1f} {report[k + 'legible_frames']:7.0f}"
                  f" {report[k + 'pct_legible']:8.1f} {report[k + 'pct_all']:6.1f}"
                  f" {report[k + 'median_ms']:9.1f} {report[k + 'p90_ms']:7.1f}")
        anchor = max(report[f"{group}_zxing_pct_readable"], 1)
        ratio = report[f"{group}_kiosk_pct_readable"] / anchor
        print(f"{group:9} kiosk / zxing on readable frames: {ratio:.2f}x")
    print("by condition (a frame may have several): % readable / % all (readable/frames)")
    for condition in camera.CONDITIONS:
        for group in ("tuned", "held_out"):
            k = f"cond_{condition}_{group}_"
            cells = "  ".join(f"{name} {report[k + name + '_pct_readable']:5.1f}/"
                              f"{report[k + name + '_pct_all']:5.1f}"
                              for name in ("zxing", "pyzbar", "kiosk"))
            print(f"{condition:18} {group:8} ({report[k + 'kiosk_readable_frames']:.0f}/"
                  f"{report[k + 'kiosk_frames']:.0f})  {cells}")
    for key in sorted(k for k in report if k.startswith(("layout_", "old_corpus"))):
        print(f"{key}: {report[key]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=sorted(SEEDS), default="eval")
    parser.add_argument("--frames", type=int, default=40, help="frames per desk family")
    parser.add_argument("--old-corpus", action="store_true", help="also the previous corpus")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = run(args.set, args.frames, args.old_corpus)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        show(report)


if __name__ == "__main__":
    main()
