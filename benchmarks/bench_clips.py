"""Live CCCD QR reading on synthetic clips of a card brought up to the camera (15 frames/s).

For each clip: the clip time of the first correct read by the kiosk's
``LiveCodeReader`` fed every ``DECODE_EVERY``-th frame as the camera feeds it
(``--every`` to change), and by plain zxing-cpp on every frame (the
anchor), both on the same frames as they are generated (interleaved).  Figures:
% of clips read within 1 s of the card coming to rest in front of the camera
(the issue's target: the reader's time, not the arm's), % read within 1 s of the
clip's first frame (the reach itself takes 0.5–1 s of that second), median time
to the first read from rest (unread clips count as never; a read during the
reach counts as 0), wrong reads (any text other than the payload: must be 0),
median ms a frame, and % of clips "presentable": the code wholly in frame at
≥ 2 px a module in some frame of that first second at rest (the share any
reader could be asked to read).  Tuning seed and evaluation seed differ; the
held-out desk family ("tiles") is reported apart.  Clips are drawn by
``benchmarks.scenes.clips`` (its ``CLIP_VERSION`` is printed).

    python -m benchmarks.bench_clips [--set eval|tune] [--clips N] [--every N] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from typing import Any

import numpy as np
import zxingcpp

from benchmarks.scenes import camera, clips, desks
from kiosk.scanner.livecode import LiveCodeReader

SEEDS = {"tune": 4242, "eval": 8484}
WITHIN_S = 1.0


def run(which: str, per_family: int, every: int = 1) -> dict[str, Any]:
    rng = np.random.default_rng(SEEDS[which])
    rows: list[dict[str, Any]] = []
    for i in range(per_family):
        for family in desks.FAMILIES:
            resolution = camera.RESOLUTIONS[i % len(camera.RESOLUTIONS)]
            frames, payload, meta = clips.clip(rng, family, resolution)
            played = _play(frames, payload, every, float(meta["approach"]))
            rows.append({**meta, **played, "presentable": _presentable(meta, played)})
    report: dict[str, Any] = {"set": which, "seed": SEEDS[which], "every": every,
                              "clip_version": clips.CLIP_VERSION}
    for group, held in (("tuned", False), ("held_out", True)):
        picked = [r for r in rows if (r["family"] == desks.HELD_OUT) == held]
        report[f"{group}_pct_presentable"] = round(
            100 * sum(r["presentable"] for r in picked) / max(len(picked), 1), 2)
        for name in ("kiosk", "zxing"):
            first = [r[f"{name}_first_s"] for r in picked]
            rest = [max(0.0, r[f"{name}_first_s"] - r["approach"]) for r in picked]
            report[f"{group}_{name}_clips"] = len(picked)
            report[f"{group}_{name}_pct_within_1s_of_rest"] = round(
                100 * sum(t <= WITHIN_S for t in rest) / max(len(picked), 1), 2)
            report[f"{group}_{name}_pct_within_1s"] = round(
                100 * sum(t <= WITHIN_S for t in first) / max(len(picked), 1), 2)
            report[f"{group}_{name}_pct_read"] = round(
                100 * sum(math.isfinite(t) for t in first) / max(len(picked), 1), 2)
            median = statistics.median(rest) if rest else math.inf
            report[f"{group}_{name}_median_s_from_rest"] = round(median, 3) if math.isfinite(
                median) else None
            report[f"{group}_{name}_wrong_reads"] = sum(r[f"{name}_wrong"] for r in picked)
            report[f"{group}_{name}_median_ms"] = round(
                statistics.median(ms for r in picked for ms in r[f"{name}_ms"]), 2)
    return report


def _presentable(meta: dict[str, Any], played: dict[str, Any]) -> bool:
    """Whether the code was wholly in frame at >= 2 px a module within 1 s of rest."""
    if any(played[f"{name}_first_s"] <= meta["approach"] + WITHIN_S for name in ("kiosk", "zxing")):
        return True  # read in that second: it was readable
    held = [px for index, px in enumerate(meta["frame_px_per_module"])
            if meta["approach"] <= index / clips.FPS <= meta["approach"] + WITHIN_S]
    return any(px >= 2.0 for px in held)


def _play(frames: Any, payload: str, every: int, approach: float) -> dict[str, Any]:
    live = LiveCodeReader()
    formats = zxingcpp.barcode_formats_from_str("QRCode,Code128")
    out: dict[str, Any] = {"kiosk_first_s": math.inf, "zxing_first_s": math.inf,
                           "kiosk_wrong": 0, "zxing_wrong": 0, "kiosk_ms": [], "zxing_ms": []}
    for index, frame in enumerate(frames):
        now = index / clips.FPS
        kiosk: list[str] = []
        if (index + 1) % every == 0:  # as CameraCodeReader: the n-th, 2n-th, ... frame
            start = time.perf_counter()
            kiosk = [code.text for code in live.feed(frame)]
            out["kiosk_ms"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        plain = [code.text for code in zxingcpp.read_barcodes(frame, formats=formats)]
        out["zxing_ms"].append((time.perf_counter() - start) * 1000)
        for name, texts in (("kiosk", kiosk), ("zxing", plain)):
            out[f"{name}_wrong"] += sum(text != payload for text in texts)
            if payload in texts:
                out[f"{name}_first_s"] = min(out[f"{name}_first_s"], now)
        if math.isfinite(out["kiosk_first_s"]) and math.isfinite(out["zxing_first_s"]):
            break  # both have read it: the rest of the clip tells nothing more
        if now > approach + WITHIN_S + 0.5:
            break  # half a second past the target: later reads count as late anyway
    return out


def show(report: dict[str, Any]) -> None:
    print(f"set {report['set']} (seed {report['seed']}), clips v{report['clip_version']}, "
          f"{clips.FPS} frames/s, kiosk fed every {report['every']} frame(s) (the camera's "
          "DECODE_EVERY), zxing every frame")
    print(f"{'group':9} {'reader':6} {'clips':>5} {'% <=1 s of rest':>15} {'% <=1 s of start':>16}"
          f" {'% read':>7} {'median s':>8} {'wrong':>5} {'ms/frame':>8}")
    for group in ("tuned", "held_out"):
        for name in ("kiosk", "zxing"):
            k = f"{group}_{name}_"
            median = report[k + "median_s_from_rest"]
            shown = f"{median:8.2f}" if median is not None else f"{'never':>8}"
            print(f"{group:9} {name:6} {report[k + 'clips']:5d}"
                  f" {report[k + 'pct_within_1s_of_rest']:15.1f}"
                  f" {report[k + 'pct_within_1s']:16.1f}"
                  f" {report[k + 'pct_read']:7.1f} {shown} {report[k + 'wrong_reads']:5d}"
                  f" {report[k + 'median_ms']:8.1f}")
        print(f"{group:9} presentable (code in frame, >= 2 px a module, in that second): "
              f"{report[group + '_pct_presentable']:.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=sorted(SEEDS), default="eval")
    parser.add_argument("--clips", type=int, default=5, help="clips per desk family")
    parser.add_argument("--every", type=int, default=None,
                        help="feed the kiosk reader every n-th frame (default: DECODE_EVERY)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.every is None:
        from kiosk.ui.camera import DECODE_EVERY
        args.every = DECODE_EVERY
    report = run(args.set, args.clips, args.every)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        show(report)


if __name__ == "__main__":
    main()
