"""Synthetic photographs of papers on desks, with the true corners known.

Used by the demo camera (a kiosk without a webcam still shows a live feed),
by the tests (hard cases with exact answers) and by the benchmark corpus.
Everything is drawn from a ``numpy.random.Generator`` so a seed gives the same
picture on every machine.  Text is drawn with OpenCV's Hershey fonts, which have
no Vietnamese diacritics: the words are Vietnamese without marks, which is what
page detection and the QR reader need (shapes of text, not its meaning).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
import zxingcpp

from kiosk.scanner.arrays import Frame, Points, f32, u8

SAMPLE_CCCD_PAYLOAD = (
    "030190012345||Nguyễn Thị Ánh|01011990|Nữ|"
    "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng|15082021"
)
SAMPLE_RECEIPT_CODE = "000.00.00.H23-261124-1001"

_WORDS = (
    "ho", "ten", "chu", "dem", "ngay", "sinh", "noi", "cu", "tru", "dan", "toc", "quoc",
    "tich", "so", "dinh", "danh", "ca", "nhan", "quan", "he", "voi", "nguoi", "duoc", "khai",
    "sinh", "thon", "xa", "huyen", "tinh", "giay", "to", "kem", "theo", "de", "nghi", "cap",
    "ban", "sao", "trich", "luc", "uy", "ban", "nhan", "dan", "cong", "hoa", "xa", "hoi",
    "chu", "nghia", "viet", "nam",
)
_HEADINGS = ("CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc")
_TITLES = ("TO KHAI DANG KY KHAI SINH", "GIAY CHUNG SINH", "DON DE NGHI CHUNG THUC")
_FONT = cv2.FONT_HERSHEY_SIMPLEX


@dataclass(frozen=True)
class Shot:
    """One synthetic camera frame and where the paper's corners truly are (TL, TR, BR, BL)."""

    frame: Frame
    corners: Points
    payload: str | None = None


def code_image(text: str, *, qr: bool = True, module_px: int = 4) -> Frame:
    """A black-on-white QR code (or Code128 barcode) with its quiet zone, as gray pixels."""
    fmt = zxingcpp.BarcodeFormat.QRCode if qr else zxingcpp.BarcodeFormat.Code128
    code = zxingcpp.create_barcode(text, fmt)
    image = np.asarray(code.to_image(scale=1), dtype=np.uint8)
    height = image.shape[0] * module_px if qr else 60
    size = (image.shape[1] * module_px, height)
    return u8(cv2.resize(image, size, interpolation=cv2.INTER_NEAREST))


def render_page(rng: np.random.Generator, width: int = 620) -> Frame:
    """A4 portrait paper: national heading, a title, ruled lines of text, a red stamp."""
    height = round(width * 297 / 210)
    tint = int(rng.integers(235, 256))
    page = np.full((height, width, 3), (tint, tint, min(255, tint + 3)), np.uint8)
    scale = width / 620
    _centered(page, _HEADINGS[0], 50 * scale, 0.55 * scale, 2)
    _centered(page, _HEADINGS[1], 75 * scale, 0.5 * scale, 1)
    _centered(page, str(rng.choice(_TITLES)), 130 * scale, 0.75 * scale, 2)
    y = 175 * scale
    while y < height - 110 * scale:
        _text_line(page, rng, int(y), scale)
        y += float(rng.uniform(24, 34)) * scale
    centre = (int(width * 0.72), int(height - 70 * scale))
    cv2.circle(page, centre, int(45 * scale), (40, 40, 200), max(1, int(3 * scale)))
    return page


def render_card(payload: str, rng: np.random.Generator, width: int = 428) -> Frame:
    """A CCCD-like card (85.6 × 54 mm): tinted face, photo box, text, the QR top right."""
    height = round(width * 53.98 / 85.6)
    card = np.full((height, width, 3), (215, 228, 232), np.uint8)
    cv2.rectangle(card, (0, 0), (width, int(height * 0.18)), (170, 110, 40), -1)
    scale = width / 428
    cv2.putText(card, "CAN CUOC CONG DAN", (int(12 * scale), int(32 * scale)), _FONT,
                0.6 * scale, (255, 255, 255), 1, cv2.LINE_AA)
    cv2.rectangle(card, (int(14 * scale), int(70 * scale)), (int(110 * scale), int(200 * scale)),
                  (150, 150, 150), -1)
    for row in range(6):
        y = int((90 + row * 28) * scale)
        cv2.putText(card, " ".join(rng.choice(_WORDS, 3)), (int(125 * scale), y), _FONT,
                    0.42 * scale, (40, 40, 40), 1, cv2.LINE_AA)
    qr = cv2.cvtColor(code_image(payload, module_px=3), cv2.COLOR_GRAY2BGR)
    side = int(height * 0.42)
    qr = cv2.resize(qr, (side, side), interpolation=cv2.INTER_AREA)
    card[int(height * 0.05):int(height * 0.05) + side, width - side - 6:width - 6] = qr
    return card


def render_desk(rng: np.random.Generator, size: tuple[int, int], kind: str = "wood") -> Frame:
    """A desk texture of ``size`` (width, height): wood, checker cloth, plain light or dark."""
    width, height = size
    if kind == "checker":
        cell = int(rng.integers(30, 70))
        yy, xx = np.mgrid[0:height, 0:width]
        mask = ((xx // cell + yy // cell) % 2).astype(bool)
        desk = np.empty((height, width, 3), np.uint8)
        desk[mask] = (230, 230, 232)
        desk[~mask] = rng.integers(60, 200, 3).astype(np.uint8)
        return _grain(desk, rng, 6)
    if kind == "plain":
        level = int(rng.integers(165, 205))
        return _grain(np.full((height, width, 3), level, np.uint8), rng, 4)
    if kind == "dark":
        return _grain(np.full((height, width, 3), (45, 50, 55), np.uint8), rng, 6)
    return _wood(rng, width, height)


def place(desk: Frame, item: Frame, corners: Points, *, shadow: bool = True) -> Frame:
    """Warp ``item`` onto ``desk`` so its corners land on ``corners`` (TL, TR, BR, BL)."""
    h, w = item.shape[:2]
    src = f32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    size = (desk.shape[1], desk.shape[0])
    out = desk.copy()
    if shadow:
        # A soft shadow offset down-right: real pages cast one and it blurs the edge.
        mask = np.zeros(desk.shape[:2], np.uint8)
        cv2.fillConvexPoly(mask, (corners + 8).astype(np.int32), 255)
        mask = u8(cv2.GaussianBlur(mask, (0, 0), 6))
        out = (out * (1.0 - 0.35 * mask[..., None] / 255.0)).astype(np.uint8)
    warped = u8(cv2.warpPerspective(item, matrix, size, flags=cv2.INTER_LINEAR))
    cover = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, size)
    alpha = cover[..., None].astype(np.float32) / 255.0
    return (warped * alpha + out * (1.0 - alpha)).astype(np.uint8)


def random_quad(
    rng: np.random.Generator, size: tuple[int, int], aspect: float, fill: float
) -> Points:
    """Corners of a tilted, perspective-skewed rectangle of ``aspect`` (w/h) inside ``size``.

    ``fill`` is the rectangle's height as a share of the frame height.
    """
    width, height = size
    rect_h = height * fill
    rect_w = rect_h * aspect
    base = f32([[-rect_w / 2, -rect_h / 2], [rect_w / 2, -rect_h / 2],
                       [rect_w / 2, rect_h / 2], [-rect_w / 2, rect_h / 2]])
    # A camera looking down at a slant makes the far edge shorter.
    base[:2, 0] *= float(rng.uniform(0.82, 1.0))
    angle = np.deg2rad(rng.uniform(-20, 20))
    rot = f32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    quad = base @ rot.T + rng.normal(0, rect_h * 0.01, (4, 2)).astype(np.float32)
    span = quad.max(axis=0) - quad.min(axis=0)
    room = np.maximum(f32([width, height]) - span - 20, 0)
    offset = quad.min(axis=0) * -1 + 10 + rng.uniform(0, 1, 2) * room
    return f32(quad + offset)


def degrade(frame: Frame, rng: np.random.Generator, *, hard: bool) -> Frame:
    """What a cheap webcam in a hall adds: uneven light, glare, blur, noise, JPEG."""
    out = frame.astype(np.float32)
    height, width = frame.shape[:2]
    if rng.random() < (0.6 if hard else 0.3):
        out = _shadow(out, rng)
    if rng.random() < (0.5 if hard else 0.2):
        out = _glare(out, rng)
    gain = float(rng.uniform(0.35, 0.7) if hard and rng.random() < 0.4 else rng.uniform(0.85, 1.05))
    out = out * gain
    sigma = float(rng.uniform(0.8, 2.2) if hard else rng.uniform(0.0, 0.9))
    if sigma > 0.3:
        out = np.asarray(cv2.GaussianBlur(out, (0, 0), sigma), dtype=np.float32)
    out += rng.normal(0, 7.0 if hard else 3.0, (height, width, 1)).astype(np.float32)
    clipped = np.clip(out, 0, 255).astype(np.uint8)
    quality = int(rng.integers(35, 70) if hard else rng.integers(70, 92))
    ok, encoded = cv2.imencode(".jpg", clipped, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return np.asarray(cv2.imdecode(encoded, cv2.IMREAD_COLOR), np.uint8) if ok else clipped


def cover_edge(frame: Frame, corners: Points, rng: np.random.Generator) -> Frame:
    """Lay a skin-coloured blob (a hand, a pen) over the middle of one edge of the paper."""
    out = frame.copy()
    edge = int(rng.integers(0, 4))
    a, b = corners[edge], corners[(edge + 1) % 4]
    centre = a + (b - a) * float(rng.uniform(0.35, 0.65))
    axes = (int(rng.integers(40, 70)), int(rng.integers(25, 45)))
    cv2.ellipse(out, (int(centre[0]), int(centre[1])), axes, float(rng.uniform(0, 180)), 0, 360,
                (120, 150, 200), -1, cv2.LINE_AA)
    return out


def page_shot(
    rng: np.random.Generator, *, hard: bool = False, size: tuple[int, int] = (1280, 720),
    desk: str | None = None,
) -> Shot:
    """A photographed A4 page on a desk with its true corners."""
    kind = desk or str(rng.choice(["wood", "checker", "plain", "dark"]))
    page = render_page(rng, width=int(rng.integers(420, 560)))
    corners = random_quad(rng, size, 210 / 297, float(rng.uniform(0.55, 0.92)))
    frame = place(render_desk(rng, size, kind), page, corners)
    if hard and rng.random() < 0.3:
        frame = cover_edge(frame, corners, rng)
    return Shot(degrade(frame, rng, hard=hard), corners)


def card_shot(
    rng: np.random.Generator, payload: str = SAMPLE_CCCD_PAYLOAD, *, hard: bool = False,
    size: tuple[int, int] = (1280, 720),
) -> Shot:
    """A photographed ID card with a QR code holding ``payload``."""
    card = render_card(payload, rng, width=int(rng.integers(380, 560)))
    fill = float(rng.uniform(0.3, 0.5) if hard else rng.uniform(0.45, 0.75))
    corners = random_quad(rng, size, 85.6 / 53.98, fill)
    kind = str(rng.choice(["wood", "plain", "dark"]))
    frame = place(render_desk(rng, size, kind), card, corners)
    return Shot(degrade(frame, rng, hard=hard), corners, payload)


def _centered(page: Frame, text: str, y: float, scale: float, thickness: int) -> None:
    (tw, _), _ = cv2.getTextSize(text, _FONT, scale, thickness)
    x = (page.shape[1] - tw) // 2
    cv2.putText(page, text, (x, int(y)), _FONT, scale, (20, 20, 20), thickness, cv2.LINE_AA)


def _text_line(page: Frame, rng: np.random.Generator, y: int, scale: float) -> None:
    words = " ".join(rng.choice(_WORDS, int(rng.integers(4, 10))))
    x = int(40 * scale)
    cv2.putText(page, words.capitalize(), (x, y), _FONT, 0.45 * scale, (30, 30, 30), 1,
                cv2.LINE_AA)


def _grain(desk: Frame, rng: np.random.Generator, amount: float) -> Frame:
    noise = rng.normal(0, amount, desk.shape[:2])[..., None]
    return np.clip(desk + noise, 0, 255).astype(np.uint8)


def _wood(rng: np.random.Generator, width: int, height: int) -> Frame:
    # Stripes bent by low-frequency noise look enough like wood grain for an edge detector.
    coarse = cv2.resize(rng.normal(0, 1, (9, 16)).astype(np.float32), (width, height))
    xx = np.arange(width, dtype=np.float32)[None, :]
    rings = np.sin(xx / float(rng.uniform(9, 18)) + coarse * 3.0)
    base = np.float32(rng.integers(70, 140))
    tone = base + 25 * rings
    desk = np.stack([tone * 0.55, tone * 0.8, tone * 1.15], axis=-1)
    return np.clip(desk, 0, 255).astype(np.uint8)


def _shadow(image: npt.NDArray[np.float32], rng: np.random.Generator) -> npt.NDArray[np.float32]:
    height, width = image.shape[:2]
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    ramp = (np.cos(angle) * xx / width + np.sin(angle) * yy / height)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    shade = 1.0 - float(rng.uniform(0.25, 0.5)) * np.clip(ramp * 2 - 0.6, 0, 1)
    return np.asarray(image * shade[..., None], dtype=np.float32)


def _glare(image: npt.NDArray[np.float32], rng: np.random.Generator) -> npt.NDArray[np.float32]:
    height, width = image.shape[:2]
    spot = np.zeros((height, width), np.float32)
    centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
    cv2.circle(spot, centre, int(rng.integers(40, 120)), 1.0, -1)
    spot = np.asarray(cv2.GaussianBlur(spot, (0, 0), 30), dtype=np.float32)
    return np.asarray(image + 200.0 * spot[..., None], dtype=np.float32)
