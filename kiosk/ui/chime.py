"""The short two-note chime played when a resident calls for an official.

The sound is a small WAV written with the stdlib (``write_chime``), shipped in
``resources/sounds/``.  Playing never fails the caller: with no audio device
(offscreen CI, a kiosk whose speaker is unplugged), a missing file or no
QtMultimedia, ``play`` does nothing and returns False.  On a headless platform
(offscreen, minimal: CI, screenshots) QtMultimedia is not even loaded: there is no
speaker there, and its backends only print warnings while finding that out.
"""

from __future__ import annotations

import logging
import math
import struct
import wave
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QGuiApplication

from kiosk.paths import resource

log = logging.getLogger(__name__)

CHIME_PATH = resource("sounds", "chime.wav")
RATE = 22_050
NOTES = ((880.0, 0.18), (660.0, 0.32))  # A5 then E5: «ding-dong», half a second
VOLUME = 0.35
HEADLESS = frozenset({"offscreen", "minimal"})


def write_chime(path: Path = CHIME_PATH) -> Path:
    """Write the chime: 16-bit mono PCM, each note with a soft attack and a decay."""
    frames = bytearray()
    for freq, seconds in NOTES:
        count = int(RATE * seconds)
        for i in range(count):
            t = i / RATE
            envelope = min(1.0, i / (RATE * 0.01)) * math.exp(-4.0 * t / seconds)
            value = VOLUME * envelope * math.sin(2 * math.pi * freq * t)
            frames += struct.pack("<h", int(value * 32767))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


class Chime(QObject):
    """One QSoundEffect, made on first use; every failure is logged once and swallowed."""

    def __init__(self, path: Path = CHIME_PATH, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._effect: object | None = None
        self._broken = False

    def play(self) -> bool:
        """Start the chime; False if it cannot sound here (nothing raised)."""
        if self._broken:
            return False
        if QGuiApplication.platformName() in HEADLESS:
            log.info("no help chime on the %s platform", QGuiApplication.platformName())
            self._broken = True
            return False
        try:
            effect = self._effect or self._make()
            effect.play()  # type: ignore[attr-defined]
        except Exception:  # no device, no plugin, no file: the call for help goes on silently
            log.warning("help chime unavailable", exc_info=True)
            self._broken = True
            return False
        return True

    def _make(self) -> object:
        if not self._path.is_file():
            raise FileNotFoundError(self._path)
        from PySide6.QtMultimedia import QSoundEffect

        effect = QSoundEffect(self)
        effect.setSource(QUrl.fromLocalFile(str(self._path)))
        effect.setVolume(0.8)
        self._effect = effect
        return effect
