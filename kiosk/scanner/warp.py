"""From a photographed page to a flat, clean page image.

``warp_page`` maps the four corners to a rectangle of the paper's real
proportions (A4, A5 or ID card, recognised from the outline), ``deskew``
straightens the small rotation left in scans and whole-frame captures, and
``enhance`` turns uneven lighting into a clean white background with dark text.
``whole_frame`` and ``manual_corners`` are what the UI uses when detection is
wrong: the resident (or an official) always has the last word.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.domain.errors import error_from_table
from kiosk.scanner.arrays import Frame, Points, f32, u8
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.geometry import aspect_of, is_convex, order_corners, quad_area

MESSAGES: dict[str, str] = {
    "corners_count": "Cần đúng bốn góc của tờ giấy.",
    "corners_shape": "Bốn góc không tạo thành một tờ giấy. Xin kéo các góc lại cho đúng.",
}


@dataclass(frozen=True)
class Paper:
    """A paper size in millimetres, portrait (width ≤ height)."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def aspect(self) -> float:
        return self.width_mm / self.height_mm


A4 = Paper("A4", 210.0, 297.0)
A5 = Paper("A5", 148.0, 210.0)
ID_CARD = Paper("ID", 53.98, 85.6)
PAPERS = (A4, A5, ID_CARD)
MM_PER_INCH = 25.4
_ASPECT_TOLERANCE = 0.08  # 8 %: a 16:9 frame (12 % from an ID card) keeps its shape


def guess_paper(corners: Points) -> tuple[Paper, bool]:
    """The paper whose proportions are nearest the outline's, and whether it lies landscape."""
    aspect = aspect_of(corners)
    landscape = aspect > 1.0
    portrait_aspect = 1 / aspect if landscape else aspect
    paper = min(PAPERS, key=lambda p: abs(np.log(p.aspect / portrait_aspect)))
    # Far from every known size (a receipt, the whole frame): keep what was seen.
    if abs(np.log(paper.aspect / portrait_aspect)) > _ASPECT_TOLERANCE:
        paper = Paper("other", 297.0 * portrait_aspect, 297.0)
    return paper, landscape


def warp_page(
    frame: Frame, corners: Points, *, paper: Paper | None = None, dpi: int = 200,
    max_upscale: float = 2.0,
) -> Frame:
    """The page cut out and flattened to ``paper`` proportions, at up to ``dpi``.

    A webcam sees an A4 page at maybe 90 dpi; blowing that up to 200 dpi adds
    bytes, not detail, so the output stops at ``max_upscale`` times what the
    camera resolved.
    """
    corners = order_corners(corners)
    guessed, landscape = guess_paper(corners)
    paper = paper or guessed
    long_px = paper.height_mm / MM_PER_INCH * dpi
    seen = float(max(np.linalg.norm(corners[1] - corners[0]),
                     np.linalg.norm(corners[3] - corners[0])))
    long_px = min(long_px, seen * max_upscale)
    short_px = long_px * paper.aspect
    width, height = (long_px, short_px) if landscape else (short_px, long_px)
    size = (max(1, round(width)), max(1, round(height)))
    target = f32([[0, 0], [size[0] - 1, 0], [size[0] - 1, size[1] - 1], [0, size[1] - 1]])
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    warped = cv2.warpPerspective(frame, matrix, size, flags=cv2.INTER_CUBIC,
                                 borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(warped, dtype=np.uint8)


def finish_page(
    frame: Frame, corners: Points, *, color: bool = False, paper: Paper | None = None,
    dpi: int = 200, straighten: bool = False,
) -> Frame:
    """Warp, optionally deskew (for whole-frame captures and scans), and enhance a page."""
    page = warp_page(frame, corners, paper=paper, dpi=dpi)
    if straighten:
        page = deskew(page)
    return enhance(page, color=color)


def whole_frame(frame: Frame) -> Points:
    """Corners of the entire frame: "use the whole picture" when no page outline is wanted."""
    height, width = frame.shape[:2]
    return f32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])


def manual_corners(points: npt.ArrayLike, frame_shape: tuple[int, ...]) -> Points:
    """Corners dragged by hand: put in order, kept inside the frame, refused if not a page."""
    pts = np.asarray(points, dtype=np.float32)
    if pts.size != 8:
        raise error_from_table(CaptureError, MESSAGES, "corners_count", field="corners")
    height, width = frame_shape[:2]
    pts = pts.reshape(4, 2)
    pts[:, 0] = np.clip(pts[:, 0], 0, width - 1)
    pts[:, 1] = np.clip(pts[:, 1], 0, height - 1)
    ordered = order_corners(pts)
    if not is_convex(ordered) or quad_area(ordered) < 0.01 * width * height:
        raise error_from_table(CaptureError, MESSAGES, "corners_shape", field="corners")
    return ordered


def skew_angle(image: Frame, *, max_angle: float = 8.0) -> float:
    """The rotation (degrees, counter-clockwise positive) that makes text lines level.

    Text rows give a spiky horizontal projection when level; the angle whose
    projection has the largest variance wins.  Coarse then fine, on a small copy.
    """
    gray = image if image.ndim == 2 else u8(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    scale = 600 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = u8(cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1])
    best = 0.0
    for step, span in ((1.0, max_angle), (0.2, 1.0)):
        angles = np.arange(best - span, best + span + 1e-6, step)
        best = float(max(angles, key=lambda a: _profile_score(ink, float(a))))
    return best


def deskew(image: Frame, *, max_angle: float = 8.0) -> Frame:
    """The image rotated so its text lines are level; white fills the corners."""
    angle = skew_angle(image, max_angle=max_angle)
    if abs(angle) < 0.2:
        return image
    return _rotate(image, angle)


def enhance(image: Frame, *, color: bool = False) -> Frame:
    """A clean white background and dark, readable text; gray unless ``color`` is asked.

    Dividing by a blurred copy of the page (its "background") removes shadows
    and uneven light; a gentle curve then pushes paper to white and ink to
    black without thresholding, so stamps, signatures and photos survive.
    """
    gray = image if image.ndim == 2 else u8(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    background = _background(gray)
    if color and image.ndim == 3:
        flat = image.astype(np.float32) / background[..., None]
    else:
        flat = gray.astype(np.float32) / background
    # Paper at 1.0 becomes 255; anything darker than 92% of paper is stretched.
    curve = np.clip((flat - 0.25) / (0.92 - 0.25), 0, 1) ** 1.3
    return np.asarray(curve * 255, dtype=np.uint8)


def _background(gray: Frame) -> npt.NDArray[np.float32]:
    # Closing removes text strokes (dark, thin); blurring smooths what is left.
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    closed = cv2.GaussianBlur(closed, (0, 0), 5)
    full = cv2.resize(closed, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.maximum(full.astype(np.float32), 1.0)


def _profile_score(ink: Frame, angle: float) -> float:
    rotated = _rotate(ink, angle, fill=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.var(rows))


def _rotate(image: Frame, angle: float, *, fill: int = 255) -> Frame:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    border = (fill, fill, fill) if image.ndim == 3 else fill
    rotated = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    return np.asarray(rotated, dtype=np.uint8)
