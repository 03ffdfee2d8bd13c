"""The systemd units and the config template in deploy/ (issue 14, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> dict[str, dict[str, str]]:
    """Each section's settings; a setting given on several lines (Environment=) joined
    by spaces, as systemd adds them up."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        elif "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            current[key] = f"{current[key]} {value}" if key in current else value
    return sections


@pytest.mark.parametrize("name", ["kiosk.service", "kiosk-sync.service"])
def test_each_service_runs_as_kiosk_restarts_always_and_is_watched(name: str) -> None:
    service = unit(name)["Service"]
    assert service["User"] == "kiosk"
    assert service["Restart"] == "always"
    assert service["Type"] == "notify"
    assert int(service["WatchdogSec"]) > 0
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert "/var/lib/kiosk" in service["ReadWritePaths"].split()
    assert "KIOSK_CONFIG=/etc/kiosk/kiosk.toml" in service["Environment"]
    assert service["ExecStart"].split()[-2:] == ["/opt/kiosk/bin/kiosk",
                                                   "sync" if "sync" in name else "run"]


def test_the_ui_is_the_only_client_of_cage_on_tty1_started_at_boot() -> None:
    kiosk = unit("kiosk.service")
    service = kiosk["Service"]
    assert service["ExecStart"].startswith("/usr/bin/cage -s -- ")
    assert service["PAMName"] == "login"
    assert service["TTYPath"] == "/dev/tty1"
    assert service["NotifyAccess"] == "all"  # READY and WATCHDOG come from cage's child
    assert kiosk["Install"]["WantedBy"] == "graphical.target"
    assert "getty@tty1.service" in kiosk["Unit"]["Conflicts"]


def test_the_config_template_is_a_valid_kiosk_config_commented_in_vietnamese() -> None:
    template = DEPLOY / "kiosk.toml.in"
    config = load_config(template)
    assert config.kiosk.id
    text = template.read_text(encoding="utf-8")
    for key in ("agency_code", "sequence_start", "sequence_end", "url", "client_id",
                "client_secret"):
        line = next(t for t in text.splitlines() if t.startswith(key + " "))
        assert "PHẢI ĐẶT" in line, line
