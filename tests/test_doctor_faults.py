"""`kiosk doctor` never crashes: each fault of the data dir is a failed check in words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import Config, parse_config
from kiosk.doctor import Check, run_checks
from kiosk.services import DATABASE_FILE, Runtime


def folder_for_the_database(data_dir: Path) -> None:
    (data_dir / DATABASE_FILE).mkdir(parents=True)


def file_for_the_data_dir(data_dir: Path) -> None:
    data_dir.write_text("not a folder", encoding="utf-8")


def checks_on(tmp_path: Path, fault: Callable[[Path], None]) -> dict[str, Check]:
    data_dir = tmp_path / "data"
    fault(data_dir)
    return {c.name: c for c in run_checks(Runtime(Config(), data_dir))}


@pytest.mark.parametrize(("fault", "failed", "words"), [
    (folder_for_the_database, ["database", "sync"], "lại là một thư mục"),
    (file_for_the_data_dir, ["data dir", "database", "sync"], "Không dùng được thư mục dữ liệu"),
])
def test_each_data_dir_fault_is_a_failed_check_with_what_to_do(
    tmp_path: Path, fault: Callable[[Path], None], failed: list[str], words: str
) -> None:
    checks = checks_on(tmp_path, fault)
    for name in failed:
        assert checks[name].ok is False, checks[name]
        assert words in checks[name].detail
    assert checks["catalogue"].ok and checks["fonts"].ok  # the others still ran


def test_a_configured_portal_passes_its_check(tmp_path: Path) -> None:
    config = parse_config({"portal": {"url": "https://portal.example", "client_id": "kiosk-7",
                                      "client_secret": "s3cr3t-value"}})
    portal = {c.name: c for c in run_checks(Runtime(config, tmp_path))}["portal"]
    assert portal.ok is True
    assert "https://portal.example" in portal.detail
    assert "s3cr3t-value" not in portal.detail  # a secret is never printed
