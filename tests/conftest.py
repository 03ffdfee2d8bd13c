"""Shared test set-up: Qt runs offscreen, and every test gets its own data dir."""

from __future__ import annotations

import os

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
