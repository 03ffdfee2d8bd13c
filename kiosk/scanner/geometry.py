"""Small geometry on quadrilaterals: ordering corners, areas, line intersections.

Corners are always a ``(4, 2)`` float32 array in the order top-left, top-right,
bottom-right, bottom-left, in the pixel coordinates of the frame they were found in.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.scanner.arrays import Points


def order_corners(points: npt.ArrayLike) -> Points:
    """Put four points in TL, TR, BR, BL order, whatever order they came in.

    Sorting by angle around the centre works for any convex quad, even one
    rotated by 45° where the usual "smallest x + y" trick picks two corners.
    """
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    ring = pts[np.argsort(angles)]  # clockwise on screen (y grows downwards)
    start = int(np.argmin(ring.sum(axis=1)))
    return np.roll(ring, -start, axis=0).astype(np.float32)


def quad_area(corners: Points) -> float:
    return float(abs(cv2.contourArea(corners.reshape(-1, 1, 2).astype(np.float32))))


def is_convex(corners: Points) -> bool:
    return bool(cv2.isContourConvex(corners.reshape(-1, 1, 2).astype(np.float32)))


def side_lengths(corners: Points) -> npt.NDArray[np.float64]:
    """Lengths of the sides top, right, bottom, left."""
    nxt = np.roll(corners, -1, axis=0)
    return np.asarray(np.linalg.norm(nxt - corners, axis=1), dtype=np.float64)


def intersect(p1: Points, d1: Points, p2: Points, d2: Points) -> Points | None:
    """Where the line through ``p1`` along ``d1`` meets the one through ``p2`` along ``d2``."""
    cross = float(d1[0] * d2[1] - d1[1] * d2[0])
    if abs(cross) < 1e-6:
        return None
    delta = p2 - p1
    t = float(delta[0] * d2[1] - delta[1] * d2[0]) / cross
    return (p1 + t * d1).astype(np.float32)


def reduce_to_quad(polygon: Points) -> Points | None:
    """The quadrilateral that covers a convex polygon while adding the least area.

    Repeatedly replaces the edge whose removal (extending its two neighbours
    until they meet) adds the smallest triangle.  A page with a corner hidden
    under a thumb gives a five-sided hull; this restores the missing corner.
    """
    pts = [p.astype(np.float32) for p in polygon.reshape(-1, 2)]
    while len(pts) > 4:
        best: tuple[float, int, Points] | None = None
        n = len(pts)
        for i in range(n):
            a, b, c, d = pts[i - 1], pts[i], pts[(i + 1) % n], pts[(i + 2) % n]
            meet = intersect(b, b - a, c, d - c)
            if meet is None:
                continue
            added = abs(_cross(c - b, meet - b)) / 2
            if best is None or added < best[0]:
                best = (added, i, meet)
        if best is None:
            return None
        _, i, meet = best
        pts[i] = meet
        del pts[(i + 1) % n]
    if len(pts) != 4:
        return None
    return order_corners(np.array(pts))


def max_corner_error(found: Points, truth: Points) -> float:
    """The largest distance between matching corners (both in TL, TR, BR, BL order)."""
    return float(np.max(np.linalg.norm(order_corners(found) - order_corners(truth), axis=1)))


def aspect_of(corners: Points) -> float:
    """Width over height of the rectangle the quad shows, averaging opposite sides.

    Ignores perspective foreshortening, which is small for a camera looking
    roughly down at a desk; good enough to tell A4 from an ID card.
    """
    top, right, bottom, left = side_lengths(corners)
    height = (left + right) / 2
    return math.inf if height == 0 else float((top + bottom) / 2 / height)


def _cross(u: Points, v: Points) -> float:
    return float(u[0] * v[1] - u[1] * v[0])
