"""The real voice: Qt TextToSpeech over speech-dispatcher and espeak-ng really makes sound.

Skipped only where the Debian packages are missing (``python3 -m kiosk.devenv``
installs them, so CI runs these).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtTextToSpeech import QTextToSpeech
from pytestqt.qtbot import QtBot

from kiosk.ui.screens.home import SPOKEN
from kiosk.ui.voice import QtVoice
from tests.support.speech import SpeechServer, missing_speech_packages, speech_server

MISSING = missing_speech_packages() or (
    None if "speechd" in QTextToSpeech.availableEngines()
    else "Qt's speechd plugin cannot load libspeechd (Debian package libspeechd2)")
pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(MISSING is not None, reason=f"no speech engine: {MISSING}"),
    # QtMultimedia looks for PipeWire first and says so; ALSA is used instead.
    pytest.mark.qt_log_ignore("pipewire"),
]
ENGINE_START_MS = 30_000  # the server loads espeak-ng and lists every voice: seconds
GUI_THREAD_S = 0.25  # the GUI thread never waits on the engine longer (connecting: s)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SpeechServer]:
    with speech_server(tmp_path) as running:
        monkeypatch.setenv("SPEECHD_ADDRESS", running.address)  # libspeechd reads it
        yield running


@pytest.fixture
def voice(server: SpeechServer) -> Iterator[QtVoice]:
    started = time.monotonic()
    voice = QtVoice()
    assert time.monotonic() - started < GUI_THREAD_S  # connecting happens on its thread
    yield voice
    assert voice.close()


def test_the_home_instructions_come_out_as_vietnamese_speech(
    qtbot: QtBot, server: SpeechServer, voice: QtVoice,
) -> None:
    qtbot.waitUntil(voice.available, timeout=ENGINE_START_MS)
    with qtbot.waitSignal(voice.speaking, timeout=ENGINE_START_MS):
        started = time.monotonic()
        voice.speak(SPOKEN["screen"])
        assert time.monotonic() - started < GUI_THREAD_S
    qtbot.waitUntil(lambda: server.sound.exists() and server.sound.stat().st_size > 48_000,
                    timeout=ENGINE_START_MS)
    samples = server.sound.read_bytes()
    assert len(set(samples)) > 64  # a voice, not silence

