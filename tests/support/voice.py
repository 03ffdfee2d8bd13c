"""A voice that records what it was asked to say: the speech engine's stand-in in UI tests."""

from __future__ import annotations

from collections.abc import Callable


class RecordingVoice:
    """Satisfies ``kiosk.ui.voice.Voice``; ``speaking`` is the text being read, if any."""

    def __init__(self, *, available: bool = True) -> None:
        self.spoken: list[str] = []
        self.speaking: str | None = None
        self._available = available
        self._listeners: list[Callable[[], None]] = []

    def available(self) -> bool:
        return self._available

    def speak(self, text: str) -> None:
        self.spoken.append(text)
        self.speaking = text

    def stop(self) -> None:
        self.speaking = None

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def become_available(self) -> None:
        """The engine answered late (speech-dispatcher was still starting)."""
        self._available = True
        for listener in self._listeners:
            listener()
