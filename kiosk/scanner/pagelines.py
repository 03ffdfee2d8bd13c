"""Page candidates from straight edges, for desks where no mask separates the paper.

A checkered tablecloth has white squares as bright as the paper, and a glare
spot or a shadow ramp can cut a brightness mask across the page; in both cases
the page's four straight sides are still there, at least in stretches.  Edge
pixels are split by which way the brightness rises (into the page: paper is
brighter than what it lies on), so each side of the page is looked for only
among edges of its own orientation and polarity; a tablecloth's lines, whose
polarity flips at every square, lose half their votes to the opposite side.
A Hough transform per side gives candidate lines, ranked by their longest run
of consistent polarity, and every combination of one top, right, bottom and
left line is scored at once from running sums of the inside-versus-outside
contrast along each line.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.scanner.arrays import Frame, Points, f32, u8

# Sides in corner order (TL→TR top, right, bottom, left) and the way into the page from each.
_INWARD = f32([[0, 1], [-1, 0], [0, -1], [1, 0]])
_LINES_PER_SIDE = 6
_MAX_TILT = np.cos(np.deg2rad(50))  # a side's normal this far from its axis is not that side
_VOTES = 15  # edge pixels on a line, at half the work size
_HOUGH_LINES = 30
_RAW_LINES = 200
_SAME_ANGLE = np.cos(np.deg2rad(4))
_SAME_OFFSET = 2.0
_PROBE = 3.0
_STEP = 2  # pixels between samples along a line
_EDGE_STEP = 10.0
_MIN_SIDE = 40.0
_QUADS = 3
_MAX_SKEW = float(np.sin(np.deg2rad(35)))  # |cos| of a corner 90° ± 35°
_MIN_RATIO = 0.25
_NEAR_SCORE = 0.05  # a quad holding the best and this close to its score is preferred
_HOLD_SLACK = 3.0
# Edge thresholds follow the median level but stop here: on a near-white desk the
# page's border is a step of a couple of dozen levels, however bright the frame.
_CANNY_CAP = (20.0, 50.0)

Lines = tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]  # unit normals (k, 2), offsets (k,)


def line_quads(gray: Frame, median: float, min_area: float) -> list[Points]:
    """A few quads made of one line per side, in ``gray``'s pixels.

    Scored in ``edge_support``'s measure; first the outermost of the nearly best
    (see ``_outermost``), then the best ones.
    """
    ranked = [_rank(gray, normals, rhos) for normals, rhos in oriented_lines(gray, median)]
    if any(len(rhos) == 0 for (_, rhos), _ in ranked):
        return []
    sides = [lines for lines, _ in ranked]
    return _best_quads(sides, [sums for _, sums in ranked], gray.shape, min_area)


def oriented_lines(gray: Frame, median: float) -> list[Lines]:
    """For each side (top, right, bottom, left), lines whose normal points into the page.

    ``median`` is ``gray``'s median level, which sets the edge thresholds.
    The search runs at half of ``gray``'s size, where text has blurred into gray
    bands and fewer edge pixels are left; lines come back in ``gray``'s pixels.
    """
    half = u8(cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    low, high = min(0.15 * median, _CANNY_CAP[0]), min(0.4 * median, _CANNY_CAP[1])
    edges = u8(cv2.Canny(half, low, high))
    gx = cv2.Sobel(half, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(half, cv2.CV_32F, 0, 1, ksize=3)
    ys, xs = np.nonzero(edges)
    ex, ey = gx[ys, xs], gy[ys, xs]
    found = []
    for inward in _INWARD:
        along = ex * inward[0] + ey * inward[1]
        keep = along > np.abs(ex * inward[1] - ey * inward[0])
        mask = np.zeros_like(edges)
        mask[ys[keep], xs[keep]] = 255
        normals, rhos = _hough(u8(mask), inward)
        found.append((normals, f32(rhos * 2.0 + 0.5 * normals.sum(axis=1))))
    return found


def _hough(mask: Frame, inward: Points) -> Lines:
    """The strongest distinct lines in ``mask`` whose normal is within the tilt limit."""
    # Only near-horizontal lines can be a top or bottom, so the angles searched are
    # limited to those; for the left and right sides the mask is transposed first.
    upright = abs(float(inward[1])) > 0.5
    raw = cv2.HoughLines(mask if upright else np.ascontiguousarray(mask.T), 1, np.pi / 180,
                         _VOTES, min_theta=np.deg2rad(40), max_theta=np.deg2rad(140))
    if raw is None:
        return f32(np.zeros((0, 2))), f32(np.zeros(0))
    rho, theta = raw[:, 0, 0], raw[:, 0, 1]
    cos, sin = np.cos(theta), np.sin(theta)
    normals = f32(np.stack([cos, sin] if upright else [sin, cos], axis=1))
    flip = np.where(normals @ inward < 0, -1.0, 1.0).astype(np.float32)
    normals, rhos = normals * flip[:, None], f32(rho * flip)
    tilted = normals @ inward < _MAX_TILT
    normals, rhos = normals[~tilted], rhos[~tilted]
    normals, rhos = normals[:_RAW_LINES], rhos[:_RAW_LINES]
    # Fast suppression: a line goes if any stronger one (earlier) is nearly the same.
    same = (normals @ normals.T > _SAME_ANGLE) & (np.abs(rhos[:, None] - rhos[None, :])
                                                  < _SAME_OFFSET)
    kept = np.flatnonzero(~np.tril(same, -1).any(axis=1))[:_HOUGH_LINES]
    return normals[kept], rhos[kept]


def _rank(gray: Frame, normals: Points, rhos: Points) -> tuple[Lines, Points]:
    """The lines with the longest stretch of consistent polarity, and their running sums.

    A tablecloth's line has as much evidence against as for (its polarity flips
    at every square); a page's side has a long run of "brighter inside".
    """
    if len(rhos) == 0:
        return (normals, rhos), f32(np.zeros((0, 1)))
    sums, signed = _profile(gray, normals, rhos)
    best_run = np.max(signed - np.minimum.accumulate(signed, axis=1), axis=1)
    order = np.argsort(-best_run)[:_LINES_PER_SIDE]
    return (normals[order], rhos[order]), sums[order]


def _profile(gray: Frame, normals: Points, rhos: Points) -> tuple[Points, Points]:
    """Running sums of "looks like a page border here" along each line, every ``_STEP`` px.

    Line ``k`` is walked as ``p(s) = c_k + s * d_k`` for ``s`` from ``-R`` to ``R`` by ``_STEP``
    (``c_k`` its point nearest the image centre, ``d_k`` its normal turned a
    quarter, ``R`` half the diagonal).  The first array sums ``edge_support``'s
    measure, the second is signed: plus where paper-like, minus where the other way.
    """
    height, width = gray.shape
    reach = _reach(width, height)
    s = np.arange(-reach, reach + 1, _STEP, dtype=np.float32)
    centre = f32([width / 2, height / 2])
    direction = np.stack([-normals[:, 1], normals[:, 0]], axis=1)
    nearest = centre + (rhos - normals @ centre)[:, None] * normals
    base = nearest[:, None, :] + s[None, :, None] * direction[:, None, :]
    inner = _remap(gray, base + _PROBE * normals[:, None, :])
    outer = _remap(gray, base - _PROBE * normals[:, None, :])
    seen = ((base[..., 0] >= 0) & (base[..., 0] < width) & (base[..., 1] >= 0)
            & (base[..., 1] < height))
    diff = inner - outer
    above = ((diff > _EDGE_STEP) & seen).astype(np.float32)
    level = ((diff >= -_EDGE_STEP) & seen).astype(np.float32)
    return _running(0.8 * above + 0.2 * level), _running(above + level - seen)


def _reach(width: int, height: int) -> int:
    """Half the image diagonal, rounded up to whole steps: how far lines are walked."""
    return _STEP * (int(np.hypot(width, height) / 2 / _STEP) + 1)


def _running(values: Points) -> Points:
    sums = np.zeros((values.shape[0], values.shape[1] + 1), np.float32)
    np.cumsum(values, axis=1, out=sums[:, 1:])
    return sums


def _along(normals: Points, points: Points, width: int, height: int) -> Points:
    """Where ``points`` fall on their lines, as ``_profile``'s ``s`` (``normals`` matched)."""
    centre = f32([width / 2, height / 2])
    direction = np.stack([-normals[..., 1], normals[..., 0]], axis=-1)
    return f32(np.sum((points - centre) * direction, axis=-1))


def _remap(gray: Frame, pts: Points) -> npt.NDArray[np.int16]:
    map_x = np.ascontiguousarray(pts[..., 0], dtype=np.float32)
    map_y = np.ascontiguousarray(pts[..., 1], dtype=np.float32)
    image = cv2.remap(gray, map_x, map_y, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(image, dtype=np.int16)


def _best_quads(
    sides: list[Lines], profiles: list[npt.NDArray[np.float32]], shape: tuple[int, ...],
    min_area: float,
) -> list[Points]:
    """Every valid combination of one line per side, scored at once from the running sums."""
    grids = np.meshgrid(*(np.arange(len(rhos)) for _, rhos in sides), indexing="ij")
    index = [grid.ravel() for grid in grids]  # one entry per combination of four lines
    corners = [_meet(sides[j - 1], index[j - 1], sides[j], index[j]) for j in range(4)]
    quads = np.stack(corners, axis=-2)  # (combinations, 4 corners, 2)
    valid = _valid(quads, sides, index, shape, min_area)
    if not valid.any():
        return []
    flat, index = quads[valid], [i[valid] for i in index]
    scores = _score(flat, sides, index, profiles, shape)
    chosen: list[Points] = [f32(flat[_outermost(flat, scores, sides, index)])]
    for i in np.argsort(-scores):
        if scores[i] < 0 or len(chosen) == _QUADS:
            break
        if all(np.abs(flat[i] - q).max() > 3 for q in chosen):
            chosen.append(f32(flat[i]))
    return chosen


def _outermost(
    flat: Points, scores: Points, sides: list[Lines], grids: list[npt.NDArray[np.intp]]
) -> int:
    """The biggest quad that holds the best one and scores nearly as well.

    Inside a page, a row of text or the edge of a shadow is a straight line with
    paper on one side too, so a quad can close on it; the sheet's own border is
    the outermost such outline.
    """
    best = int(np.argmax(scores))
    holds = scores >= scores[best] - _NEAR_SCORE
    for j, (normals, rhos) in enumerate(sides):
        flat_index = grids[j]
        reach = normals[flat_index] @ flat[best].T  # (quads, 4 corners of the best)
        holds &= np.all(reach >= rhos[flat_index][:, None] - _HOLD_SLACK, axis=1)
    one, two = flat[:, 2] - flat[:, 0], flat[:, 3] - flat[:, 1]  # the diagonals
    area = np.abs(one[:, 0] * two[:, 1] - one[:, 1] * two[:, 0]) / 2
    return int(np.argmax(np.where(holds, area, -1.0)))


def _meet(a: Lines, ia: npt.NDArray[np.intp], b: Lines, ib: npt.NDArray[np.intp]) -> Points:
    """Where line ``a[ia]`` meets line ``b[ib]``, for every index pair."""
    na, ra = a[0][ia], a[1][ia]
    nb, rb = b[0][ib], b[1][ib]
    det = na[..., 0] * nb[..., 1] - na[..., 1] * nb[..., 0]
    det = np.where(np.abs(det) < 1e-3, 1e-3, det)  # (near) parallel: far away, ruled out later
    x = (ra * nb[..., 1] - rb * na[..., 1]) / det
    y = (na[..., 0] * rb - nb[..., 0] * ra) / det
    return f32(np.stack([x, y], axis=-1))


def _score(
    quads: Points, sides: list[Lines], grids: list[npt.NDArray[np.intp]],
    profiles: list[npt.NDArray[np.float32]], shape: tuple[int, ...],
) -> npt.NDArray[np.float32]:
    """The same measure as ``edge_support``: weakest side at half weight, out of 3.5."""
    height, width = shape[:2]
    reach = _reach(width, height)
    shares = []
    for j in range(4):
        normals = sides[j][0][grids[j]]
        s0 = _along(normals, quads[..., j, :], width, height)
        s1 = _along(normals, quads[..., (j + 1) % 4, :], width, height)
        lo, hi = np.minimum(s0, s1), np.maximum(s0, s1)
        lo, hi = lo + 0.05 * (hi - lo), hi - 0.05 * (hi - lo)
        k0 = np.clip((lo + reach) / _STEP, 0, 2 * reach // _STEP + 1).astype(np.intp)
        k1 = np.clip((hi + reach) / _STEP, 0, 2 * reach // _STEP + 1).astype(np.intp)
        sums = profiles[j]
        total = sums[grids[j], k1] - sums[grids[j], k0]
        shares.append(total / np.maximum(k1 - k0, 1))
    ordered = np.sort(np.stack(shares), axis=0)
    return f32((0.5 * ordered[0] + ordered[1:].sum(axis=0)) / 3.5)


def paper_like(quads: Points) -> npt.NDArray[np.bool_]:
    """Whether each quad (``(..., 4, 2)``) could be a sheet or card seen from above.

    A rectangle tilted on a desk under a webcam keeps its corners within
    ``_MAX_SKEW`` of square and its sides in proportion (a till receipt is the
    narrowest paper expected, about 1 : 3).
    """
    sides = np.roll(quads, -1, axis=-2) - quads
    lengths = np.maximum(np.linalg.norm(sides, axis=-1), 1e-6)
    unit = sides / lengths[..., None]
    cosines = np.abs(np.sum(unit * np.roll(unit, 1, axis=-2), axis=-1))
    across = lengths[..., 0] + lengths[..., 2]
    down = lengths[..., 1] + lengths[..., 3]
    ratio = np.minimum(across, down) / np.maximum(across, down)
    return np.asarray(np.all(cosines <= _MAX_SKEW, axis=-1) & (ratio >= _MIN_RATIO),
                      dtype=np.bool_)


def _valid(
    quads: Points, sides: list[Lines], grids: list[npt.NDArray[np.intp]],
    shape: tuple[int, ...], min_area: float,
) -> npt.NDArray[np.bool_]:
    """Convex with each line's inside facing the others, big enough, near the frame."""
    height, width = shape[:2]
    x, y = quads[..., 0], quads[..., 1]
    ok = np.all((x > -0.1 * width) & (x < 1.1 * width) & (y > -0.1 * height)
                 & (y < 1.1 * height), axis=-1)
    for j in range(4):
        normals, rhos = sides[j][0][grids[j]], sides[j][1][grids[j]]
        for c in ((j + 2) % 4, (j + 3) % 4):  # the two corners not on side j
            ok &= np.sum(quads[..., c, :] * normals, axis=-1) > rhos[...] + _MIN_SIDE / 2
    nxt = np.roll(quads, -1, axis=-2)
    ok &= np.all(np.linalg.norm(nxt - quads, axis=-1) > _MIN_SIDE, axis=-1)
    ok &= paper_like(quads)
    area = 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=-1) - np.roll(x, -1, axis=-1) * y,
                               axis=-1))
    return np.asarray(ok & (area >= min_area), dtype=np.bool_)
