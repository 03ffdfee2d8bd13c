"""Shared test set-up: Qt runs offscreen, and every test gets its own data dir."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def fail_on_logged_errors(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
                          ) -> Iterator[None]:
    """An ERROR logged during a test fails it, unless the test is about that error."""
    yield
    if request.node.get_closest_marker("logs_errors"):
        return
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    if errors:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in errors[:5])
        pytest.fail(f"{len(errors)} error(s) logged during the test:\n{lines}", pytrace=False)
