"""What `kiosk --help` and `kiosk catalog --json` load, seen in a real child's ``sys.modules``
(issue 13: each within 3× ``python -c pass``).

Neither loads the database layer, Qt, OpenCV, NumPy or reportlab.  `--help` and a
`catalog --json` whose text was kept in the data dir load none of the domain's entries
either, nor the standard library's heavier modules that only other commands need."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "alembic", "PySide6", "cv2", "numpy", "reportlab")
# What the light paths never need: the domain's dataclasses, logging (and its threading),
# typing, shutil (argparse's terminal width), the official's commands.
LIGHT_PATH_FREE = ("dataclasses", "inspect", "logging", "threading", "typing", "shutil",
                   "kiosk.config", "kiosk.services", "kiosk.domain.catalogue",
                   "kiosk.domain.forms", "kiosk.office_commands", "kiosk.office_cli")
# What `--help` alone never needs: what the commands do (it only lists them).
HELP_FREE = (*LIGHT_PATH_FREE, "kiosk.cli_handlers", "kiosk.cli_catalogue",
             "kiosk.domain.catalogue_cache")

# `python -m kiosk ARGS`, exactly (runpy), writing its sys.modules as it exits.
DRIVER = """
import atexit, os, sys

def _write():
    with open(os.environ["MODULES_OUT"], "w", encoding="utf-8") as out:
        out.write("\\n".join(sorted(sys.modules)))

atexit.register(_write)
import runpy
runpy.run_module("kiosk", run_name="__main__", alter_sys=True)
"""


def loaded_by(tmp_path: Path, *args: str, data_dir: Path | None = None) -> set[str]:
    out = tmp_path / "modules.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MODULES_OUT": str(out),
           "KIOSK_DATA_DIR": str(data_dir or tmp_path / "no-data-dir")}
    env.pop("KIOSK_CONFIG", None)
    done = subprocess.run([sys.executable, "-c", DRIVER, *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False, cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout  # it did its work
    return set(out.read_text(encoding="utf-8").split())


def packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.fixture
def kept(tmp_path: Path) -> Path:
    """A data dir whose catalogue text was kept by an earlier `kiosk catalog --json`."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    loaded_by(tmp_path, "catalog", "--json", data_dir=data)
    assert (data / "catalogue-json.cache").exists()
    return data


def test_help_loads_no_heavy_library(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "--help")
    assert "kiosk.cli" in loaded  # the check sees the kiosk's own modules
    assert packages(loaded).isdisjoint(HEAVY), sorted(packages(loaded) & set(HEAVY))


def test_help_loads_no_command_module_nor_what_only_commands_need(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "--help")
    assert "kiosk.cli_commands" in loaded  # what lists the commands
    assert loaded.isdisjoint(HELP_FREE), sorted(loaded & set(HELP_FREE))


def test_catalog_json_loads_no_heavy_library_when_it_reads_the_catalogue(
        tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "catalog", "--json")  # no data dir: nothing kept
    assert "kiosk.domain.catalogue_json" in loaded  # it did read and check the catalogue
    assert packages(loaded).isdisjoint(HEAVY), sorted(packages(loaded) & set(HEAVY))
    assert "kiosk.config" not in loaded  # the JSON does not depend on the settings


def test_catalog_json_search_loads_no_heavy_library(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "catalog", "--json", "--search", "khai sinh")
    assert packages(loaded).isdisjoint(HEAVY), sorted(packages(loaded) & set(HEAVY))


def test_catalog_json_from_the_kept_text_loads_neither_the_domain_nor_heavy_libraries(
        tmp_path: Path, kept: Path) -> None:
    loaded = loaded_by(tmp_path, "catalog", "--json", data_dir=kept)
    assert "kiosk.domain.catalogue_cache" in loaded
    assert "kiosk.cli_handlers" not in loaded  # the other commands' handlers
    assert packages(loaded).isdisjoint(HEAVY), sorted(packages(loaded) & set(HEAVY))
    assert loaded.isdisjoint(LIGHT_PATH_FREE), sorted(loaded & set(LIGHT_PATH_FREE))
