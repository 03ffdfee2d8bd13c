"""No demo defaults in production: without a configured portal the kiosk seals and queues
offline, starts no sync worker, and `kiosk sync` says why it cannot send."""

from __future__ import annotations

import logging
from io import StringIO
from pathlib import Path

import pytest

from kiosk.background import BackgroundSync
from kiosk.config import Config
from kiosk.demo.simulator import DEMO_CREDENTIALS
from kiosk.domain.states import DossierState
from kiosk.services import DATABASE_FILE, Runtime
from kiosk.sync.command import (
    COMMAND_MESSAGES,
    DEMO_PORTAL_URL,
    EXIT_NOT_CONFIGURED,
    sync_command,
    with_demo_portal,
)
from tests.support.kiosk import open_kiosk


def test_without_a_portal_the_kiosk_still_seals_and_queues(tmp_path: Path) -> None:
    kiosk = open_kiosk(tmp_path, Config())  # installed without a config file
    try:
        assert kiosk.runtime.config.portal.configured is False
        (dossier,) = kiosk.seal_births(1)
        assert kiosk.queue.find(dossier.code).dossier.state is DossierState.PENDING
    finally:
        kiosk.close()


def test_the_kiosks_background_sync_starts_no_worker_and_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk = open_kiosk(tmp_path, Config())  # installed without a config file
    try:
        with caplog.at_level(logging.WARNING, logger="kiosk.background"):
            sync = BackgroundSync(kiosk.runtime, kiosk.db, demo=False)
            sync.start()
            sync.stop()
        assert sync.worker is None
        said = [r for r in caplog.records if "portal not configured" in r.getMessage()]
        assert len(said) == 1
    finally:
        kiosk.close()


def test_kiosk_sync_without_a_portal_says_so_and_touches_nothing(tmp_path: Path) -> None:
    out, err = StringIO(), StringIO()
    code = sync_command(Runtime(Config(), tmp_path), once=True, out=out, err=err)
    assert code == EXIT_NOT_CONFIGURED
    assert err.getvalue().strip() == COMMAND_MESSAGES["not_configured"]
    assert out.getvalue() == ""
    assert not (tmp_path / DATABASE_FILE).exists()


def test_only_demo_mode_fills_in_the_simulators_account(tmp_path: Path) -> None:
    plain = Runtime(Config(), tmp_path)
    demo = with_demo_portal(plain)
    portal = demo.config.portal
    assert (portal.url, {portal.client_id: portal.client_secret}) == (DEMO_PORTAL_URL,
                                                                      dict(DEMO_CREDENTIALS))
    assert portal.configured and portal.timeout_seconds == plain.config.portal.timeout_seconds
    assert plain.config.portal.configured is False  # the runtime it came from is unchanged
    assert with_demo_portal(plain, "http://127.0.0.1:1").config.portal.url == \
        "http://127.0.0.1:1"
