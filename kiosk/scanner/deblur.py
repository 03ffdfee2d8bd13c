"""Undoing a hand's motion blur on a code's crop: estimate the streak, then Wiener-deconvolve.

A card moving while the shutter is open smears every module along one
direction by the same length: the crop is the sharp code convolved with a line.
Two things in the blurred crop give that line away:

- direction: blur removes gradients along the motion and keeps those across
  it, so the structure tensor's weakest axis points along the motion (a QR
  code's own gradients, along its two perpendicular axes, are balanced);
- length: the derivative along the motion of a box-blurred image is the
  difference of two copies of the sharp edges ``length`` apart, so its
  autocorrelation dips to a negative minimum at that lag.

``estimate`` returns (degrees, length in pixels) or ``None`` when the crop
shows no clear streak; ``deconvolve`` applies a Wiener filter for that line.
Both work on small crops (a code region, not the frame) and cost a few
milliseconds each.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.scanner.arrays import Frame, u8

MIN_LENGTH = 3  # px: shorter streaks leave a code readable without help
MAX_LENGTH = 31  # px: longer ones have wiped out any code at webcam module sizes
MIN_ANISOTROPY = 0.12  # weakest against strongest gradient axis: below it, no clear streak
_MAX_SIDE = 640  # a larger crop is worked on shrunk to this (then the streak is shorter)


@dataclass(frozen=True)
class Streak:
    """A motion blur: its direction (degrees, image axes, y down) and its length in pixels."""

    degrees: float
    length: float
    anisotropy: float


def estimate(gray: Frame) -> Streak | None:
    """The motion streak in ``gray`` (a code's crop), or ``None`` when there is none to see."""
    if gray.ndim != 2 or min(gray.shape) < 24 or max(gray.shape) > 4 * _MAX_SIDE:
        return None
    image = gray.astype(np.float32)
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jyy, jxy = float((gx * gx).sum()), float((gy * gy).sum()), float((gx * gy).sum())
    trace = jxx + jyy
    if trace <= 1e-6:
        return None
    spread = float(np.hypot(jxx - jyy, 2 * jxy))
    anisotropy = spread / trace
    if anisotropy < MIN_ANISOTROPY:
        return None
    # The weakest axis: the eigenvector of the smaller eigenvalue.
    strong = 0.5 * np.degrees(np.arctan2(2 * jxy, jxx - jyy))
    degrees = float((strong + 90.0) % 180.0)
    length = _length(image, degrees)
    if length is None:
        return None
    return Streak(degrees, length, anisotropy)


def _length(image: np.ndarray, degrees: float) -> float | None:
    """The lag of the most negative autocorrelation of the derivative along ``degrees``."""
    h, w = image.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    turned = np.asarray(cv2.warpAffine(image, rot, (w, h), flags=cv2.INTER_LINEAR,
                                       borderMode=cv2.BORDER_REFLECT), np.float32)
    # The middle, away from the corners the turn filled in by reflection.
    y0, y1, x0, x1 = h // 4, h - h // 4, w // 8, w - w // 8
    core = turned[y0:y1, x0:x1]
    if core.shape[1] < 2 * MAX_LENGTH or core.shape[0] < 8:
        return None
    deriv = np.diff(core, axis=1)
    deriv -= deriv.mean(axis=1, keepdims=True)
    size = 1 << int(np.ceil(np.log2(2 * deriv.shape[1])))
    spectrum = np.fft.rfft(deriv, n=size, axis=1)
    corr = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1).sum(axis=0)
    if corr[0] <= 0:
        return None
    corr = corr / corr[0]
    window = corr[2:MAX_LENGTH + 1]
    lag = int(np.argmin(window)) + 2
    if lag < MIN_LENGTH or window[lag - 2] > -0.08:
        return None
    return float(lag)


def deconvolve(gray: Frame, streak: Streak, *, noise: float = 0.02) -> Frame:
    """``gray`` Wiener-deconvolved for ``streak``, stretched back to 0…255."""
    h, w = gray.shape
    pad = int(streak.length) + 4
    ph, pw = cv2.getOptimalDFTSize(h + 2 * pad), cv2.getOptimalDFTSize(w + 2 * pad)
    image = cv2.copyMakeBorder(gray.astype(np.float32), pad, ph - h - pad, pad, pw - w - pad,
                               cv2.BORDER_REFLECT)
    kernel = np.zeros((ph, pw), np.float32)
    half = streak.length / 2
    t = np.deg2rad(streak.degrees)
    dx, dy = half * np.cos(t), half * np.sin(t)
    # Drawn at 1/16 px about the kernel's centre, then rolled so the centre is at (0, 0).
    cy, cx = ph // 2, pw // 2
    cv2.line(kernel, (round((cx - dx) * 16), round((cy - dy) * 16)),
             (round((cx + dx) * 16), round((cy + dy) * 16)), 1.0, 1, cv2.LINE_AA, shift=4)
    total = float(kernel.sum())
    if total <= 0:
        return gray
    kernel = np.roll(kernel / total, (-cy, -cx), (0, 1))
    response = cv2.dft(kernel, flags=cv2.DFT_COMPLEX_OUTPUT)
    spectrum = cv2.dft(image, flags=cv2.DFT_COMPLEX_OUTPUT)
    power = response[..., 0] ** 2 + response[..., 1] ** 2 + noise
    # G * conj(H) / (|H|^2 + noise), complex as (re, im) pairs.
    re = (spectrum[..., 0] * response[..., 0] + spectrum[..., 1] * response[..., 1]) / power
    im = (spectrum[..., 1] * response[..., 0] - spectrum[..., 0] * response[..., 1]) / power
    restored = cv2.idft(np.dstack([re, im]).astype(np.float32),
                        flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)[pad:pad + h, pad:pad + w]
    low, high = np.percentile(restored, (1, 99))
    scale = 255.0 / max(float(high - low), 1e-6)
    return u8(np.clip((restored - low) * scale, 0, 255))


def shrink_for(gray: Frame) -> tuple[Frame, float]:
    """``gray`` shrunk to at most ``_MAX_SIDE`` on its longer side, and the factor used."""
    longest = max(gray.shape[:2])
    if longest <= _MAX_SIDE:
        return gray, 1.0
    factor = _MAX_SIDE / longest
    return u8(cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)), factor
