"""A private speech-dispatcher for tests, whose sound goes to a file instead of a speaker.

The test machine has no sound card; a speech server left to its defaults would
try PulseAudio and hang.  This one plays through ALSA's ``file`` plugin into
``sound``, so a test hears, as bytes, what the resident would: the Qt speechd
plugin → speech-dispatcher → espeak-ng's Vietnamese voice → audio samples.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SYSTEM_CONFIG = Path("/etc/speech-dispatcher")
ESPEAK_MODULE = Path("/usr/lib/speech-dispatcher-modules/sd_espeak-ng")
START_SECONDS = 20.0


@dataclass(frozen=True)
class SpeechServer:
    address: str  # for SPEECHD_ADDRESS
    sound: Path  # raw samples of everything spoken


def missing_speech_packages() -> str | None:
    """Why the real engine cannot be tried here, or None when it can."""
    if shutil.which("speech-dispatcher") is None or not SYSTEM_CONFIG.is_dir():
        return "speech-dispatcher is not installed (Debian package speech-dispatcher)"
    if not ESPEAK_MODULE.exists():
        return "espeak-ng's speech-dispatcher module is missing (speech-dispatcher-espeak-ng)"
    return None


@contextmanager
def speech_server(root: Path) -> Iterator[SpeechServer]:
    """Run speech-dispatcher under ``root`` until the block ends; its modules go with it."""
    config = root / "config"
    shutil.copytree(SYSTEM_CONFIG, config)
    with (config / "speechd.conf").open("a", encoding="utf-8") as conf:
        conf.write('\nAudioOutputMethod "alsa"\nAudioALSADevice "default"\n')
    home = root / "home"
    home.mkdir()
    sound = root / "sound.raw"
    (home / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{sound}"; format "raw" }}\n',
        encoding="utf-8")
    socket = root / "speechd.sock"
    command = ["speech-dispatcher", "--run-single", "--timeout", "0", "--log-level", "1",
               "--communication-method", "unix_socket", "--socket-path", str(socket),
               "--config-dir", str(config), "--log-dir", str(root / "log")]
    server = subprocess.Popen(command, cwd=root, env={**os.environ, "HOME": str(home)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)  # its output modules share its group
    try:
        _wait_for(socket, server)
        yield SpeechServer(f"unix_socket:{socket}", sound)
    finally:
        _stop(server)


def _wait_for(socket: Path, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not socket.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"speech-dispatcher did not start (exit {server.poll()})")
        time.sleep(0.05)


def _stop(server: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(5)
            return
        except subprocess.TimeoutExpired:
            continue
