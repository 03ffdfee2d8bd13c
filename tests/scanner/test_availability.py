"""Is there a scanner to offer: SANE's answer (test device, none, not installed), kept a while."""

from __future__ import annotations

from pathlib import Path

from kiosk.demo.scanner import FakeScanner
from kiosk.scanner.availability import ScannerAvailability, probe_scanner
from kiosk.scanner.sane import SaneScanner


def test_sanes_test_device_counts_as_a_scanner(sane_env: dict[str, str]) -> None:
    assert probe_scanner(lambda: SaneScanner(sane_env))


def test_sane_with_no_backend_is_no_scanner(sane_env: dict[str, str]) -> None:
    Path(sane_env["SANE_CONFIG_DIR"], "dll.conf").write_text("\n", encoding="ascii")
    assert not probe_scanner(lambda: SaneScanner(sane_env))


def test_a_missing_scanimage_is_no_scanner_not_an_error(sane_env: dict[str, str]) -> None:
    assert not probe_scanner(lambda: SaneScanner(sane_env, executable="no-scanimage-here"))


def test_a_driver_that_hangs_is_given_up_on(sane_env: dict[str, str], tmp_path: Path) -> None:
    slow = tmp_path / "bin" / "scanimage"
    slow.parent.mkdir()
    slow.write_text("#!/bin/sh\nexec /bin/sleep 30\n", encoding="ascii")
    slow.chmod(0o755)
    env = {**sane_env, "PATH": str(slow.parent)}
    assert not probe_scanner(lambda: SaneScanner(env, list_timeout=0.5))


def test_the_fake_scanner_counts_and_an_empty_one_does_not() -> None:
    assert probe_scanner(FakeScanner)
    assert not probe_scanner(lambda: FakeScanner(devices=[]))


def test_an_answer_is_kept_for_its_time_then_asked_again() -> None:
    now = [100.0]
    cache = ScannerAvailability(ttl=300.0, clock=lambda: now[0])
    assert cache.stale() and not cache.present
    cache.record(True)
    now[0] += 299.0
    assert not cache.stale() and cache.present
    now[0] += 1.0
    assert cache.stale()


def test_forgetting_after_a_failed_scan_asks_again_at_once() -> None:
    cache = ScannerAvailability(clock=lambda: 0.0)
    cache.record(True)
    cache.forget()
    assert cache.stale() and not cache.present
