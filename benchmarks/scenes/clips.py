"""Short synthetic clips of a card brought up to the camera, at 15 frames/s.

A hand reaches in with the card (entering far, small and often partly out of
frame, turning on the way), comes to rest in front of the camera and holds it
there, as a resident at the kiosk does.  The model, from how hands move rather
than from any reader's results:

- the reach lasts 0.5–1.0 s (a deliberate arm movement of 20–40 cm) and follows
  the minimum-jerk profile of human reaching (Flash & Hogan 1985): it starts
  and ends at rest, fastest half way;
- then the card is held for ``HOLD_S`` seconds.  A held hand is not frozen: it
  drifts smoothly (velocity an Ornstein–Uhlenbeck process, 0.3 s time constant)
  at a per-clip mean speed drawn from an exponential of mean 6 mm/s, the same
  hand as ``camera.webcam``'s single-frame model (which moves in 30 % of frames
  at an exponential mean of 20 mm/s: 6 mm/s over all frames), starting from rest
  on arrival, plus a 0.05–0.15 mm physiological tremor (8–12 Hz: too small to
  smear a frame);
- the shutter is open 1/60–1/30 s (indoor auto-exposure; one value a clip), so
  each frame is smeared along the path the card took while it was open;
- a thumb holds a corner away from the code the whole time.

Every frame is degraded on its own by ``camera.degrade`` (focus hunting,
exposure swings, compression vary frame to frame, as on a webcam that is still
settling) with its motion blur left out: the card's path draws it.

``clip(rng, family, resolution)`` returns the frames (generated lazily), the
payload and meta: ``approach`` (seconds until the card is at rest, the origin of
the "read within 1 s of being presented" figure), ``rest_px_per_module`` and
``rest_code_inside`` (the code where the reach ends, before any drift), and,
filled as frames are drawn, ``frame_px_per_module`` (the code's module size in
each frame, 0 where the code is not wholly in frame) and ``card_centres``.

Version 2 (``CLIP_VERSION``).  Version 1 drew the held phase as an independent
random offset in every frame (0.2–0.8 % of the frame width, ≈ 10–40 mm/s between
frames, never still) and a 2 s clip whose reach took up to 0.9 s, so "within 1 s
of the clip's start" left as little as 0.1 s of a card at rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np

from benchmarks.scenes import camera, cards, desks
from kiosk.scanner.arrays import Frame, Points, f32

CLIP_VERSION = 2  # bumped whenever a clip is drawn differently
FPS = 15
HOLD_S = 1.5  # held still after arriving: the 1 s read target fits with room
REACH_S = (0.5, 1.0)
DRIFT_MEAN_MM_S = 6.0
DRIFT_TAU_S = 0.3
TREMOR_MM = (0.05, 0.15)
EXPOSURE_S = (1 / 60, 1 / 30)
CARD_MM = 85.6


def clip(
    rng: np.random.Generator, family: str, resolution: tuple[int, int], *,
    hold: float = HOLD_S,
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
    approach = float(rng.uniform(*REACH_S))
    # The thumb holds a corner away from the code (its corner: TR on the 2021 front, TL on
    # the 2024 back), the same thumb in every frame.
    qr_corner = 1 if layout == "cccd2021" else 0
    corner = int(rng.choice([c for c in range(4) if c != qr_corner]))
    thumb_seed = int(rng.integers(2**31))
    thumb = float(rng.uniform(0.15, 0.22))
    frames = round((approach + hold) * FPS)
    px_per_mm = float(np.linalg.norm(near[1] - near[0])) / CARD_MM
    drift = float(rng.exponential(DRIFT_MEAN_MM_S)) * px_per_mm  # px/s, mean speed held
    tremor = float(rng.uniform(*TREMOR_MM)) * px_per_mm
    exposure = float(rng.uniform(*EXPOSURE_S))
    seed = int(rng.integers(2**31))
    per_frame: list[float] = []
    centres: list[tuple[float, float]] = []
    rest_qr = cards.qr_in_frame(sprite, near)
    meta = {"layout": layout, "family": family, "resolution": resolution, "approach": approach,
            "rest_px_per_module": round(cards.module_px(rest_qr, sprite.modules), 2),
            "rest_code_inside": cards.inside(rest_qr, resolution),
            "frames": frames, "clip_version": CLIP_VERSION, "drift_mm_s": drift / px_per_mm,
            "exposure_s": exposure, "frame_px_per_module": per_frame,
            "card_centres": centres}

    def at(t: float, offset: Points) -> Points:
        """The card's corners at clip time ``t`` (the drift ``offset`` only once at rest)."""
        s = min(1.0, max(0.0, t / approach))
        ease = s ** 3 * (10 - 15 * s + 6 * s * s)  # minimum jerk
        return f32(_blend(far, near, ease) + offset)

    def generate() -> Iterator[Frame]:
        local = np.random.default_rng(seed)
        # The Ornstein–Uhlenbeck velocity's stationary sd per axis for a mean speed
        # ``drift``: the speed of a 2-D Gaussian velocity has mean sd * sqrt(pi / 2).
        sd = drift / np.sqrt(np.pi / 2)
        decay = float(np.exp(-1 / (FPS * DRIFT_TAU_S)))
        velocity = f32([0, 0])  # the reach ends at rest
        offset = f32([0, 0])
        for i in range(frames):
            t = i / FPS
            held = t >= approach
            if held:
                velocity = f32(decay * velocity + np.sqrt(1 - decay ** 2) * local.normal(0, sd, 2))
                offset = f32(offset + velocity / FPS)
            shake = f32(local.normal(0, tremor, 2))
            corners = at(t, offset if held else f32([0, 0])) + shake
            opened = at(t - exposure, (offset - velocity * exposure) if held else f32([0, 0]))
            frame = camera.place(background, sprite.image, corners)
            card_px = float(np.linalg.norm(corners[1] - corners[0]))
            frame = camera.finger(np.random.default_rng(thumb_seed), frame, corners[corner],
                                  scale=card_px * thumb)
            frame = _smear(frame, corners.mean(axis=0) - opened.mean(axis=0) - shake)
            centre = corners.mean(axis=0)
            centres.append((round(float(centre[0]), 2), round(float(centre[1]), 2)))
            qr = cards.qr_in_frame(sprite, corners)
            per_frame.append(round(cards.module_px(qr, sprite.modules), 2)
                             if cards.inside(qr, resolution) else 0.0)
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
