"""Home is painted before PySide6 builds ``QtCore.Qt``'s enums (issue 13: Home within 1.5×
a bare window): that namespace costs about a fifth of a bare window's whole start, and
nothing on Home needs it.  The pointer is still hidden, once Home is painted.  Seen in a
real ``kiosk run --demo --quit-when-ready``, watched from inside the child."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# `python -m kiosk ARGS`, with StartUp.home_painted watched: what was built at that moment,
# and the pointer just after.
DRIVER = """
import runpy, sys
from kiosk import app

painted = app.StartUp.home_painted

def watch(self, ms):
    from PySide6 import QtCore
    print("qt_namespace_built=" + str("Qt" in QtCore.__dict__), flush=True)
    painted(self, ms)
    from PySide6.QtGui import QGuiApplication
    cursor = QGuiApplication.overrideCursor()
    print("pointer=" + (cursor.shape().name if cursor is not None else "shown"), flush=True)

app.StartUp.home_painted = watch
runpy.run_module("kiosk", run_name="__main__", alter_sys=True)
"""


def start(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-c", DRIVER, "--data-dir", str(tmp_path / "data"), "run", "--demo",
         "--quit-when-ready", *args],
        capture_output=True, text=True, env=env, timeout=300, check=False, cwd=str(tmp_path))


def test_home_is_painted_before_qts_enums_are_built_and_the_pointer_then_hidden(
        tmp_path: Path) -> None:
    done = start(tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "qt_namespace_built=False" in done.stdout, done.stdout
    assert "pointer=BlankCursor" in done.stdout, done.stdout


def test_a_windowed_kiosk_keeps_its_pointer(tmp_path: Path) -> None:
    done = start(tmp_path, "--windowed")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "pointer=shown" in done.stdout, done.stdout
