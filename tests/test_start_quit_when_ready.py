"""`kiosk run --quit-when-ready` and the commands that must start light (issue 13, item 1).

Real processes, offscreen: the kiosk paints Home, opens its database (migrations first,
then the demo official), starts sync and the demo portal, builds every screen, prints
its timings and exits 0; `kiosk catalog --json` and `kiosk --help` never load the
database layer, OpenCV, reportlab or Qt.  No test here asserts on a time.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from kiosk.services import DATABASE_FILE, DEMO_OFFICIAL

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "alembic", "cv2", "numpy", "reportlab", "PySide6", "zxingcpp")
FIGURES = re.compile(r"^home_painted_ms=([\d.]+) ready_ms=([\d.]+)$", re.MULTILINE)


def kiosk(
    tmp_path: Path, *args: str, python: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "KIOSK_DATA_DIR": str(tmp_path / "data")}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, *python, "-m", "kiosk", *args], capture_output=True,
                          text=True, env=env, timeout=180, check=False, cwd=str(tmp_path))


def imported(stderr: str) -> set[str]:
    """The top-level package of every module `-X importtime` saw loaded."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_kiosk_run_quit_when_ready_paints_home_opens_the_database_and_exits_cleanly(
    tmp_path: Path,
) -> None:
    done = kiosk(tmp_path, "run", "--demo", "--quit-when-ready")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    found = FIGURES.search(done.stdout)
    assert found is not None, done.stdout
    home, ready = float(found.group(1)), float(found.group(2))
    assert 0 < home <= ready
    # Everything after Home happened: the database migrated, the demo official added,
    # the demo portal started (its own database), the log written.
    data = tmp_path / "data"
    with sqlite3.connect(data / DATABASE_FILE) as db:
        staff = db.execute("SELECT staff_id FROM officials").fetchall()
        assert (DEMO_OFFICIAL[0],) in staff
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert (data / "portal-sim" / "portal.sqlite3").exists()
    assert (data / "logs" / "kiosk.log").exists()


def test_a_second_start_on_the_same_data_dir_is_as_clean(tmp_path: Path) -> None:
    assert kiosk(tmp_path, "run", "--demo", "--quit-when-ready").returncode == 0
    again = kiosk(tmp_path, "run", "--demo", "--quit-when-ready")
    assert again.returncode == 0, again.stderr[-3000:]
    assert FIGURES.search(again.stdout)


def test_catalog_json_loads_no_database_layer_camera_pdf_or_qt(tmp_path: Path) -> None:
    done = kiosk(tmp_path, "catalog", "--json", python=("-X", "importtime"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.lstrip().startswith("[")
    loaded = imported(done.stderr)
    assert "kiosk" in loaded  # the check sees the kiosk's own imports
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    assert not (tmp_path / "data" / DATABASE_FILE).exists()


def test_help_loads_no_database_layer_camera_pdf_or_qt(tmp_path: Path) -> None:
    done = kiosk(tmp_path, "--help", python=("-X", "importtime"))
    assert done.returncode == 0
    assert "catalog" in done.stdout
    assert imported(done.stderr).isdisjoint(HEAVY)
