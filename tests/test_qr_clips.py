"""The clip model of a card brought up to the camera: a reach ending at rest, then a held card."""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.scenes import clips

SIZE = (480, 270)  # small frames: the motion model is the same at any size, and quick


def drawn(seed: int) -> tuple[list[np.ndarray], dict[str, Any]]:
    frames, payload, meta = clips.clip(np.random.default_rng(seed), "wood", SIZE)
    assert payload
    return list(frames), meta


def test_every_clip_holds_the_card_for_the_whole_hold_after_its_reach() -> None:
    for seed in (3,):
        frames, meta = drawn(seed)
        approach = float(meta["approach"])
        assert clips.REACH_S[0] <= approach <= clips.REACH_S[1]
        assert len(frames) == round((approach + clips.HOLD_S) * clips.FPS) == meta["frames"]
        assert all(f.shape == (SIZE[1], SIZE[0], 3) for f in frames)
        assert meta["clip_version"] == clips.CLIP_VERSION == 2
        assert len(meta["frame_px_per_module"]) == len(frames)


def test_the_reach_is_fast_and_the_held_card_drifts_slowly() -> None:
    _, meta = drawn(5)
    centres = np.array(meta["card_centres"], np.float32)
    steps = np.linalg.norm(np.diff(centres, axis=0), axis=1)
    arrived = int(np.ceil(float(meta["approach"]) * clips.FPS))
    reach, held = steps[:arrived - 1], steps[arrived:]
    assert reach.max() > 10 * max(float(np.median(held)), 0.2)
    # It arrives at rest (minimum jerk) and the hand's drift starts from rest.
    assert steps[arrived - 1] < 0.1 * reach.max()
    assert held[0] < 0.1 * reach.max()


def test_the_code_grows_as_the_card_comes_near_and_then_keeps_its_size() -> None:
    _, meta = drawn(7)
    arrived = int(np.ceil(float(meta["approach"]) * clips.FPS))
    sizes = [float(px) for px in meta["frame_px_per_module"]]
    seen = [px for px in sizes[:arrived] if px > 0]
    held = [px for px in sizes[arrived:] if px > 0]
    assert seen and held
    assert min(held) > 1.3 * seen[0]  # far (0.4 of the size) to near
    assert max(held) - min(held) < 0.05 * max(held)  # held at one distance
