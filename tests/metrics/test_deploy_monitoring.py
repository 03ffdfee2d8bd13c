"""deploy/monitoring: the alert rules pass promtool's checks and unit tests, and the
dashboard and the rules name only metrics a real exporter serves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import Config, MetricsConfig
from kiosk.metrics import start_exporter
from kiosk.metrics.devices import DEVICES
from kiosk.services import Runtime, open_database
from tests.metrics import alert_cases
from tests.metrics.support import free_port, populate, scrape

MONITORING = alert_cases.MONITORING
DASHBOARD = MONITORING / "kiosk-dashboard.json"
PROMETHEUS_OWN = {"up"}  # made by Prometheus for every target, not by the exporter
PROMQL_WORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
                "group_right", "bool", "offset", "inf", "nan"}
NEEDS_PROMTOOL = pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool not installed (Debian package 'prometheus'; kiosk.devenv lists it)")


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], cwd=MONITORING, capture_output=True, text=True,
                          timeout=100, check=False)


@NEEDS_PROMTOOL
def test_promtool_accepts_the_alert_rules_and_the_scrape_config() -> None:
    for args in (("check", "rules", "kiosk-alerts.yml"), ("check", "config", "prometheus.yml")):
        done = promtool(*args)
        assert done.returncode == 0, done.stdout + done.stderr


@NEEDS_PROMTOOL
def test_the_alerts_fire_when_and_only_when_their_unit_tests_say() -> None:
    done = promtool("test", "rules", "kiosk-alerts.test.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


@NEEDS_PROMTOOL
def test_promtool_catches_an_alert_that_fires_at_the_wrong_time(tmp_path: Path) -> None:
    """The unit tests can fail: the printer alert expected a minute too early fails them."""
    early = [replace(c, checks=[replace(k, at="5m") if k.fired else k for k in c.checks])
             if c.checks[0].alert == "KioskPrinterFailing" else c for c in alert_cases.CASES]
    shutil.copy(alert_cases.RULES, tmp_path / "kiosk-alerts.yml")
    (tmp_path / "early.test.yml").write_text(alert_cases.render(early), encoding="utf-8")
    done = subprocess.run(["promtool", "test", "rules", "early.test.yml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=100, check=False)
    assert done.returncode != 0 and "KioskPrinterFailing" in done.stdout + done.stderr


def test_the_committed_promtool_tests_are_the_cases_rendered() -> None:
    assert alert_cases.TESTS.read_text(encoding="utf-8") == alert_cases.render(), (
        "run: python -m tests.metrics.alert_cases")


def test_every_alert_is_tested_and_tells_the_technician_what_to_do_in_vietnamese() -> None:
    annotations = alert_cases.rule_annotations(alert_cases.RULES.read_text(encoding="utf-8"))
    tested = {check.alert for case in alert_cases.CASES for check in case.checks
              if check.fired}
    assert tested == set(annotations) and len(annotations) == 8
    for alert, texts in annotations.items():
        assert set(texts) == {"summary", "description"}, alert
        assert "Việc cần làm" in texts["description"], alert


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[set[str]]:
    """Every family and sample name a real exporter of `kiosk run` serves, all devices known."""
    data_dir = tmp_path_factory.mktemp("exported") / "data"
    populate(data_dir)
    port = free_port()
    runtime = Runtime(replace(Config(), metrics=MetricsConfig(f"127.0.0.1:{port}")), data_dir)
    db = open_database(runtime)
    exporter = start_exporter(runtime, db, role="run")
    assert exporter is not None and exporter.board is not None
    for device in DEVICES:
        exporter.board.record(device, True)
    try:
        families = scrape(f"http://127.0.0.1:{port}/metrics")
    finally:
        exporter.stop()
        db.dispose()
    yield set(families) | {s.name for f in families.values() for s in f.samples}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (a simple reading, enough for ours)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)  # label values, $variables inside them
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", text)  # matchers, ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set(re.findall(r"(?<![\w$])([a-zA-Z_:][\w:]*)\b(?!\s*\()", text))
    return names - PROMQL_WORDS


def dashboard_exprs() -> list[str]:
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [t["expr"] for p in board["panels"] for t in p.get("targets", [])]


def rule_exprs() -> list[str]:
    text = alert_cases.RULES.read_text(encoding="utf-8")
    return [" ".join(m.group(1).split()) for m in re.finditer(
        r"expr: (?:>-\n)?((?:.+\n)+?)\s+for:", text)]


def test_the_name_reader_finds_metrics_and_skips_labels_functions_and_keywords() -> None:
    expr = ('max by (kiosk, state) (kiosk_dossiers{state="PENDING", kiosk=~"$kiosk"}) > 0 '
            'and on (kiosk) time() - kiosk_b[5m] offset 1h unless up == 0')
    assert metric_names(expr) == {"kiosk_dossiers", "kiosk_b", "up"}


def test_every_dashboard_panel_reads_only_metrics_the_exporter_serves(
    exported: set[str],
) -> None:
    exprs = dashboard_exprs()
    assert len(exprs) >= 15
    used = set().union(*map(metric_names, exprs))
    assert used - exported - PROMETHEUS_OWN == set()
    assert {"kiosk_dossiers", "kiosk_device_up", "kiosk_disk_free_ratio"} <= used
    for expr in exprs:  # the kiosk template variable narrows every panel
        assert 'kiosk=~"$kiosk"' in expr, expr


def test_every_alert_reads_only_metrics_the_exporter_serves(exported: set[str]) -> None:
    exprs = rule_exprs()
    assert len(exprs) == 8
    used = set().union(*map(metric_names, exprs))
    assert used - exported - PROMETHEUS_OWN == set()
    assert "kiosk_sync_success_age_working_seconds" in used


def test_the_dashboard_has_a_kiosk_variable_and_unique_panel_ids() -> None:
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["kiosk"]["definition"] == "label_values(kiosk_info, kiosk)"
    assert variables["kiosk"]["multi"] and variables["kiosk"]["includeAll"]
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
