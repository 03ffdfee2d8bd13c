"""Desk backgrounds for the wide scene generator: wood, cloth, tiles, clutter, dark, plain.

Every desk is drawn from a ``numpy.random.Generator`` (one seed, one picture) and
varied within its family: grain direction and frequency, cloth pattern and
colours, tile size and grout, how much paper and how many objects lie around,
and a lighting gradient with a soft shadow over all of it.

``HELD_OUT`` names the family that no tuning may look at; the benchmarks report
it on its own.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.scanner.arrays import Frame, f32, u8

Float = npt.NDArray[np.float32]

FAMILIES: tuple[str, ...] = ("wood", "cloth", "tiles", "clutter", "dark", "plain")
HELD_OUT = "tiles"
TUNED: tuple[str, ...] = tuple(f for f in FAMILIES if f != HELD_OUT)
_DRAW_WIDTH = 1280


def desk(rng: np.random.Generator, width: int, height: int, family: str) -> Frame:
    """A BGR uint8 desk of ``height`` × ``width`` from ``family`` (one of ``FAMILIES``)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown desk family {family!r}; known: {', '.join(FAMILIES)}")
    draw = {"wood": _wood, "cloth": _cloth, "tiles": _tiles, "clutter": _clutter,
            "dark": _dark, "plain": _plain}[family]
    # Above 720p the texture is drawn at 1280 wide and scaled up: a webcam's optics
    # blur a desk's finest grain anyway, and it keeps a 1080p corpus quick to build.
    factor = min(1.0, _DRAW_WIDTH / width)
    dw, dh = round(width * factor), round(height * factor)
    image = _lighting(rng, draw(rng, dw, dh), dark=family == "dark")
    if factor < 1.0:
        image = f32(cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR))
    image += rng.normal(0, float(rng.uniform(1.5, 5.0)), (height, width, 1)).astype(np.float32)
    return u8(np.clip(image, 0, 255))


def _coarse(rng: np.random.Generator, width: int, height: int, cells: int) -> Float:
    """Smooth low-frequency noise in roughly -1…1 of the frame's size."""
    grid = rng.normal(0, 1, (max(2, cells * height // max(width, 1)), cells)).astype(np.float32)
    return f32(np.asarray(cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)))


def _wood(rng: np.random.Generator, width: int, height: int) -> Float:
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = float(rng.uniform(0, np.pi))
    across = np.cos(angle) * xx + np.sin(angle) * yy
    period = float(rng.uniform(6, 30))
    warp = _coarse(rng, width, height, int(rng.integers(4, 14))) * float(rng.uniform(1.5, 5))
    rings = np.sin(across / period + warp)
    fine = np.sin(across / float(rng.uniform(1.5, 3.5)) + warp * 2) * 0.3
    base = float(rng.uniform(60, 190))
    tone = base + float(rng.uniform(10, 35)) * (rings + fine)
    # Planks: a dark seam every so often along the grain.
    if rng.random() < 0.6:
        plank = float(rng.uniform(120, 400))
        tone = tone - 40 * (np.abs(((across + 1000) % plank) - 1) < 1.5)
    hue = rng.uniform([0.45, 0.7, 1.0], [0.7, 0.9, 1.3])
    return f32(np.stack([tone * hue[0], tone * hue[1], tone * hue[2]], axis=-1))


def _cloth(rng: np.random.Generator, width: int, height: int) -> Float:
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = float(rng.uniform(-0.6, 0.6))
    u = np.cos(angle) * xx + np.sin(angle) * yy
    v = -np.sin(angle) * xx + np.cos(angle) * yy
    cell = float(rng.uniform(12, 80))
    a = rng.uniform(40, 250, 3)
    b = rng.uniform(40, 250, 3) if rng.random() < 0.6 else np.full(3, float(rng.uniform(200, 250)))
    kind = int(rng.integers(0, 4))
    if kind == 0:  # checker
        mask = ((u // cell + v // cell) % 2).astype(np.float32)
    elif kind == 1:  # stripes
        mask = ((u // cell) % 2).astype(np.float32)
    elif kind == 2:  # gingham: two stripe sets mixed
        mask = (((u // cell) % 2) + ((v // cell) % 2)).astype(np.float32) / 2
    else:  # dots
        mask = ((((u % cell) - cell / 2) ** 2 + ((v % cell) - cell / 2) ** 2)
                < (cell * 0.3) ** 2).astype(np.float32)
    image = a[None, None, :] * (1 - mask[..., None]) + b[None, None, :] * mask[..., None]
    weave = (np.sin(xx * 1.7) * np.sin(yy * 1.7))[..., None] * float(rng.uniform(2, 8))
    # Folds: soft dark bands.
    folds = 1 - 0.15 * np.abs(_coarse(rng, width, height, 5))[..., None]
    return f32((image + weave) * folds)


def _tiles(rng: np.random.Generator, width: int, height: int) -> Float:
    tile = int(rng.integers(40, 220))
    grout = int(rng.integers(2, 9))
    colour = rng.uniform(90, 245, 3)
    if rng.random() < 0.5:
        colour = np.full(3, float(rng.uniform(150, 245))) + rng.uniform(-10, 10, 3)
    grout_colour = colour * float(rng.uniform(0.35, 0.8))
    big = int(np.hypot(width, height)) + 2 * tile
    image = np.empty((big, big, 3), np.float32)
    image[:] = grout_colour
    for ty in range(0, big, tile):
        for tx in range(0, big, tile):
            shade = colour * float(rng.uniform(0.9, 1.08))
            image[ty + grout:ty + tile, tx + grout:tx + tile] = shade
    centre = (big / 2, big / 2)
    matrix = cv2.getRotationMatrix2D(centre, float(rng.uniform(-30, 30)), 1.0)
    matrix[:, 2] += np.array([width / 2 - big / 2, height / 2 - big / 2])
    rotated = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR)
    speckle = _coarse(rng, width, height, 40)[..., None] * float(rng.uniform(2, 10))
    return f32(np.asarray(rotated) + speckle)


def _plain(rng: np.random.Generator, width: int, height: int) -> Float:
    level = rng.uniform(100, 225, 3) if rng.random() < 0.5 else np.full(3, rng.uniform(120, 225))
    mottle = _coarse(rng, width, height, 8)[..., None] * float(rng.uniform(2, 10))
    return f32(np.ones((height, width, 3), np.float32) * level + mottle)


def _dark(rng: np.random.Generator, width: int, height: int) -> Float:
    choice = rng.random()
    if choice < 0.4:
        base = _wood(rng, width, height) * float(rng.uniform(0.25, 0.5))
    elif choice < 0.7:
        base = _cloth(rng, width, height) * float(rng.uniform(0.2, 0.4))
    else:
        base = np.ones((height, width, 3), np.float32) * rng.uniform(15, 60, 3)
    return f32(base + _coarse(rng, width, height, 6)[..., None] * 4)


def _clutter(rng: np.random.Generator, width: int, height: int) -> Float:
    base = (_wood if rng.random() < 0.5 else _plain)(rng, width, height)
    image = np.clip(base, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(2, 7))):
        _paper_scrap(rng, image)
    for _ in range(int(rng.integers(1, 5))):
        _pen(rng, image)
    if rng.random() < 0.6:
        _phone(rng, image)
    return f32(image.astype(np.float32))


def _paper_scrap(rng: np.random.Generator, image: Frame) -> None:
    height, width = image.shape[:2]
    w = float(rng.uniform(0.1, 0.45)) * width
    h = w * float(rng.uniform(0.5, 1.5))
    centre = rng.uniform([0, 0], [width, height])
    rect = ((float(centre[0]), float(centre[1])), (w, h), float(rng.uniform(0, 180)))
    box = cv2.boxPoints(rect).astype(np.int32)
    tone = rng.uniform(180, 250, 3) if rng.random() < 0.7 else rng.uniform(120, 250, 3)
    cv2.fillConvexPoly(image, box, tone.tolist(), cv2.LINE_AA)
    # Some lines of "text" on the scrap.
    for k in range(int(rng.integers(0, 8))):
        t = (k + 1) / 10
        a = box[0] + (box[3] - box[0]) * t
        b = box[1] + (box[2] - box[1]) * t
        mid = a + (b - a) * float(rng.uniform(0.4, 0.9))
        cv2.line(image, tuple(int(v) for v in a + (b - a) * 0.1),
                 tuple(int(v) for v in mid), (70, 70, 70), 1, cv2.LINE_AA)


def _pen(rng: np.random.Generator, image: Frame) -> None:
    height, width = image.shape[:2]
    start = rng.uniform([0, 0], [width, height])
    angle = float(rng.uniform(0, 2 * np.pi))
    length = float(rng.uniform(0.1, 0.25)) * width
    end = start + length * np.array([np.cos(angle), np.sin(angle)])
    colour = rng.uniform(0, 255, 3).tolist()
    thick = int(rng.integers(max(3, width // 200), max(5, width // 90)))
    cv2.line(image, (int(start[0]), int(start[1])), (int(end[0]), int(end[1])), colour, thick,
             cv2.LINE_AA)


def _phone(rng: np.random.Generator, image: Frame) -> None:
    height, width = image.shape[:2]
    w = float(rng.uniform(0.06, 0.12)) * width
    centre = rng.uniform([0, 0], [width, height])
    rect = ((float(centre[0]), float(centre[1])), (w, w * 2.05), float(rng.uniform(0, 180)))
    box = cv2.boxPoints(rect).astype(np.int32)
    cv2.fillConvexPoly(image, box, (20, 20, 25), cv2.LINE_AA)
    inner = cv2.boxPoints((rect[0], (w * 0.88, w * 1.85), rect[2])).astype(np.int32)
    screen = (60, 50, 40) if rng.random() < 0.5 else rng.uniform(60, 220, 3).tolist()
    cv2.fillConvexPoly(image, inner, screen, cv2.LINE_AA)


def _lighting(rng: np.random.Generator, image: Float, *, dark: bool) -> Float:
    height, width = image.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = float(rng.uniform(0, 2 * np.pi))
    ramp = np.cos(angle) * xx / width + np.sin(angle) * yy / height
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    strength = float(rng.uniform(0.0, 0.45))
    light = 1.0 - strength * ramp
    if dark:
        light = light * float(rng.uniform(0.4, 0.8))
    if rng.random() < 0.4:  # a soft shadow of something outside the frame (a head, an arm)
        mask = np.zeros((height, width), np.float32)
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = (int(rng.uniform(0.15, 0.5) * width), int(rng.uniform(0.15, 0.5) * height))
        cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
        mask = f32(cv2.GaussianBlur(mask, (0, 0), width / 25))
        light = light * (1 - float(rng.uniform(0.15, 0.4)) * mask)
    return f32(image * light[..., None])
