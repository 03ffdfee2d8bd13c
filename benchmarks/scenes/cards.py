"""Citizen ID cards photographed by a webcam, with the QR payload and its scale known.

Two layouts (DOMAIN.md §5):

- ``cccd2021``: the chip CCCD, front side, QR at the top right beside the national
  heading, photo at the left, printed fields, a guilloche-tinted face.
- ``cancuoc2024``: the 2024 "thẻ căn cước", back side: QR at the top left (DOMAIN.md
  only says "on the back"; sample photos show it top left), address and dates at the
  right, three MRZ lines at the bottom (dense text: a decoy for a region finder).

Payloads follow the CCCD QR text format ``ID12|oldCMND9|name|ddMMyyyy|Nam/Nữ|
address|ddMMyyyy`` with IDs consistent with birth year and gender; 2024 cards
sometimes carry an extra raw field (its order is not published).  Printed text is
Hershey (no diacritics): shapes matter here, not meaning.

``card_frame(rng, family, resolution)`` places a card on a desk of ``family``
(``benchmarks.scenes.desks``) through ``benchmarks.scenes.camera`` and returns the
frame, the payload and ``meta`` with ``px_per_module`` (the QR's module size in
frame pixels, along its shortest side) and ``qr_inside`` (the QR lies wholly in frame).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import cv2
import numpy as np
import zxingcpp

from kiosk.scanner.arrays import Frame, Points, f32, u8

LAYOUTS = ("cccd2021", "cancuoc2024")
CARD_ASPECT = 85.6 / 53.98
_PX_PER_MM = 12  # sprite resolution: above what a 1080p webcam sees of a card
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
             "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
_MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Hoài", "")
_GIVEN = ("Anh", "Ánh", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hương", "Khánh", "Lan",
          "Linh", "Long", "Mai", "Nam", "Ngân", "Phúc", "Quyên", "Sơn", "Thảo", "Trung", "Yến")
_PLACES = (("030", "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng"),
           ("031", "Số 5 Lạch Tray, phường Lê Lợi, quận Ngô Quyền, Hải Phòng"),
           ("001", "Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội"),
           ("079", "Ấp Phước Lộc, xã Phước Kiển, huyện Nhà Bè, Thành phố Hồ Chí Minh"),
           ("022", "Tổ 7, khu 3, phường Hồng Hải, thành phố Hạ Long, Quảng Ninh"),
           ("038", "Xóm Đông, xã Quảng Thành, huyện Quảng Xương, Thanh Hóa"))
_WORDS = ("ho", "va", "ten", "ngay", "sinh", "gioi", "tinh", "quoc", "tich", "viet", "nam",
          "que", "quan", "noi", "thuong", "tru", "co", "gia", "tri", "den", "so", "dinh", "danh")


@dataclass(frozen=True)
class CardSprite:
    """A flat card image and its QR's corners in sprite pixels (TL, TR, BR, BL)."""

    image: Frame
    qr_corners: Points
    modules: int  # modules across the QR symbol (no quiet zone)


def random_payload(rng: np.random.Generator, layout: str = "cccd2021") -> str:
    """A CCCD QR text whose ID agrees with the birth year and gender it states."""
    code, address = _PLACES[int(rng.integers(len(_PLACES)))]
    year = int(rng.integers(1940, 2009))
    female = bool(rng.random() < 0.5)
    digit = (0 if year < 2000 else 2) + int(female)
    pid = f"{code}{digit}{year % 100:02d}{int(rng.integers(0, 1_000_000)):06d}"
    old = f"{int(rng.integers(0, 10**9)):09d}" if rng.random() < 0.4 else ""
    middle = _MIDDLE[int(rng.integers(len(_MIDDLE)))]
    if female and middle == "Văn":
        middle = "Thị"
    name = " ".join(p for p in (_SURNAMES[int(rng.integers(len(_SURNAMES)))], middle,
                                _GIVEN[int(rng.integers(len(_GIVEN)))]) if p)
    birth = f"{int(rng.integers(1, 29)):02d}{int(rng.integers(1, 13)):02d}{year}"
    issued_year = int(rng.integers(2024, 2026)) if layout == "cancuoc2024" else int(
        rng.integers(2021, 2024))
    issued = f"{int(rng.integers(1, 29)):02d}{int(rng.integers(1, 13)):02d}{issued_year}"
    fields = [pid, old, name, birth, "Nữ" if female else "Nam", address, issued]
    if layout == "cancuoc2024" and rng.random() < 0.5:
        fields.append(f"{int(rng.integers(0, 10**6)):06d}")  # an unpublished extra field
    return "|".join(fields)


def qr_modules(payload: str, ec_level: str = "M") -> Frame:
    """The QR symbol of ``payload``, one pixel per module, no quiet zone (0 dark, 255 light)."""
    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
    return u8(np.asarray(code.to_image(scale=1, add_quiet_zones=False), dtype=np.uint8))


def render(rng: np.random.Generator, layout: str, payload: str) -> CardSprite:
    """The card of ``layout`` carrying ``payload``, with colour, photo and wear varied."""
    width, height = round(85.6 * _PX_PER_MM), round(53.98 * _PX_PER_MM)
    card = _face(rng, width, height, layout)
    mm = _PX_PER_MM
    side = int(rng.uniform(14.5, 17.5) * mm)
    if layout == "cccd2021":
        _header(card, rng, x0=int(18 * mm), x1=width - side - int(5 * mm))
        _photo(card, rng, (int(4 * mm), int(16 * mm)), (int(20 * mm), int(26 * mm)))
        _field_lines(card, rng, int(27 * mm), int(20 * mm), width - int(4 * mm), 7)
        qr_x, qr_y = width - side - int(3.5 * mm), int(3.5 * mm)
    else:
        qr_x, qr_y = int(4 * mm), int(4 * mm)
        _field_lines(card, rng, qr_x + side + int(4 * mm), int(6 * mm), width - int(4 * mm), 5)
        _mrz(card, rng, int(36 * mm))
    ec_level = str(rng.choice(["L", "M", "Q"]))
    symbol = qr_modules(payload, ec_level)
    modules = symbol.shape[0]
    quiet = int(rng.uniform(1.2, 2.5) * mm)  # a light margin around the code on the card
    card[qr_y - quiet // 2:qr_y + side + quiet // 2, qr_x - quiet // 2:qr_x + side + quiet // 2] = (
        np.asarray(rng.integers(238, 256, 3), np.uint8))
    ink = int(rng.integers(0, 50))
    qr = cv2.resize(symbol, (side, side), interpolation=cv2.INTER_AREA)
    qr = ink + (qr.astype(np.float32) / 255.0) * (float(card[qr_y - 2, qr_x - 2].mean()) - ink)
    card[qr_y:qr_y + side, qr_x:qr_x + side] = u8(np.clip(qr, 0, 255))[..., None]
    _wear(card, rng)
    corners = f32([[qr_x, qr_y], [qr_x + side, qr_y], [qr_x + side, qr_y + side],
                   [qr_x, qr_y + side]])
    return CardSprite(card, corners, modules)


def card_frame(
    rng: np.random.Generator, family: str, resolution: tuple[int, int], *,
    layout: str | None = None, payload: str | None = None, corners: Points | None = None,
) -> tuple[Frame, str, dict[str, Any]]:
    """A webcam frame of a card on a ``family`` desk: (frame, payload, meta)."""
    from benchmarks.scenes import camera, desks

    layout = layout or str(rng.choice(LAYOUTS))
    payload = payload or random_payload(rng, layout)
    sprite = render(rng, layout, payload)
    width, height = resolution
    if corners is None:
        corners = camera.random_pose(rng, width, height, CARD_ASPECT)
    frame = camera.place(desks.desk(rng, width, height, family), sprite.image, corners)
    qr = qr_in_frame(sprite, corners)
    covered, qr_covered = False, 0.0
    if rng.random() < 0.35:  # a thumb holding the card, often near a corner
        corner = corners[int(rng.integers(4))]
        card_px = float(np.linalg.norm(corners[1] - corners[0]))
        bare = frame
        frame = camera.finger(rng, frame, corner, scale=card_px * float(rng.uniform(0.15, 0.22)))
        covered = True
        qr_covered = _covered(bare, frame, qr)
    frame, applied = camera.webcam(rng, frame)
    meta = {"layout": layout, "family": family, "resolution": resolution,
            "px_per_module": module_px(qr, sprite.modules), "qr_inside": inside(qr, resolution),
            "finger": covered, "qr_covered": round(qr_covered, 3), "qr_corners": qr.tolist(),
            "degradation": asdict(applied), "conditions": applied.conditions()}
    return frame, payload, meta


def _covered(bare: Frame, fingered: Frame, qr: Points) -> float:
    """The fraction of the QR's area (in frame) that the finger changed."""
    inside_qr = np.zeros(bare.shape[:2], np.uint8)
    cv2.fillConvexPoly(inside_qr, np.round(qr).astype(np.int32), 1)
    changed = np.abs(bare.astype(np.int16) - fingered.astype(np.int16)).max(axis=2) > 40
    area = int(inside_qr.sum())
    return float((changed & (inside_qr > 0)).sum()) / area if area else 0.0


def qr_in_frame(sprite: CardSprite, corners: Points) -> Points:
    """Where the sprite's QR lands when the card's corners land on ``corners``."""
    h, w = sprite.image.shape[:2]
    src = f32([[0, 0], [w, 0], [w, h], [0, h]])  # as camera.place maps the sprite
    matrix = cv2.getPerspectiveTransform(src, f32(corners))
    return f32(cv2.perspectiveTransform(sprite.qr_corners.reshape(1, 4, 2), matrix)[0])


def module_px(qr: Points, modules: int) -> float:
    """Pixels per module along the QR's shortest side (the limiting one)."""
    sides = [float(np.linalg.norm(qr[(i + 1) % 4] - qr[i])) for i in range(4)]
    return min(sides) / modules


def inside(qr: Points, resolution: tuple[int, int]) -> bool:
    return bool(np.all(qr >= 0) and np.all(qr[:, 0] < resolution[0])
                and np.all(qr[:, 1] < resolution[1]))


def _face(rng: np.random.Generator, width: int, height: int, layout: str) -> Frame:
    base = (np.array([225, 232, 236]) if layout == "cccd2021" else np.array([230, 226, 214]))
    tint = np.clip(base + rng.integers(-18, 14, 3), 150, 255).astype(np.float32)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    period = float(rng.uniform(9, 20))
    waves = np.sin(xx / period + 4 * np.sin(yy / (period * 3))) * np.cos(yy / period)
    face = tint[None, None, :] + float(rng.uniform(4, 12)) * waves[..., None]
    # A faint emblem-like rosette in the middle of the guilloche.
    cx, cy = width * float(rng.uniform(0.4, 0.6)), height * 0.55
    ring = np.hypot(xx - cx, yy - cy)
    face -= (8 * (np.sin(ring / 6) > 0.6) * (ring < height * 0.35))[..., None]
    return u8(np.clip(face, 0, 255))


def _header(card: Frame, rng: np.random.Generator, x0: int, x1: int) -> None:
    mm = _PX_PER_MM
    cv2.circle(card, (int(9 * mm), int(9 * mm)), int(6 * mm), (30, 30, 200), -1, cv2.LINE_AA)
    cv2.circle(card, (int(9 * mm), int(9 * mm)), int(2.5 * mm), (40, 210, 240), -1, cv2.LINE_AA)
    colour = (40, 40, 150) if rng.random() < 0.5 else (60, 40, 30)
    for row, text in enumerate(("CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc",
                                "CAN CUOC CONG DAN")):
        scale = (0.9 if row < 2 else 1.35) * mm / 12
        (tw, _), _ = cv2.getTextSize(text, _FONT, scale, 2)
        scale, tw = scale * min(1.0, (x1 - x0) / tw), min(tw, x1 - x0)
        x = x0 + max(0, (x1 - x0 - tw) // 2)
        cv2.putText(card, text, (x, int((5.5 + row * 4.6) * mm)), _FONT, scale,
                    (30, 30, 190) if row == 2 else colour, 2, cv2.LINE_AA)


def _photo(card: Frame, rng: np.random.Generator, at: tuple[int, int], size: tuple[int, int]
           ) -> None:
    x, y = at
    w, h = size
    back = np.asarray(rng.integers(170, 250, 3), np.uint8)
    card[y:y + h, x:x + w] = back
    skin = tuple(int(v) for v in rng.integers([90, 120, 160], [150, 180, 230]))
    cv2.ellipse(card, (x + w // 2, y + int(h * 0.42)), (int(w * 0.3), int(h * 0.3)), 0, 0, 360,
                skin, -1, cv2.LINE_AA)
    cv2.ellipse(card, (x + w // 2, y + h), (int(w * 0.5), int(h * 0.28)), 0, 180, 360,
                tuple(int(v) for v in rng.integers(20, 120, 3)), -1, cv2.LINE_AA)
    cv2.ellipse(card, (x + w // 2, y + int(h * 0.3)), (int(w * 0.32), int(h * 0.2)), 0, 180, 360,
                (20, 20, 25), -1, cv2.LINE_AA)


def _field_lines(card: Frame, rng: np.random.Generator, x: int, y: int, right: int, rows: int
                 ) -> None:
    mm = _PX_PER_MM
    for row in range(rows):
        words = " ".join(str(w) for w in rng.choice(_WORDS, int(rng.integers(2, 6))))
        scale = float(rng.uniform(0.55, 0.75)) * mm / 12
        cv2.putText(card, words, (x, y + int(row * 4.2 * mm)), _FONT, scale, (70, 60, 60), 1,
                    cv2.LINE_AA)
        value = "".join(str(c) for c in rng.choice(list("ABCDEGHIKLMNOPQRSTUVXY0123456789 "),
                                                   int(rng.integers(6, 22))))
        cv2.putText(card, value, (x, y + int((row * 4.2 + 2.1) * mm)), _FONT, scale * 1.1,
                    (20, 20, 20), 2, cv2.LINE_AA)
        if x + 10 > right:
            break


def _mrz(card: Frame, rng: np.random.Generator, y: int) -> None:
    mm = _PX_PER_MM
    alphabet = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<<")
    for row in range(3):
        line = "".join(str(c) for c in rng.choice(alphabet, 30))
        cv2.putText(card, line, (int(4 * mm), y + int(row * 5.2 * mm)), cv2.FONT_HERSHEY_PLAIN,
                    1.75 * mm / 12, (25, 25, 25), 2, cv2.LINE_AA)


def _wear(card: Frame, rng: np.random.Generator) -> None:
    """Scratches, a faded patch and lamination sheen: a card that lived in a wallet."""
    height, width = card.shape[:2]
    for _ in range(int(rng.integers(0, 12))):
        p0 = (int(rng.integers(width)), int(rng.integers(height)))
        p1 = (p0[0] + int(rng.integers(-200, 200)), p0[1] + int(rng.integers(-60, 60)))
        shade = int(rng.integers(150, 255))
        cv2.line(card, p0, p1, (shade, shade, shade), 1, cv2.LINE_AA)
    if rng.random() < 0.5:
        fade = np.zeros((height, width), np.float32)
        cv2.circle(fade, (int(rng.integers(width)), int(rng.integers(height))),
                   int(rng.integers(80, 300)), float(rng.uniform(0.15, 0.4)), -1)
        soft = np.asarray(cv2.GaussianBlur(fade, (0, 0), 60), np.float32)[..., None]
        card[:] = u8(np.clip(card * (1 - soft) + 255 * soft, 0, 255))
