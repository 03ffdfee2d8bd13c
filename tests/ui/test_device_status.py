"""The officials' device lines: an unconfigured portal said as such, no tick for a device the
kiosk does not have, a cross for one that is missing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import Config
from kiosk.sync.status import read_sync_status
from kiosk.ui.device_status import DeviceLine, DeviceProbe, gather
from kiosk.ui.screens.dashboard_pages import StatusPage
from tests.support.kiosk import Kiosk

pytestmark = pytest.mark.gui


def lines(backend: Kiosk, config: Config, *, camera: bool) -> dict[str, DeviceLine]:
    probe = DeviceProbe(config, backend.runtime.data_dir, camera, None,
                        lambda: read_sync_status(backend.db))
    return {line.name: line for line in gather(probe, backend.clock())}


@pytest.mark.parametrize("missing", ["url", "client_id", "client_secret"])
def test_a_portal_without_address_or_credentials_is_said_to_be_not_configured(
    backend: Kiosk, missing: str,
) -> None:
    config = backend.runtime.config
    unconfigured = replace(config, portal=replace(config.portal, **{missing: " "}))
    portal = lines(backend, unconfigured, camera=True)["Cổng dịch vụ công"]
    assert portal.state.startswith("chưa cấu hình") and portal.ok is False


def test_a_configured_portal_never_reached_is_not_called_unconfigured(backend: Kiosk) -> None:
    config = backend.runtime.config
    assert config.portal.configured
    portal = lines(backend, config, camera=True)["Cổng dịch vụ công"]
    assert portal.state == "chưa liên lạc được lần nào" and portal.ok is False


def test_a_kiosk_without_camera_or_scanner_shows_no_tick_for_them(
    qtbot: QtBot, backend: Kiosk,
) -> None:
    found = lines(backend, backend.runtime.config, camera=False)
    assert found["Camera"].ok is None and found["Máy quét"].ok is None
    page = StatusPage()
    qtbot.addWidget(page)
    page.show_devices(list(found.values()))
    shown = page.devices.text().splitlines()
    assert "– Camera: không lắp camera" in shown
    assert "– Máy quét: không lắp máy quét" in shown
    assert any(line.startswith("✖ Cổng dịch vụ công") for line in shown)
    assert any(line.startswith("✔ Ổ đĩa") for line in shown)


def test_a_configured_camera_whose_device_is_missing_gets_a_cross(
    backend: Kiosk, tmp_path: Path,
) -> None:
    config = backend.runtime.config
    gone = replace(config, camera=replace(config.camera, device=str(tmp_path / "none.avi")))
    assert lines(backend, gone, camera=True)["Camera"].ok is False
