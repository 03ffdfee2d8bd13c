"""Where things live: bundled resources and the kiosk's data directory.

The only module that knows about PyInstaller's frozen layout.  Nothing here
reads the environment on its own: callers pass what the config resolved.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES = "resources"  # fonts, catalogue, lists…: read by the kiosk as it runs
DEPLOY = "deploy"  # systemd units and the config template: read by `kiosk appliance install`
DEMO_SETTINGS = "demo.toml"  # under resources/: receipts saved as PDF, demo council fees
PRIVATE_UMASK = 0o077  # the data dir 0700, its files 0600: residents' data is not world-readable


def private_files() -> None:
    """Every file and folder this process creates is its account's alone (set at start)."""
    os.umask(PRIVATE_UMASK)


def resources_dir() -> Path:
    """The read-only ``resources/`` tree, from a checkout, a wheel or a frozen build."""
    return _bundled(RESOURCES)


def deploy_dir() -> Path:
    """The ``deploy/`` tree (systemd units, the config template, monitoring files)."""
    return _bundled(DEPLOY)


def _bundled(name: str) -> Path:
    """``name`` as PyInstaller bundles it (``_MEIPASS/<name>``), as the wheel installs it
    (package data: ``kiosk/<name>``, see pyproject.toml), or beside the package (a checkout)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / name
    # What importlib.resources.files("kiosk") / name gives for a package on disk, without
    # importing it: it loads typing and more, which `kiosk --help` and a kept
    # `kiosk catalog --json` must not (tests/test_cli_imports.py).
    package = Path(__file__).resolve().parent
    installed = package / name
    return installed if installed.is_dir() else package.parent / name


def resource(*parts: str) -> Path:
    """A file under ``resources/``."""
    return resources_dir().joinpath(*parts)


def demo_settings() -> Path:
    """The settings ``kiosk run --demo`` uses when no configuration file is named."""
    return resource(DEMO_SETTINGS)


def default_data_dir(home: Path) -> Path:
    """Where the queue, attachments and logs go when no ``--data-dir`` is given."""
    return home / ".local" / "share" / "commune-kiosk"
