"""Finding a sheet of paper (or an ID card) in a live camera frame.

The search runs on a half-size copy of the frame (a 1280×720 frame becomes
640×360) to stay within a live budget, then refines each side at full
resolution.  Candidates come from several masks, because no single one works
on every desk: paper is bright and unsaturated ("whiteness"), usually brighter
than the desk (gray level), and has straight edges (Canny).  Each candidate's
outline is reduced to the best covering quadrilateral, so a corner under a thumb
is restored, and candidates are ranked by how much image gradient runs along
their four sides, which a patterned desk or a glare spot does not fake.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.scanner.arrays import Frame, Points, f32, u8
from kiosk.scanner.geometry import intersect, is_convex, order_corners, quad_area, reduce_to_quad

WORK_WIDTH = 640
MIN_AREA_SHARE = 0.04  # smaller than this is a business card across the hall, not a page
_SIDE_SAMPLES = 24
_REFINE_RADII = (20, 6)  # full-resolution pixels searched across a side: coarse, then fine
_REFINED_CANDIDATES = 3
_MIN_SCORE = 0.66  # empty desks score up to 0.62 on the corpus; found pages 0.87+ (5th pct)
_EDGE_STEP = 10.0  # gray levels between just inside and just outside a side
_PROBE = 3.0  # work-size pixels from the side to where inside and outside are read


@dataclass(frozen=True)
class Detection:
    """The page's corners in frame pixels (TL, TR, BR, BL) and how sure we are (0…1)."""

    corners: Points
    score: float


def detect_page(frame: Frame) -> Detection | None:
    """Find the most paper-like quadrilateral in a BGR frame, or ``None``."""
    scale = WORK_WIDTH / frame.shape[1]
    small = u8(cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    gray = u8(cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0))
    min_area = MIN_AREA_SHARE * gray.shape[0] * gray.shape[1]
    scored = sorted(((edge_support(q, gray), i, q) for i, q in
                     enumerate(_candidates(small, gray, min_area))), reverse=True, key=_first)
    full_gray = u8(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
    best: Detection | None = None
    # Refining can turn a rough outline (a page whose corners an opening rounded)
    # into an exact one, so the few best are refined and scored again.
    for _, _, quad in scored[:_REFINED_CANDIDATES]:
        corners = refine_corners(full_gray, quad / scale)
        score = edge_support(corners * scale, gray)
        if best is None or score > best.score:
            best = Detection(corners, score)
    if best is None or best.score < _MIN_SCORE:
        return None
    return best


def _first(item: tuple[float, int, Points]) -> float:
    return item[0]


def _masks(small: Frame, gray: Frame) -> list[Frame]:
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    # Bright and unsaturated: a white page under any light, against wood or cloth.
    white = cv2.addWeighted(hsv[..., 2], 1.0, hsv[..., 1], -1.0, 0)
    masks = [
        u8(cv2.threshold(white, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]),
        u8(cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]),
    ]
    # Edges: the only cue left when the desk is as light as the paper.
    median = float(np.median(gray))
    edges = cv2.Canny(gray, 0.4 * median, 1.0 * median)
    masks.append(u8(cv2.dilate(edges, np.ones((3, 3), np.uint8))))
    # A white square of a tablecloth touching the page merges with it; an opening
    # wider than such squares but narrower than a page removes them.
    # Closing first fills the text rows, which would otherwise let the opening eat the page.
    filled = cv2.morphologyEx(masks[0], cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    masks.append(u8(cv2.morphologyEx(filled, cv2.MORPH_OPEN, np.ones((41, 41), np.uint8))))
    kernel = np.ones((5, 5), np.uint8)
    # Opening cuts the thin bridges a shadow line or a text row leaves to the desk.
    masks[:2] = [u8(cv2.morphologyEx(m, cv2.MORPH_OPEN, kernel)) for m in masks[:2]]
    return masks


def _candidates(small: Frame, gray: Frame, min_area: float) -> list[Points]:
    quads: list[Points] = []
    for mask in _masks(small, gray):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        big = sorted(contours, key=cv2.contourArea, reverse=True)[:3]
        for contour in big:
            quad = contour_to_quad(np.asarray(contour, dtype=np.int32))
            if quad is not None and quad_area(quad) >= min_area:
                quads.append(quad)
    return quads


def contour_to_quad(contour: npt.NDArray[np.int32]) -> Points | None:
    """The best covering quadrilateral of a contour's convex hull, or ``None``."""
    hull = cv2.convexHull(contour)
    if len(hull) < 4:
        return None
    perimeter = cv2.arcLength(hull, True)
    simple = f32(cv2.approxPolyDP(hull, 0.01 * perimeter, True))
    if len(simple) < 4:
        return None
    quad = reduce_to_quad(simple)
    if quad is None or not is_convex(quad):
        return None
    return quad


def edge_support(quad: Points, gray: Frame) -> float:
    """How much the quad's sides look like the border of a sheet of paper (0…1).

    Along each side, the image just inside is compared with the image just
    outside.  Paper is brighter than what lies around it, or at worst as bright
    (a white square of a tablecloth), never darker; a desk pattern's lines are
    darker on the inside half the time.  The weakest side counts half, so a side
    under a hand lowers the score without ruling the page out.
    """
    height, width = gray.shape
    shares = []
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        t = np.linspace(0.05, 0.95, _SIDE_SAMPLES, dtype=np.float32)[:, None]
        pts = a + (b - a) * t
        direction = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
        # Outward normal of a clockwise quad (screen coordinates, y down).
        outward = f32([direction[1], -direction[0]])
        inner = _sample(gray, pts - _PROBE * outward)
        outer = _sample(gray, pts + _PROBE * outward)
        seen = _inside_frame(pts, width, height)
        diff = inner - outer
        share = 0.8 * float(np.mean(diff > _EDGE_STEP)) + 0.2 * float(np.mean(diff > -_EDGE_STEP))
        shares.append(share * float(seen.mean()))
    ordered = sorted(shares)
    return (ordered[0] * 0.5 + sum(ordered[1:])) / 3.5


def _sample(gray: Frame, pts: Points) -> npt.NDArray[np.float32]:
    xs = np.clip(pts[:, 0], 0, gray.shape[1] - 1).astype(int)
    ys = np.clip(pts[:, 1], 0, gray.shape[0] - 1).astype(int)
    return f32(gray[ys, xs])


def _inside_frame(pts: Points, width: int, height: int) -> npt.NDArray[np.bool_]:
    return np.asarray((pts[:, 0] >= 0) & (pts[:, 0] < width) & (pts[:, 1] >= 0)
                      & (pts[:, 1] < height), dtype=np.bool_)


def refine_corners(gray: Frame, corners: Points) -> Points:
    """Move each side onto the strongest nearby edge at full resolution and re-intersect.

    A coarse corner found at half size is off by a pixel or two and rounded by
    blur; fitting a line to each side through many edge points is both more
    precise and indifferent to a dog-eared or covered corner.  A wide search
    first, then a narrow one around what it found.
    """
    for radius in _REFINE_RADII:
        corners = _refine_once(gray, corners, radius)
    return corners


def _refine_once(gray: Frame, corners: Points, radius: int) -> Points:
    pairs = zip(corners, np.roll(corners, -1, axis=0), strict=True)
    lines = [_fit_side(gray, a, b, radius) for a, b in pairs]
    refined = []
    for i in range(4):
        prev_line, line = lines[i - 1], lines[i]
        if prev_line is None or line is None:
            return f32(corners)
        meet = intersect(prev_line[0], prev_line[1], line[0], line[1])
        if meet is None or np.linalg.norm(meet - corners[i]) > 3 * radius:
            return f32(corners)
        refined.append(meet)
    quad = order_corners(np.array(refined))
    return quad if is_convex(quad) else f32(corners)


def _fit_side(gray: Frame, a: Points, b: Points, radius: int) -> tuple[Points, Points] | None:
    """A line (point, direction) through the strongest edge across the side, or ``None``."""
    direction = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    normal = f32([-direction[1], direction[0]])
    t = np.linspace(0.1, 0.9, 32, dtype=np.float32)[:, None]
    base = a + (b - a) * t
    offsets = np.arange(-radius, radius + 1, dtype=np.float32)
    samples = base[:, None, :] + offsets[None, :, None] * normal
    map_x = samples[..., 0].astype(np.float32)
    map_y = samples[..., 1].astype(np.float32)
    profile = cv2.remap(gray, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    step = np.abs(np.diff(profile.astype(np.float32), axis=1))
    strong = step.max(axis=1) > 6
    if int(strong.sum()) < 6:
        return None
    shift = offsets[:-1] + 0.5
    points = base[strong] + shift[np.argmax(step[strong], axis=1)][:, None] * normal
    vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return f32([x0, y0]), f32([vx, vy])
