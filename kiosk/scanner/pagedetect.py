"""Finding a sheet of paper (or an ID card) in a live camera frame.

The search runs on a half-size copy of the frame (a 1280×720 frame becomes
640×360) to stay within a live budget, then refines each side at full
resolution.  Candidates come from two sources, because neither works on every
desk: straight lines with the paper on their bright side (``pagelines``: the
only cue on a checkered cloth as white as the paper, or when glare or a shadow
ramp cuts the page), and masks of what is bright and unsaturated ("whiteness")
or brighter than the desk, whose outlines are reduced to the best covering
quadrilateral, so a corner under a thumb is restored.  Candidates are ranked by
how consistently the paper is the brighter side along their four sides (in gray
or in whiteness, whichever shows it), which a patterned desk or a glare spot does
not fake; less when the sides' edges run on past the corners (a cloth's or a
floor's grid lines), when the inside is mostly darker than the sides (a quad
closed along rows of dots), or when the proportions are far from a sheet or a
card.  Among nearly equal ones the outermost wins, since rows of text make
straight edges inside the page.  Masks come at several levels of whiteness and
from what is bright and even, because on a patterned cloth or among other papers
no single threshold isolates the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.scanner.arrays import Frame, Points, f32, u8
from kiosk.scanner.geometry import intersect, is_convex, order_corners, quad_area, reduce_to_quad
from kiosk.scanner.pagelines import line_quads, paper_like
from kiosk.scanner.pageregion import grow, lab

WORK_WIDTH = 640
_MIN_WORK_SIDE = 32  # work-size pixels: below this a frame is a strip, not a view
MIN_AREA_SHARE = 0.04  # smaller than this is a business card across the hall, not a page
_SIDE_SAMPLES = 24
_REFINE_RADII = (20, 6)  # full-resolution pixels searched across a side: coarse, then fine
_REFINED_CANDIDATES = 6
_MIN_SCORE = 0.66  # empty desks score up to 0.62 on the corpus; found pages 0.87+ (5th pct)
_EDGE_STEP = 10.0  # gray levels between just inside and just outside a side
_NEAR_SCORE = 0.05  # see ``outermost``
_HOLD_SLACK = 6.0  # frame pixels
_PROBE = 3.0  # work-size pixels from the side to where inside and outside are read
_EXTENSION_PENALTY = 0.2  # see ``edge_supports``
_BESIDE = 4 * _PROBE
_WHITE_SHARES = (0.12, 0.2, 0.3, 0.45)  # of the frame
_SMOOTH_MASK = True
_SHAPE_PENALTY = 0.1  # see ``_odd_shape``
_USUAL_RATIO = 0.67  # between A4 (0.71) and an ID card (0.63)
_RATIO_SLACK = 0.2
_INTERIOR_PENALTY = 0.3  # see ``_dark_inside``
_DARKER = 40.0
_DARK_ALLOWED = 0.3
_HULL_SHARE = 0.7  # of the least page area
_SMOOTH_WINDOW = 7
_SMOOTH_VARIANCE = 15.0
_OUTER_SHARE = 0.7  # see ``_fit_side``
_INLIER = 4.0  # full-resolution pixels from a side's first fit
_REFINE_SLACK = 0.02  # a refined outline may score this much less and still replace it
_GROWN = 3  # best candidates a paper-coloured region is grown from


@dataclass(frozen=True)
class Detection:
    """The page's corners in frame pixels (TL, TR, BR, BL) and how sure we are (0…1)."""

    corners: Points
    score: float


def detect_page(frame: Frame) -> Detection | None:
    """Find the most paper-like quadrilateral in a BGR frame, or ``None``.

    The longer side is brought to ``WORK_WIDTH``, so a 1 × N strip or a portrait
    frame is never blown up; a frame too narrow to hold a page has none.
    """
    if frame.ndim != 3 or frame.shape[2] != 3:
        return None
    scale = WORK_WIDTH / max(frame.shape[:2])
    if min(frame.shape[:2]) * scale < _MIN_WORK_SIDE:
        return None
    small = u8(cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    gray = u8(cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0))
    white = whiteness(small)
    views = (gray, u8(cv2.GaussianBlur(white, (5, 5), 0)))
    min_area = MIN_AREA_SHARE * gray.shape[0] * gray.shape[1]
    quads = line_quads(gray, gray_median(gray), min_area) + _candidates(white, gray, min_area)
    # The best few candidates seed paper-coloured regions, whose outlines join in:
    # a candidate that closed on a finger or a desk's line still lies mostly on the sheet.
    first = supports(quads, views)
    seeds = [quads[i] for i in np.argsort(first)[::-1][:_GROWN]]
    quads = quads + _grown(seeds, lab(small), min_area)
    scored = sorted(zip(supports(quads, views), range(len(quads)), quads, strict=True),
                    reverse=True, key=_first)
    # Refining can turn a rough outline (a page whose corners an opening rounded)
    # into an exact one, so the few best are refined and scored again; it can also
    # slide a side onto a neighbouring edge, so the unrefined outline stays in the running.
    found = []
    for score, _, quad in scored[:_REFINED_CANDIDATES]:
        corners = refine_corners(frame, quad / scale)
        refined = supports([corners * scale], views)[0]
        found.append(Detection(corners, refined) if refined >= score - _REFINE_SLACK else
                     Detection(quad / scale, score))
    best = outermost(found)
    if best is None or best.score < _MIN_SCORE:
        return None
    return best


def _grown(seeds: list[Points], colour: Frame, min_area: float
           ) -> list[Points]:
    """Quads of the paper-coloured regions grown from the best candidates (``pageregion``)."""
    found = []
    for seed in seeds:
        contour = grow(seed, colour)
        quad = None if contour is None else contour_to_quad(contour)
        if quad is not None and quad_area(quad) >= min_area and paper_like(quad):
            found.append(quad)
    return found


def whiteness(small: Frame) -> Frame:
    """Brightness less saturation: high on paper of any tint, low on coloured cloth or wood."""
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    return u8(cv2.addWeighted(hsv[..., 2], 1.0, hsv[..., 1], -1.0, 0))


def supports(quads: list[Points], views: tuple[Frame, ...]) -> list[float]:
    """``edge_support`` of each quad in the best of several views (gray, whiteness).

    White paper on a pink cloth hardly differs in gray, and a sheet on a grey
    desk hardly in whiteness; the side of a sheet stands out in at least one.
    """
    if not quads:
        return []
    batch = f32(np.stack(quads))
    best = np.max([edge_supports(batch, view) for view in views], axis=0)
    return [float(v) for v in best]


def _first(item: tuple[float, int, Points]) -> float:
    return item[0]


def outermost(found: list[Detection]) -> Detection | None:
    """The best-scoring outline, or a bigger one holding it that scores nearly as well.

    Inside a page, a row of text or the edge of a shadow is a straight line with
    paper on one side, so an outline can close on it; the sheet's own border is
    the outermost such outline.
    """
    if not found:
        return None
    best = max(found, key=_score_of)
    holding = [d for d in found if d.score >= best.score - _NEAR_SCORE and _holds(d, best)]
    return max(holding, key=lambda d: quad_area(d.corners))


def _score_of(found: Detection) -> float:
    return found.score


def _holds(outer: Detection, inner: Detection) -> bool:
    contour = outer.corners.reshape(-1, 1, 2)
    return all(cv2.pointPolygonTest(contour, (float(x), float(y)), True) >= -_HOLD_SLACK
               for x, y in inner.corners)


def _masks(white: Frame, gray: Frame) -> list[Frame]:
    # Bright and unsaturated: a white page under any light, against wood or cloth.
    masks = [cv2.threshold(white, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1],
             cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]]
    # On a patterned cloth or among other papers no one threshold isolates the sheet:
    # the brightest shares of the frame, each cut in turn, give it a chance alone.
    cumulative = np.cumsum(cv2.calcHist([white], [0], None, [256], [0, 256]).ravel())
    for share in _WHITE_SHARES:
        level = float(np.searchsorted(cumulative, white.size * (1 - share)))
        masks.append(cv2.threshold(white, level, 255, cv2.THRESH_BINARY)[1])
    if _SMOOTH_MASK:
        masks.append(_smooth(white, level))
    # Opening cuts the thin bridges a shadow line or a text row leaves to the desk.
    kernel = np.ones((5, 5), np.uint8)
    return [u8(cv2.morphologyEx(m, cv2.MORPH_OPEN, kernel)) for m in masks]


def _smooth(white: Frame, level: float) -> Frame:
    """Where the frame is bright and even: paper (its text median-filtered away), not a
    patterned cloth, whose squares or dots change within a few pixels."""
    flat = cv2.medianBlur(white, 5).astype(np.float32)
    mean = cv2.blur(flat, (_SMOOTH_WINDOW, _SMOOTH_WINDOW))
    square = cv2.blur(flat * flat, (_SMOOTH_WINDOW, _SMOOTH_WINDOW))
    even = (square - mean * mean) < _SMOOTH_VARIANCE
    return u8((even & (flat >= level)) * 255)


def _candidates(white: Frame, gray: Frame, min_area: float) -> list[Points]:
    quads: list[Points] = []
    for mask in _masks(white, gray):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        big = sorted(contours, key=cv2.contourArea, reverse=True)[:3]
        for contour in big:
            if cv2.contourArea(cv2.convexHull(contour)) < _HULL_SHARE * min_area:
                continue  # its quad would be too small too; reducing it is the dear part
            quad = contour_to_quad(np.asarray(contour, dtype=np.int32))
            if quad is not None and quad_area(quad) >= min_area and paper_like(quad):
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
    under a hand lowers the score without ruling the page out.  Less the share of
    the sides' edges that run on past the corners (see ``_extension``).
    """
    return float(edge_supports(f32(quad)[None], gray)[0])


_T_SIDE = np.linspace(0.05, 0.95, _SIDE_SAMPLES, dtype=np.float32)
_T_BEYOND = np.concatenate([np.linspace(-0.3, -0.06, _SIDE_SAMPLES // 2),
                            np.linspace(1.06, 1.3, _SIDE_SAMPLES // 2)]).astype(np.float32)


def edge_supports(quads: Points, gray: Frame) -> npt.NDArray[np.float32]:
    """``edge_support`` of many quads ``(n, 4, 2)`` at once."""
    if len(quads) == 0:
        return f32(np.zeros(0))
    height, width = gray.shape
    ends = np.roll(quads, -1, axis=1)
    span = ends - quads
    direction = span / np.maximum(np.linalg.norm(span, axis=2), 1e-6)[..., None]
    # Outward normals of a clockwise quad (screen coordinates, y down).
    outward = f32(np.stack([direction[..., 1], -direction[..., 0]], axis=2)[:, :, None, :])
    t = np.concatenate([_T_SIDE, _T_BEYOND])[None, None, :, None]
    pts = quads[:, :, None, :] + span[:, :, None, :] * t  # (n, 4 sides, samples, 2)
    inner = _sample(gray, pts - _PROBE * outward)
    diff = inner - _sample(gray, pts + _PROBE * outward)
    seen = ((pts[..., 0] >= _PROBE) & (pts[..., 0] < width - _PROBE)
            & (pts[..., 1] >= _PROBE) & (pts[..., 1] < height - _PROBE))
    side, beyond = diff[..., :_SIDE_SAMPLES], diff[..., _SIDE_SAMPLES:]
    on_frame = seen[..., :_SIDE_SAMPLES].mean(axis=2)
    share = 0.8 * (side > _EDGE_STEP).mean(axis=2) + 0.2 * (side > -_EDGE_STEP).mean(axis=2)
    ordered = np.sort(share * on_frame, axis=1)
    support = (ordered[:, 0] * 0.5 + ordered[:, 1:].sum(axis=1)) / 3.5
    # A sheet's side ends at its corners; the border of a tablecloth's square or a
    # tile runs on along the grid line (with either polarity).
    # A busy desk (dots, grain) has edges crossing any line: only what exceeds the
    # rate on a parallel line a little further out counts.
    far = pts[:, :, _SIDE_SAMPLES:] + _BESIDE * outward
    beside = _sample(gray, far - _PROBE * outward) - _sample(gray, far + _PROBE * outward)
    seen_beyond = seen[..., _SIDE_SAMPLES:]
    counted = seen_beyond.sum(axis=2)
    excess = (np.abs(beyond) > _EDGE_STEP).astype(np.float32) - (np.abs(beside) > _EDGE_STEP)
    runs = np.clip((excess * seen_beyond).sum(axis=2) / np.maximum(counted, 1), 0, 1)
    extension = np.where(counted >= _SIDE_SAMPLES // 4, runs, 0.0).mean(axis=1)
    dark = _dark_inside(quads, gray, np.median(inner[..., :_SIDE_SAMPLES], axis=(1, 2)))
    return f32(support - _EXTENSION_PENALTY * extension - _SHAPE_PENALTY * _odd_shape(quads)
               - _INTERIOR_PENALTY * dark)


_GRID = np.linspace(0.1, 0.9, 8, dtype=np.float32)


def _dark_inside(quads: Points, gray: Frame, edge_level: npt.NDArray[np.float32],
                 ) -> npt.NDArray[np.float32]:
    """How much of the quad's inside is much darker than just inside its sides (0…1),
    beyond the share text and a photo take on a page.

    A sheet is paper all over; a quad closed along the rows of a dotted or
    checkered cloth has the cloth's darker colour inside.
    """
    u = _GRID[None, None, :, None]
    v = _GRID[None, :, None, None]
    a, b, c, d = (quads[:, i, None, None, :] for i in range(4))
    pts = (1 - v) * ((1 - u) * a + u * b) + v * ((1 - u) * d + u * c)
    values = _sample(gray, pts.reshape(len(quads), -1, 2))
    share = (values < edge_level[:, None] - _DARKER).mean(axis=1)
    return f32(np.clip((share - _DARK_ALLOWED) / (1 - _DARK_ALLOWED), 0, 1))


def _odd_shape(quads: Points) -> npt.NDArray[np.float32]:
    """0 for the proportions of A4 or an ID card (seen at a tilt), up to 1 far from them.

    An outline that closed on a row of text cuts the sheet short, and one that ran
    on over a neighbouring paper is too square: both are out of proportion.
    """
    lengths = np.linalg.norm(np.roll(quads, -1, axis=1) - quads, axis=2)
    across = lengths[:, 0] + lengths[:, 2]
    down = lengths[:, 1] + lengths[:, 3]
    ratio = np.minimum(across, down) / np.maximum(np.maximum(across, down), 1e-6)
    off = np.abs(np.log(np.maximum(ratio, 1e-6) / _USUAL_RATIO))
    return f32(np.clip((off - _RATIO_SLACK) / 0.5, 0, 1))


def _sample(gray: Frame, pts: Points) -> npt.NDArray[np.float32]:
    xs = np.clip(pts[..., 0], 0, gray.shape[1] - 1).astype(np.intp)
    ys = np.clip(pts[..., 1], 0, gray.shape[0] - 1).astype(np.intp)
    return f32(gray[ys, xs])


def gray_median(gray: Frame) -> float:
    """The median gray level, from a histogram (much cheaper than sorting the pixels)."""
    hist = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()
    return float(np.searchsorted(np.cumsum(hist), gray.size / 2))


def refine_corners(image: Frame, corners: Points) -> Points:
    """Move each side onto the strongest nearby edge at full resolution and re-intersect.

    A coarse corner found at half size is off by a pixel or two and rounded by
    blur; fitting a line to each side through many edge points is both more
    precise and indifferent to a dog-eared or covered corner.  A wide search
    first, then a narrow one around what it found.
    """
    for radius in _REFINE_RADII:
        corners = _refine_once(image, corners, radius)
    return corners


def _refine_once(image: Frame, corners: Points, radius: int) -> Points:
    pairs = zip(corners, np.roll(corners, -1, axis=0), strict=True)
    lines = [_fit_side(image, a, b, radius) for a, b in pairs]
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


def _fit_side(image: Frame, a: Points, b: Points, radius: int) -> tuple[Points, Points] | None:
    """A line (point, direction) through the strongest edge across the side, or ``None``."""
    direction = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    normal = f32([-direction[1], direction[0]])
    t = np.linspace(0.1, 0.9, 32, dtype=np.float32)[:, None]
    base = a + (b - a) * t
    offsets = np.arange(-radius, radius + 1, dtype=np.float32)
    samples = base[:, None, :] + offsets[None, :, None] * normal
    map_x = samples[..., 0].astype(np.float32)
    map_y = samples[..., 1].astype(np.float32)
    profile = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if profile.ndim == 3:  # only the few samples are turned gray, not the whole frame
        profile = cv2.cvtColor(profile, cv2.COLOR_BGR2GRAY)
    # Positive where the image gets brighter going inwards: paper is the brighter side.
    step = np.diff(profile.astype(np.float32), axis=1)
    strong = step.max(axis=1) > 6
    if int(strong.sum()) < 6:
        return None
    shift = offsets[:-1] + 0.5
    # The outermost step nearly as strong as the strongest: a letterhead band or a
    # table's rule just inside the border steps up as much as the border itself.
    near = step[strong] >= _OUTER_SHARE * step[strong].max(axis=1, keepdims=True)
    points = base[strong] + shift[np.argmax(near, axis=1)][:, None] * normal
    vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    # A finger or a glare spot over the side gives points off the line: fit again without them.
    off = np.abs((points[:, 0] - x0) * vy - (points[:, 1] - y0) * vx)
    kept = points[off <= _INLIER]
    if _INLIER > 0 and 6 <= len(kept) < len(points):
        vx, vy, x0, y0 = cv2.fitLine(f32(kept), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    return f32([x0, y0]), f32([vx, vy])
