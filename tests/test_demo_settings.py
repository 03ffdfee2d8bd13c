"""``kiosk run --demo`` on its own uses the shipped demo settings; a chosen file still wins."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from kiosk.cli import run_config
from kiosk.config import load_config
from kiosk.paths import DEMO_SETTINGS, demo_settings, resources_dir

ROOT = Path(__file__).resolve().parent.parent


def test_demo_run_without_a_config_reads_the_shipped_demo_settings() -> None:
    chosen = run_config(None, {}, demo=True)
    assert chosen is not None and Path(chosen) == demo_settings()
    config = load_config(Path(chosen))
    assert config.printer.mode == "file"  # receipts saved as PDF and shown on Done
    assert config.fees  # demo amounts for the council-set fees


def test_an_explicit_config_wins_over_the_demo_settings(tmp_path: Path) -> None:
    own = str(tmp_path / "own.toml")
    assert run_config(own, {}, demo=True) == own
    assert run_config(None, {"KIOSK_CONFIG": own}, demo=True) == own
    assert run_config(own, {"KIOSK_CONFIG": "other.toml"}, demo=True) == own


def test_a_real_run_without_a_config_keeps_the_built_in_defaults() -> None:
    assert run_config(None, {}, demo=False) is None


def test_the_demo_settings_are_found_in_a_frozen_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "dist" / "kiosk" / "_internal"
    shutil.copytree(resources_dir(), bundle / "resources")  # installer.spec's datas
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert demo_settings() == bundle / "resources" / DEMO_SETTINGS
    assert load_config(demo_settings()).printer.mode == "file"


def test_the_installer_bundles_the_resources_tree_that_holds_the_demo_settings() -> None:
    spec = (ROOT / "installer.spec").read_text(encoding="utf-8")
    assert '("resources", "resources")' in spec
    assert (ROOT / "resources" / DEMO_SETTINGS).is_file()


def test_the_examples_demo_file_is_the_shipped_one() -> None:
    assert (ROOT / "examples" / "demo.toml").read_text(encoding="utf-8") == \
        demo_settings().read_text(encoding="utf-8")
