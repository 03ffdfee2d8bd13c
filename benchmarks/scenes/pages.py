"""A4 page sprites of varied content, and whole camera frames of a page on a desk.

A page is a form (labelled boxes), running text, a table, or a mix, with the
national heading or not, stamps, a pasted photo, thin or wide margins, on white,
cream, recycled-grey or coloured paper.  ``page_frame`` lays one on a desk of a
family with ``camera.random_pose``, sometimes a finger over a corner or an edge,
and passes it through ``camera.degrade``.

The truth is the page's four corners in frame pixels when all four are inside
the frame, else ``None`` (``meta["corners"]`` still has them, and
``meta["inside"]`` says which case it is): a detector cannot be asked for a
corner it cannot see.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from benchmarks.scenes import camera, desks
from kiosk.scanner.arrays import Frame, Points, f32

A4_ASPECT = 210 / 297
_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
          cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_PLAIN)
_WORDS = ("ho", "ten", "ngay", "sinh", "noi", "cu", "tru", "dan", "toc", "quoc", "tich", "so",
          "dinh", "danh", "ca", "nhan", "quan", "he", "nguoi", "khai", "thon", "xa", "huyen",
          "tinh", "giay", "to", "kem", "theo", "de", "nghi", "cap", "ban", "sao", "uy")
_TITLES = ("TO KHAI DANG KY KHAI SINH", "GIAY CHUNG SINH", "DON DE NGHI CHUNG THUC",
           "PHIEU YEU CAU", "BIEN BAN", "GIAY UY QUYEN", "TO KHAI KET HON")
_PAPERS = ((250, 250, 250), (238, 246, 250), (225, 228, 228), (205, 240, 250), (240, 225, 240),
           (215, 240, 215), (200, 225, 245), (245, 240, 225))  # BGR: white…coloured


def render_page(rng: np.random.Generator, width: int) -> Frame:
    """A portrait A4 sheet ``width`` pixels wide with random content."""
    height = round(width / A4_ASPECT)
    paper = f32(_PAPERS[int(rng.integers(0, len(_PAPERS)))] if rng.random() < 0.45
                else _PAPERS[0]) - float(rng.uniform(0, 12))
    page = np.empty((height, width, 3), np.uint8)
    page[:] = np.clip(paper, 0, 255).astype(np.uint8)
    s = width / 600
    margin = int(width * float(rng.choice([0.025, 0.05, 0.08, 0.12])))
    font = _FONTS[int(rng.integers(0, len(_FONTS)))]
    ink = tuple(int(v) for v in rng.uniform(10, 70, 3)) if rng.random() < 0.8 else (120, 40, 20)
    y = margin + int(30 * s)
    if rng.random() < 0.7:
        for text, size in (("CONG HOA XA HOI CHU NGHIA VIET NAM", 0.5),
                           ("Doc lap - Tu do - Hanh phuc", 0.45)):
            _centred(page, text, y, size * s, font, ink)
            y += int(24 * s)
    y += int(20 * s)
    _centred(page, str(rng.choice(_TITLES)), y, 0.7 * s, font, ink, 2)
    y += int(40 * s)
    kind = int(rng.integers(0, 4))
    while y < height - margin - int(60 * s):
        block = kind if kind < 3 else int(rng.integers(0, 3))
        y = (_form_rows, _text_rows, _table)[block](rng, page, y, margin, s, font, ink)
        y += int(rng.uniform(10, 30) * s)
    if rng.random() < 0.6:  # red or blue round stamp
        colour = (40, 40, 200) if rng.random() < 0.75 else (160, 60, 30)
        centre = (int(rng.uniform(0.55, 0.85) * width), int(rng.uniform(0.7, 0.92) * height))
        radius = int(rng.uniform(35, 60) * s)
        cv2.circle(page, centre, radius, colour, max(1, int(3 * s)), cv2.LINE_AA)
        cv2.circle(page, centre, int(radius * 0.75), colour, max(1, int(1.5 * s)), cv2.LINE_AA)
        cv2.putText(page, "*", (centre[0] - int(8 * s), centre[1] + int(8 * s)), font, 1.0 * s,
                    colour, 2, cv2.LINE_AA)
    if rng.random() < 0.3:  # a pasted photo, 3x4
        pw = int(width * 0.15)
        ph = int(pw * 4 / 3)
        x0, y0 = width - margin - pw, margin + int(90 * s)
        photo = rng.uniform(60, 200, 3)
        page[y0:y0 + ph, x0:x0 + pw] = photo.astype(np.uint8)
        cv2.ellipse(page, (x0 + pw // 2, y0 + ph // 2), (pw // 3, ph // 3), 0, 0, 360,
                    tuple(float(v) * 0.6 for v in photo), -1, cv2.LINE_AA)
    if rng.random() < 0.2:  # a full-bleed coloured band at the top (letterhead)
        page[:int(height * 0.04)] = np.uint8(rng.uniform(40, 200, 3))
    return page


def _centred(page: Frame, text: str, y: int, scale: float, font: int,
             ink: tuple[int, ...], thick: int = 1) -> None:
    (tw, _), _ = cv2.getTextSize(text, font, scale, thick)
    cv2.putText(page, text, ((page.shape[1] - tw) // 2, y), font, scale, ink, thick, cv2.LINE_AA)


def _words(rng: np.random.Generator, count: int) -> str:
    return " ".join(str(w) for w in rng.choice(_WORDS, count))


def _text_rows(rng: np.random.Generator, page: Frame, y: int, margin: int, s: float,
               font: int, ink: tuple[int, ...]) -> int:
    for _ in range(int(rng.integers(3, 9))):
        cv2.putText(page, _words(rng, int(rng.integers(5, 12))).capitalize(), (margin, y), font,
                    0.45 * s, ink, 1, cv2.LINE_AA)
        y += int(rng.uniform(20, 30) * s)
    return y


def _form_rows(rng: np.random.Generator, page: Frame, y: int, margin: int, s: float,
               font: int, ink: tuple[int, ...]) -> int:
    width = page.shape[1]
    for _ in range(int(rng.integers(3, 7))):
        label = _words(rng, int(rng.integers(2, 4))).capitalize() + ":"
        cv2.putText(page, label, (margin, y), font, 0.45 * s, ink, 1, cv2.LINE_AA)
        x = margin + int(170 * s)
        if rng.random() < 0.5:
            cv2.rectangle(page, (x, y - int(16 * s)), (width - margin, y + int(5 * s)), ink, 1)
        else:
            for dx in range(x, width - margin, int(6 * s) + 1):
                cv2.circle(page, (dx, y), 0, ink, 1)
        y += int(rng.uniform(28, 40) * s)
    return y


def _table(rng: np.random.Generator, page: Frame, y: int, margin: int, s: float,
           font: int, ink: tuple[int, ...]) -> int:
    width = page.shape[1]
    rows, cols = int(rng.integers(3, 8)), int(rng.integers(2, 6))
    row_h = int(rng.uniform(22, 32) * s)
    xs = np.linspace(margin, width - margin, cols + 1).astype(int)
    for r in range(rows + 1):
        cv2.line(page, (xs[0], y + r * row_h), (xs[-1], y + r * row_h), ink, 1)
    for x in xs:
        cv2.line(page, (int(x), y), (int(x), y + rows * row_h), ink, 1)
    for r in range(rows):
        for c in range(cols):
            cv2.putText(page, _words(rng, 1), (int(xs[c]) + int(5 * s), y + r * row_h +
                        int(row_h * 0.7)), font, 0.4 * s, ink, 1, cv2.LINE_AA)
    return y + rows * row_h


def page_frame(
    rng: np.random.Generator, family: str, resolution: tuple[int, int],
) -> tuple[Frame, Points | None, dict[str, Any]]:
    """A camera frame of an A4 page on a ``family`` desk at ``resolution`` (width, height).

    Returns the frame, the page's corners (TL, TR, BR, BL of the sheet as printed)
    when all four are in the frame or ``None``, and what was drawn (``meta``).
    """
    width, height = resolution
    background = desks.desk(rng, width, height, family)
    corners = camera.random_pose(rng, width, height, A4_ASPECT)
    long_side = float(max(np.linalg.norm(corners[1] - corners[0]),
                          np.linalg.norm(corners[2] - corners[1])))
    sprite_w = int(np.clip(long_side * A4_ASPECT * float(rng.uniform(0.9, 1.4)), 200, 1400))
    frame = camera.place(background, render_page(rng, sprite_w), corners,
                         shadow=bool(rng.random() < 0.7))
    fingers: list[list[float]] = []
    if rng.random() < 0.3:
        scale = long_side * float(rng.uniform(0.05, 0.09))
        for _ in range(int(rng.integers(1, 3))):
            if rng.random() < 0.5:  # over a corner
                point = corners[int(rng.integers(0, 4))]
            else:  # over an edge, as a hand holding the page flat
                edge = int(rng.integers(0, 4))
                point = corners[edge] + (corners[(edge + 1) % 4] - corners[edge]) * float(
                    rng.uniform(0.2, 0.8))
            frame = camera.finger(rng, frame, point, scale=scale)
            fingers.append([float(point[0]), float(point[1])])
    frame = camera.degrade(rng, frame)
    seen = camera.inside(corners, width, height)
    meta: dict[str, Any] = {"family": family, "resolution": [width, height], "inside": seen,
                            "corners": corners.tolist(), "fingers": fingers}
    return frame, (corners if seen else None), meta
