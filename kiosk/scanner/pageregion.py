"""Page candidates from colour: the paper-coloured region around a rough outline.

Edges alone are fooled wherever a desk draws its own straight lines: an outline
can close on a finger or a row of text inside the sheet, or run along a
cloth's stripe or a floor's grout line beside it.  Such an outline still lies
mostly on the sheet, and the sheet is one colour all over, so its colour (the
median of a grid over the outline's inside: text and a stamp are a minority
there) is grown into the region it belongs to, within a margin of the outline,
and that region's outline is a candidate of its own.  Colours are compared in
CIE Lab with lightness at half weight: light falls unevenly across a sheet, but
its tint does not change.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.scanner.arrays import Frame, Points, f32, u8

_LIKE = f32([32.0, 16.0, 16.0])  # Lab distance per channel within which a pixel is paper
_GRID = np.linspace(0.15, 0.85, 7, dtype=np.float32)
_GROW_MARGIN = 0.25  # of the candidate's extent, how far the region may grow past it
_KERNEL = np.ones((3, 3), np.uint8)
SCALE = 0.5  # the region is grown at half the work size: the sides are refined later


def lab(small: Frame) -> Frame:
    """The work-size frame at ``SCALE``, in 8-bit CIE Lab."""
    half = cv2.resize(small, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_AREA)
    return u8(cv2.cvtColor(half, cv2.COLOR_BGR2LAB))


def grow(quad: Points, image: Frame) -> npt.NDArray[np.int32] | None:
    """The outline of the paper-coloured region around a candidate, or ``None``.

    ``quad`` is in work-size pixels, ``image`` is ``lab``'s; the outline comes back
    in work-size pixels.  The region is everything of the paper's colour joined
    to the candidate's centre, within a margin of it, holes (text) filled.
    """
    height, width = image.shape[:2]
    quad = f32(quad) * SCALE
    paper = _paper_colour(quad[None], image)[0]
    extent = np.ptp(quad, axis=0)
    lo = np.maximum(np.floor(quad.min(axis=0) - _GROW_MARGIN * extent), 0)
    hi = np.minimum(np.ceil(quad.max(axis=0) + _GROW_MARGIN * extent), [width, height])
    x0, y0, x1, y1 = int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    mask = cv2.inRange(image[y0:y1, x0:x1], np.clip(paper - _LIKE, 0, 255),
                       np.clip(paper + _LIKE, 0, 255))
    # Text is not paper-coloured: closing joins the paper across it; opening cuts thin
    # bridges to paper-coloured squares of a cloth.
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _KERNEL)
    mask = u8(cv2.morphologyEx(mask, cv2.MORPH_OPEN, _KERNEL))
    centre = np.clip(quad.mean(axis=0) - f32([x0, y0]), 0, f32([x1 - x0 - 1, y1 - y0 - 1]))
    seed = (int(centre[0]), int(centre[1]))
    if mask[seed[1], seed[0]] == 0:
        return None
    region = np.zeros((y1 - y0 + 2, x1 - x0 + 2), np.uint8)
    cv2.floodFill(mask, region, seed, 128, flags=4 | cv2.FLOODFILL_MASK_ONLY | (255 << 8))
    contours, _ = cv2.findContours(u8(region[1:-1, 1:-1]), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea).astype(np.float32)
    outline = (biggest + f32([x0, y0])) / SCALE
    return np.asarray(np.round(outline), dtype=np.int32)


def _paper_colour(quads: Points, image: Frame) -> npt.NDArray[np.float32]:
    u = _GRID[None, None, :, None]
    v = _GRID[None, :, None, None]
    a, b, c, d = (quads[:, i, None, None, :] for i in range(4))
    pts = (1 - v) * ((1 - u) * a + u * b) + v * ((1 - u) * d + u * c)
    values = _sample(image, pts.reshape(len(quads), -1, 2))  # (n, k, 3)
    return f32(np.median(values, axis=1))


def _sample(image: Frame, pts: Points) -> npt.NDArray[np.float32]:
    xs = np.clip(pts[..., 0], 0, image.shape[1] - 1).astype(np.intp)
    ys = np.clip(pts[..., 1], 0, image.shape[0] - 1).astype(np.intp)
    return f32(image[ys, xs])
