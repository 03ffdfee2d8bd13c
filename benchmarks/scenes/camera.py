"""The camera half of the scene generator: placing a sprite, fingers, poses, degradation.

``place`` warps a document onto a desk at four corners (TL, TR, BR, BL of the
sprite, in output pixels; they may lie partly outside the frame) with
antialiased edges and an optional soft drop shadow.  ``random_pose`` draws
those corners: any rotation up to ``max_rotation`` degrees, a perspective tilt,
a scale range, and sometimes a document partly out of frame.  ``finger`` lays a
fingertip or thumb over a point.  ``webcam`` adds what a USB webcam adds, each
effect drawn on its own from a stated distribution, and records what it did
(``Degradation``); ``degrade`` is the same without the record.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.scanner.arrays import Frame, Points, f32, u8

GENERATOR_VERSION = 4  # bumped whenever a scene is drawn differently: cached scenes are rebuilt
STRONG_QUALITY = 50
MOTION_MIN_PX = 1.5  # shorter streaks are not drawn: below a pixel they change nothing
CONDITIONS = ("clean", "strong_compression", "motion_blur", "defocus", "exposure_swing")
RESOLUTIONS: tuple[tuple[int, int], ...] = ((1280, 720), (1920, 1080))
_SKIN = ((95, 125, 190), (80, 110, 170), (60, 90, 140), (45, 65, 110), (120, 150, 215),
         (70, 100, 160))  # BGR, light to dark


def place(background: Frame, sprite: Frame, corners: Points, *, shadow: bool = True) -> Frame:
    """Warp ``sprite`` onto a copy of ``background`` with its corners at ``corners``."""
    h, w = sprite.shape[:2]
    height, width = background.shape[:2]
    src = f32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = f32(corners)
    matrix = cv2.getPerspectiveTransform(src, dst)
    out = background.astype(np.float32)
    if shadow:
        offset = f32([width, height]) * f32([0.006, 0.009])
        mask = np.zeros((height, width), np.float32)
        cv2.fillConvexPoly(mask, np.round((dst + offset) * 4).astype(np.int32), 1.0,
                           cv2.LINE_AA, shift=2)
        mask = f32(cv2.GaussianBlur(mask, (0, 0), width / 160))
        out *= 1.0 - 0.4 * mask[..., None]
    warped = cv2.warpPerspective(sprite, matrix, (width, height), flags=cv2.INTER_AREA
                                 if _shrinks(w, h, dst) else cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_REPLICATE)
    # Coverage drawn at 1/16 px precision gives an antialiased border independent of the
    # sprite's own pixels (a warped 0/255 mask would alias at steep angles).
    # (OpenCV antialiases on 8-bit images only.)
    cover = np.zeros((height, width), np.uint8)
    cv2.fillConvexPoly(cover, np.round(dst * 16).astype(np.int32), 255, cv2.LINE_AA, shift=4)
    alpha = cover[..., None].astype(np.float32) / 255.0
    return u8(np.clip(warped * alpha + out * (1.0 - alpha), 0, 255))


def _shrinks(w: int, h: int, dst: Points) -> bool:
    span = float(np.linalg.norm(dst[1] - dst[0]) + np.linalg.norm(dst[2] - dst[1]))
    return span < 0.8 * (w + h)


def finger(rng: np.random.Generator, image: Frame, point: Points, *, scale: float) -> Frame:
    """A fingertip or thumb (``scale`` ≈ its width in pixels) covering ``point``."""
    out = image.astype(np.float32)
    height, width = image.shape[:2]
    tone = f32(_SKIN[int(rng.integers(0, len(_SKIN)))]) * float(rng.uniform(0.85, 1.1))
    angle = float(rng.uniform(0, 2 * np.pi))
    direction = f32([np.cos(angle), np.sin(angle)])
    tip = f32(point) - direction * float(rng.uniform(0.0, 0.35)) * scale
    length = scale * float(rng.uniform(2.5, 5.0))
    mask = np.zeros((height, width), np.float32)
    shade = np.zeros((height, width), np.float32)
    half = scale / 2
    base = tip + direction * length
    cv2.line(mask, _pt(tip + direction * half), _pt(base), 1.0, max(2, int(scale)), cv2.LINE_AA)
    cv2.circle(mask, _pt(tip + direction * half), max(1, int(half)), 1.0, -1, cv2.LINE_AA)
    # One side darker: the finger is round and lit from above.
    normal = f32([-direction[1], direction[0]])
    cv2.line(shade, _pt(tip + direction * half + normal * half * 0.5),
             _pt(base + normal * half * 0.5), 1.0, max(1, int(scale * 0.4)), cv2.LINE_AA)
    mask = f32(cv2.GaussianBlur(mask, (0, 0), max(0.8, scale / 25)))
    shade = f32(cv2.GaussianBlur(shade, (0, 0), max(1.0, scale / 6))) * mask
    nail = np.zeros((height, width), np.float32)
    if rng.random() < 0.6:
        cv2.ellipse(nail, _pt(tip + direction * half * 1.1), (max(1, int(half * 0.55)),
                    max(1, int(half * 0.7))), float(np.degrees(angle)), 0, 360, 1.0, -1,
                    cv2.LINE_AA)
        nail = f32(cv2.GaussianBlur(nail, (0, 0), 1.0)) * mask
    skin = tone[None, None, :] * (1 - 0.3 * shade[..., None]) + 35 * nail[..., None]
    out = skin * mask[..., None] + out * (1 - mask[..., None])
    return u8(np.clip(out, 0, 255))


def _pt(p: Points) -> tuple[int, int]:
    return round(float(p[0])), round(float(p[1]))


def random_pose(
    rng: np.random.Generator, width: int, height: int, sprite_aspect: float, *,
    max_rotation: float = 180, out_of_frame: bool = True,
) -> Points:
    """Corners (TL, TR, BR, BL of the sprite) of a document of ``sprite_aspect`` (w/h).

    The document's longer side spans 35–95 % of the frame's height, is turned by
    up to ``max_rotation`` degrees either way, seen at a tilt (one side
    foreshortened), and with ``out_of_frame`` about one pose in five pushes part
    of it past the frame's border.
    """
    longest = height * float(rng.uniform(0.45, 1.0))
    if sprite_aspect >= 1:
        w, h = longest, longest / sprite_aspect
    else:
        w, h = longest * sprite_aspect, longest
    rect = f32([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    # Perspective: a camera looking at a slant shortens the far side.
    tilt = float(rng.uniform(0.0, 0.22))
    side = int(rng.integers(0, 4))
    a, b = side, (side + 1) % 4
    centre_side = (rect[a] + rect[b]) / 2
    rect[a] = centre_side + (rect[a] - centre_side) * (1 - tilt)
    rect[b] = centre_side + (rect[b] - centre_side) * (1 - tilt)
    rect += rng.normal(0, longest * 0.008, (4, 2)).astype(np.float32)
    angle = np.deg2rad(float(rng.uniform(-max_rotation, max_rotation)))
    rot = f32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    quad = rect @ rot.T
    lo, hi = quad.min(axis=0), quad.max(axis=0)
    span = hi - lo
    if out_of_frame and rng.random() < 0.2:
        # Centre anywhere that leaves 50–90 % of the document's extent inside.
        keep = float(rng.uniform(0.5, 0.9))
        margin = span * (1 - keep)
        low = -lo - margin
        high = f32([width, height]) - hi + margin
    else:
        pad = f32([width, height]) * 0.02
        low = -lo + pad
        high = f32([width, height]) - hi - pad
        if np.any(high < low):  # does not fit: shrink to fit
            fit = float(np.min((f32([width, height]) - 2 * pad) / span))
            quad *= fit * 0.98
            lo, hi = quad.min(axis=0), quad.max(axis=0)
            low = -lo + pad
            high = f32([width, height]) - hi - pad
    offset = low + rng.uniform(0, 1, 2).astype(np.float32) * np.maximum(high - low, 0)
    return f32(quad + offset)


def inside(corners: Points, width: int, height: int) -> bool:
    """Whether all four corners lie within the frame."""
    c = f32(corners)
    return bool(np.all((c[:, 0] >= 0) & (c[:, 0] <= width - 1)
                       & (c[:, 1] >= 0) & (c[:, 1] <= height - 1)))


@dataclass(frozen=True)
class Degradation:
    """What ``webcam`` did to one frame (0 / 1.0 / False where an effect was not applied)."""

    quality: int  # JPEG quality of the stream's frame
    defocus_sigma: float  # Gaussian sigma in pixels of this frame
    motion_px: float  # length of the motion streak in pixels of this frame
    exposure: float  # gain against correct exposure (< 1 under, > 1 over)
    noise: float  # sensor noise sigma, 8-bit levels
    white_balance: bool
    vignetting: bool
    glare: bool
    sharpened: bool  # the camera's own unsharp mask
    upscaled: bool  # a smaller sensor scaled up to the stream's size

    @property
    def strong_compression(self) -> bool:
        return self.quality < STRONG_QUALITY

    @property
    def exposure_swing(self) -> bool:
        return not 0.8 <= self.exposure <= 1.15

    def conditions(self) -> list[str]:
        """The named conditions of this frame; ``["clean"]`` when none of them."""
        named = [name for name, on in (
            ("strong_compression", self.strong_compression),
            ("motion_blur", self.motion_px >= MOTION_MIN_PX),
            ("defocus", self.defocus_sigma > 0),
            ("exposure_swing", self.exposure_swing)) if on]
        return named or ["clean"]


def degrade(rng: np.random.Generator, image: Frame, *, motion: bool = True) -> Frame:
    """``webcam`` without its record of what it did."""
    return webcam(rng, image, motion=motion)[0]


def webcam(rng: np.random.Generator, image: Frame, *, motion: bool = True
           ) -> tuple[Frame, Degradation]:
    """What a USB webcam over a desk does to ``image``, and a record of it.

    Each effect is drawn on its own, in the order light meets it (lens, sensor,
    the camera's processing, the stream's compression).  Lengths are for a
    1280-px-wide frame and scale with the width.  The distribution, from how
    such cameras behave rather than from any reader's results:

    - compression: MJPEG/H.264 frames are usually JPEG quality 70–95 (80 %);
      a starved USB link or a low bit rate gives strong compression, quality
      15–45, in the other 20 %.
    - defocus (30 %): fixed-focus lenses are sharp from ~40 cm and a card is
      held nearer; autofocus hunts.  Sigma 0.5 px plus an exponential of mean
      0.5 px, at most 3 px: median ≈ 0.85 px, one in ten above ≈ 1.65 px.
    - motion blur (30 %, with ``motion``): a hand holding a card still drifts at
      a few cm/s (exponential, mean 2 cm/s); indoor auto-exposure runs 1/60–1/30 s;
      a card filling half a 1280-px frame is ≈ 6 px/mm.  Streak = speed ×
      exposure × 6 px/mm: mean ≈ 3 px, a few frames past 10 px, at most 24 px.
      Clip scenes draw their own motion from the card's path (``motion=False``).
    - exposure swings: auto-exposure lagging a hand's shadow or a bright page —
      under-exposed ×0.4–0.75 (12 %), over-exposed ×1.2–1.6 (8 %).
    - sensor noise: sigma 1–4 levels, raised by the gain of an under-exposed
      frame; some colour noise (40 %).
    - white balance off ×0.85–1.15 per channel (30 %); lens vignetting 10–35 %
      at the corners (50 %); a lamp's glare spot (15 %).
    - the camera's own sharpening, a mild unsharp mask (50 %); a cheap sensor
      scaled up to the stream's size from 67–85 % (15 %).
    """
    height, width = image.shape[:2]
    scale = width / 1280
    out = image.astype(np.float32)
    white_balance = bool(rng.random() < 0.3)
    if white_balance:
        out *= rng.uniform(0.85, 1.15, 3).astype(np.float32)[None, None, :]
    glare = bool(rng.random() < 0.15)
    if glare:
        spot = np.zeros((height, width), np.float32)
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.circle(spot, centre, int(rng.uniform(0.03, 0.1) * width), 1.0, -1)
        spot = f32(cv2.GaussianBlur(spot, (0, 0), width / 40))
        out += float(rng.uniform(60, 200)) * spot[..., None]
    sigma = 0.0
    if rng.random() < 0.3:
        sigma = min(3.0, 0.5 + float(rng.exponential(0.5))) * scale
        out = f32(cv2.GaussianBlur(out, (0, 0), sigma))
    streak = 0.0
    if motion and rng.random() < 0.3:
        speed = float(rng.exponential(20.0))  # mm/s
        exposure_s = float(rng.uniform(1 / 60, 1 / 30))
        streak = min(24.0, speed * exposure_s * 6.0) * scale
        if streak >= MOTION_MIN_PX:
            out = _motion_blur(rng, out, streak)
    vignetting = bool(rng.random() < 0.5)
    if vignetting:
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        r2 = ((xx - width / 2) / (width / 2)) ** 2 + ((yy - height / 2) / (height / 2)) ** 2
        out *= (1 - float(rng.uniform(0.1, 0.35)) * r2 / 2)[..., None]
    roll = rng.random()
    gain = 1.0
    if roll < 0.12:
        gain = float(rng.uniform(0.4, 0.75))
    elif roll < 0.2:
        gain = float(rng.uniform(1.2, 1.6))
    out *= gain
    noise = float(rng.uniform(1.0, 4.0)) / min(gain, 1.0)
    out += rng.normal(0, noise, (height, width, 1)).astype(np.float32)
    if rng.random() < 0.4:
        out += rng.normal(0, noise * 0.5, (height, width, 3)).astype(np.float32)
    upscaled = bool(rng.random() < 0.15)
    if upscaled:
        factor = float(rng.uniform(0.67, 0.85))
        small = cv2.resize(out, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        out = f32(cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR))
    sharpened = bool(rng.random() < 0.5)
    if sharpened:
        amount = float(rng.uniform(0.3, 0.8))
        soft = f32(cv2.GaussianBlur(out, (0, 0), 1.0 * scale))
        out = out * (1 + amount) - soft * amount
    clipped = u8(np.clip(out, 0, 255))
    quality = int(rng.integers(15, 46)) if rng.random() < 0.2 else int(rng.integers(70, 96))
    ok, encoded = cv2.imencode(".jpg", clipped, [cv2.IMWRITE_JPEG_QUALITY, quality])
    frame = u8(cv2.imdecode(encoded, cv2.IMREAD_COLOR)) if ok else clipped
    record = Degradation(quality, round(sigma, 2), round(streak if streak >= MOTION_MIN_PX
                         else 0.0, 2), round(gain, 3), round(noise, 2), white_balance,
                         vignetting, glare, sharpened, upscaled)
    return frame, record


def _motion_blur(rng: np.random.Generator, image: Points, length: float) -> Points:
    size = max(3, int(length) | 1)
    kernel = np.zeros((size, size), np.float32)
    kernel[size // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D((size / 2 - 0.5, size / 2 - 0.5), float(rng.uniform(0, 180)), 1)
    kernel = f32(cv2.warpAffine(kernel, rot, (size, size)))
    kernel /= max(float(kernel.sum()), 1e-6)
    return f32(cv2.filter2D(image, -1, kernel))
