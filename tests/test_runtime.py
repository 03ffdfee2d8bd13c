"""The runtime the kiosk runs on holds for a working day: pinned, and free of reference leaks.

PySide6 6.12.0 on CPython 3.11 dropped one reference to ``True`` on every
``Signal.emit()`` (and one to ``None`` from worker threads): after a few minutes
of camera preview the interpreter aborted with ``bool_dealloc``.  The check runs
in a child process so that a leaking binding fails this test instead of
aborting the whole run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMITS = 100_000
# A few references move while Qt and Python warm their caches; a leak moves
# them by one per emit (tens of thousands here).
TOLERANCE = 50

EMIT_CHECK = textwrap.dedent("""
    import json, sys, threading
    from PySide6.QtCore import QObject, Qt, Signal
    from PySide6.QtWidgets import QApplication

    app = QApplication([])

    class Source(QObject):
        value = Signal(object)
        flag = Signal(bool)
        text = Signal(str)
        bare = Signal()

    class Sink(QObject):  # lives on the GUI thread: worker emits are queued to it
        def __init__(self):
            super().__init__()
            self.calls = 0
        def take(self, *_args):
            self.calls += 1

    sentinel = object()
    source, sink = Source(), Sink()
    for signal in (source.value, source.flag, source.text, source.bare):
        signal.connect(lambda *_a: None)  # direct, a lambda: the wave-1 pattern
        signal.connect(sink.take, Qt.ConnectionType.QueuedConnection)

    def counts():
        return [sys.getrefcount(o) for o in (True, False, None, sentinel)]

    def emit(times, truth):
        for i in range(times):
            source.value.emit(sentinel if i % 2 else 1)
            source.flag.emit(truth)
            source.text.emit("Nguyễn Thị Thuở")
            source.bare.emit()

    def drain():
        while sink.calls < expected:
            app.processEvents()

    n = int(sys.argv[1])
    emit(50, True); expected = 50 * 4; drain()  # warm up
    before = counts()
    emit(n // 2, True)
    workers = [threading.Thread(target=emit, args=(n // 4, t)) for t in (True, False)]
    for w in workers: w.start()
    for w in workers: w.join()
    expected += 4 * (n // 2 + 2 * (n // 4)); drain()
    print(json.dumps({"before": before, "after": counts(), "queued": sink.calls}))
""")


def test_signal_emits_leave_reference_counts_flat() -> None:
    result = subprocess.run([sys.executable, "-c", EMIT_CHECK, str(EMITS)], capture_output=True,
                            text=True, timeout=240, check=False,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    drift = [a - b for a, b in zip(figures["after"], figures["before"], strict=True)]
    names = ("True", "False", "None", "a plain object")
    immortal = sys.version_info >= (3, 12)  # True, False, None cannot be freed there
    for name, moved in zip(names, drift, strict=True):
        if immortal and name != "a plain object":
            continue
        assert abs(moved) <= TOLERANCE, f"{name}: {moved:+d} references after {EMITS} emits"
    assert figures["queued"] >= EMITS * 4  # every queued emit really reached the GUI thread


def _pins(text: str) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", text, re.MULTILINE)
    return {_key(name): version for name, version in found}


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_environment_is_exactly_the_pinned_one() -> None:
    """The suite runs on the versions constraints.txt names, so that is what it proves."""
    pinned = _pins((ROOT / "constraints.txt").read_text())
    installed = {_key(d.metadata["Name"]): d.version for d in metadata.distributions()}
    different = {name: (version, installed.get(name)) for name, version in pinned.items()
                 if name in installed and installed[name] != version}
    assert different == {}
    assert installed[_key("PySide6-Essentials")] == pinned[_key("PySide6-Essentials")]


def test_every_dependency_of_the_project_is_pinned_to_the_locked_version() -> None:
    pinned = _pins((ROOT / "constraints.txt").read_text())
    requirements = metadata.requires("commune-kiosk") or []
    for requirement in requirements:
        if "extra ==" in requirement and "installer" in requirement:
            continue
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", requirement)
        assert match, f"not pinned exactly: {requirement}"
        name, version = _key(match[1]), match[2]
        assert pinned.get(name) == version, f"{requirement} disagrees with constraints.txt"
