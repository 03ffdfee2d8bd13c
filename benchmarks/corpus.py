"""Benchmark corpus: synthetic photographs of pages and ID cards on desks, with truth.

``python -m benchmarks.corpus --out DIR`` writes ``pages/NNNN.jpg`` and
``cards/NNNN.jpg`` (lossless PNG would hide the JPEG artefacts a webcam makes;
each frame was already passed through JPEG once in ``degrade``, and is stored at
quality 95) plus ``truth.json`` with the page corners and QR payloads.  The
benchmarks create the corpus themselves when the directory is missing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from benchmarks.scenes import camera, desks
from benchmarks.scenes.pages import page_frame
from kiosk.demo import synthetic

DEFAULT_DIR = Path("/tmp/kiosk-corpus")
SCENES_DIR = Path("/tmp/kiosk-scenes")
TUNE_SEED = 1313
EVAL_SEED = 8086
SCENES_PER_CELL = 40  # page frames per desk family and resolution
SCENES_VERSION = 3  # bumped when the generator draws differently: a stale corpus is rebuilt
PAYLOADS = (
    synthetic.SAMPLE_CCCD_PAYLOAD,
    "001185004321|012345678|Trần Văn Đức|23071985|Nam|"
    "Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội|01022022",
    "079301009876||Lê Thị Hương Giang|05112001|Nữ|"
    "Ấp Phước Lộc, xã Phước Kiển, huyện Nhà Bè, Thành phố Hồ Chí Minh|30062021",
)


def build(out: Path, pages: int = 200, cards: int = 200, seed: int = 2024) -> None:
    """Write the corpus: half the frames easy, half hard (low light, blur, glare, covered)."""
    rng = np.random.default_rng(seed)
    truth: dict[str, object] = {"pages": {}, "cards": {}}
    for folder in ("pages", "cards"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for i in range(pages):
        hard = i % 2 == 1
        shot = synthetic.page_shot(rng, hard=hard)
        name = f"pages/{i:04d}.jpg"
        cv2.imwrite(str(out / name), shot.frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
        truth["pages"][name] = {"corners": shot.corners.tolist(), "hard": hard}  # type: ignore[index]
    for i in range(cards):
        hard = i % 2 == 1
        payload = PAYLOADS[i % len(PAYLOADS)]
        shot = synthetic.card_shot(rng, payload, hard=hard)
        name = f"cards/{i:04d}.jpg"
        cv2.imwrite(str(out / name), shot.frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
        truth["cards"][name] = {"payload": payload, "hard": hard}  # type: ignore[index]
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")


def load(out: Path = DEFAULT_DIR) -> dict[str, dict[str, dict[str, object]]]:
    """The truth table, building the corpus first if it is not there."""
    if not (out / "truth.json").exists():
        build(out)
    data: dict[str, dict[str, dict[str, object]]] = json.loads(
        (out / "truth.json").read_text(encoding="utf-8")
    )
    return data


def build_scenes(out: Path, seed: int, per_cell: int = SCENES_PER_CELL) -> None:
    """Write ``per_cell`` page frames per desk family and camera resolution, with truth."""
    rng = np.random.default_rng(seed)
    truth: dict[str, object] = {}
    (out / "pages").mkdir(parents=True, exist_ok=True)
    for family in desks.FAMILIES:
        for width, height in camera.RESOLUTIONS:
            for i in range(per_cell):
                frame, _, meta = page_frame(rng, family, (width, height))
                name = f"pages/{family}-{height}p-{i:03d}.jpg"
                cv2.imwrite(str(out / name), frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
                truth[name] = meta
    (out / "truth.json").write_text(json.dumps(truth), encoding="utf-8")


def load_scenes(seed: int, per_cell: int = SCENES_PER_CELL,
                root: Path = SCENES_DIR) -> tuple[Path, dict[str, dict[str, object]]]:
    """The wide corpus of ``seed`` (its directory and truth), building it if missing."""
    out = root / f"v{SCENES_VERSION}-seed{seed}-n{per_cell}"
    if not (out / "truth.json").exists():
        build_scenes(out, seed, per_cell)
    data: dict[str, dict[str, object]] = json.loads((out / "truth.json").read_text("utf-8"))
    return out, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    build(args.out, args.pages, args.cards, args.seed)
    print(f"corpus written to {args.out}")


if __name__ == "__main__":
    main()
