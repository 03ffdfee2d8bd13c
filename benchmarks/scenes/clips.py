"""Short synthetic clips of a card brought up to the camera, at 15 frames/s.

The card enters far and small (often partly out of frame), moves in and turns
over ``approach`` seconds with motion blur along its path, then is held with
hand shake; a thumb holds a corner away from the code the whole time.  Every frame is degraded
independently by ``camera.degrade`` (focus hunting, exposure swings,
compression vary frame to frame, as on a webcam that is still settling) with
its motion blur left out: the card's path draws it.

``clip(rng, family, resolution)`` returns the frames, the payload and meta.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np

from benchmarks.scenes import camera, cards, desks
from kiosk.scanner.arrays import Frame, Points, f32

FPS = 15


def clip(
    rng: np.random.Generator, family: str, resolution: tuple[int, int], *, seconds: float = 2.0,
) -> tuple[Iterator[Frame], str, dict[str, Any]]:
    """Frames (generated lazily), the card's payload and meta (layout, approach seconds)."""
    width, height = resolution
    layout = str(rng.choice(cards.LAYOUTS))
    payload = cards.random_payload(rng, layout)
    sprite = cards.render(rng, layout, payload)
    background = desks.desk(rng, width, height, family)
    near = camera.random_pose(rng, width, height, cards.CARD_ASPECT, out_of_frame=False)
    # Held up to the camera: the card's long side ends at 70-100 % of the frame height,
    # its centre in the middle of the frame.
    centre = near.mean(axis=0)
    long_side = max(float(np.linalg.norm(near[1] - near[0])), 1.0)
    target = f32([width, height]) * f32(rng.uniform(0.35, 0.65, 2))
    near = _pose(near, centre, target, float(rng.uniform(0.7, 1.0)) * height / long_side, 0.0)
    centre = f32(near.mean(axis=0))
    entry = f32([rng.uniform(-0.3, 1.3) * width, rng.choice([-0.4, 1.4]) * height])
    turn = float(rng.uniform(-40, 40))
    far = _pose(near, centre, entry, 0.4, turn)
    approach = float(rng.uniform(0.4, 0.9))
    # The thumb holds a corner away from the code (its corner: TR on the 2021 front, TL on
    # the 2024 back), the same thumb in every frame.
    qr_corner = 1 if layout == "cccd2021" else 0
    corner = int(rng.choice([c for c in range(4) if c != qr_corner]))
    thumb_seed = int(rng.integers(2**31))
    thumb = float(rng.uniform(0.15, 0.22))
    frames = int(seconds * FPS)
    shake = float(rng.uniform(0.002, 0.008)) * width
    seed = int(rng.integers(2**31))
    meta = {"layout": layout, "family": family, "resolution": resolution, "approach": approach,
            "frames": frames}

    def generate() -> Iterator[Frame]:
        local = np.random.default_rng(seed)
        previous = far
        for i in range(frames):
            t = min(1.0, i / FPS / approach)
            ease = t * t * (3 - 2 * t)
            corners = _blend(far, near, ease) + f32(local.normal(0, shake, 2))
            frame = camera.place(background, sprite.image, corners)
            card_px = float(np.linalg.norm(corners[1] - corners[0]))
            frame = camera.finger(np.random.default_rng(thumb_seed), frame, corners[corner],
                                  scale=card_px * thumb)
            moved = corners.mean(axis=0) - previous.mean(axis=0)
            frame = _smear(frame, moved * 0.5)  # shutter open half the frame interval
            previous = corners
            yield camera.degrade(local, frame, motion=False)  # motion drawn above

    return generate(), payload, meta


def _pose(near: Points, centre: Points, to: Points, scale: float, degrees: float) -> Points:
    angle = np.deg2rad(degrees)
    rot = f32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return f32((near - centre) @ rot.T * scale + to)


def _blend(a: Points, b: Points, t: float) -> Points:
    return f32(a + (b - a) * t)


def _smear(frame: Frame, shift: Points) -> Frame:
    """Linear motion blur along ``shift`` (pixels moved while the shutter was open)."""
    length = float(np.hypot(*shift))
    if length < 1.5:
        return frame
    size = int(length) | 1
    kernel = np.zeros((size, size), np.float32)
    kernel[size // 2, :] = 1.0
    degrees = float(np.degrees(np.arctan2(shift[1], shift[0])))
    rot = cv2.getRotationMatrix2D((size / 2 - 0.5, size / 2 - 0.5), -degrees, 1)
    kernel = np.asarray(cv2.warpAffine(kernel, rot, (size, size)), np.float32)
    kernel /= max(float(kernel.sum()), 1e-6)
    return np.asarray(cv2.filter2D(frame, -1, kernel), np.uint8)
