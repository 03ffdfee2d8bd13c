"""The alert rules' unit tests for ``promtool test rules``, written once here.

Each case gives input series as Prometheus would scrape them from a kiosk's two
processes and says, at given times, which alerts fire with which labels.  The
annotations promtool also compares are read from the rules file and filled in
with the case's labels, so the descriptions are written in one place.
``python -m tests.metrics.alert_cases`` rewrites deploy/monitoring/kiosk-alerts.test.yml;
a test checks the committed file is what this module renders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MONITORING = Path(__file__).resolve().parents[2] / "deploy" / "monitoring"
RULES = MONITORING / "kiosk-alerts.yml"
TESTS = MONITORING / "kiosk-alerts.test.yml"

A = {"kiosk": "HP-CONGLAC-01"}
B = {"kiosk": "HP-TANTIEN-02"}
UI = {"job": "kiosk"}
SYNC = {"job": "kiosk-sync"}


def series(name: str, values: str, **labels: str) -> tuple[str, str]:
    inside = ",".join(f'{k}="{v}"' for k, v in labels.items())
    return f"{name}{{{inside}}}", values


def both(name: str, values: str, kiosk: Mapping[str, str], **labels: str
         ) -> list[tuple[str, str]]:
    """The same figure from the kiosk's two processes (they read one database)."""
    return [series(name, values, **kiosk, **role, instance=f"{kiosk['kiosk']}:{port}", **labels)
            for role, port in ((UI, 9108), (SYNC, 9109))]


@dataclass(frozen=True)
class Check:
    at: str  # eval_time
    alert: str
    fired: Sequence[Mapping[str, str]] = ()  # the labels of each firing alert


@dataclass(frozen=True)
class Case:
    what: str
    inputs: Sequence[tuple[str, str]]
    checks: Sequence[Check] = field(default_factory=tuple)


def down(kiosk: Mapping[str, str]) -> dict[str, str]:
    return {**kiosk, **UI, "instance": f"{kiosk['kiosk']}:9108", "severity": "critical"}


CASES = (
    Case("a kiosk that stops answering is down after 5 minutes; one that answers is not", [
        series("up", "1 1 0x20", **A, **UI, instance="HP-CONGLAC-01:9108"),
        series("up", "1x22", **B, **UI, instance="HP-TANTIEN-02:9108"),
    ], [Check("6m", "KioskDown"), Check("8m", "KioskDown", [down(A)])]),
    Case("an unsent dossier over an hour old while the office is open; closed office: quiet", [
        *both("kiosk_oldest_unsent_dossier_age_seconds", "3000+60x40", A),
        *both("kiosk_office_open", "1x40", A),
        *both("kiosk_oldest_unsent_dossier_age_seconds", "3000+60x40", B),
        *both("kiosk_office_open", "0x40", B),
    ], [Check("15m", "KioskQueueStuck"),
        Check("25m", "KioskQueueStuck", [{**A, "severity": "warning"}])]),
    Case("dossiers pending and an hour of office time without a successful sync", [
        *both("kiosk_dossiers", "2x40", A, state="PENDING"),
        *both("kiosk_sync_success_age_working_seconds", "3000+60x40", A),
        *both("kiosk_office_open", "1x40", A),
        *both("kiosk_dossiers", "0x40", B, state="PENDING"),
        *both("kiosk_sync_success_age_working_seconds", "3000+60x40", B),
        *both("kiosk_office_open", "1x40", B),
    ], [Check("15m", "KioskPendingWithoutSync"),
        Check("25m", "KioskPendingWithoutSync", [{**A, "severity": "warning"}])]),
    Case("a printer failing for 5 minutes; one that fails now and then does not alert", [
        series("kiosk_device_up", "1 0x10", **A, **UI, instance="HP-CONGLAC-01:9108",
               device="printer"),
        series("kiosk_device_up", "0 1 0 1 0 1 0 1 0 1 0 1", **B, **UI,
               instance="HP-TANTIEN-02:9108", device="printer"),
    ], [Check("4m", "KioskPrinterFailing"),
        Check("7m", "KioskPrinterFailing", [{**A, **UI, "instance": "HP-CONGLAC-01:9108",
                                             "device": "printer", "severity": "warning"}])]),
    Case("a camera that fails for a quarter of an hour", [
        series("kiosk_device_up", "0x20", **A, **UI, instance="HP-CONGLAC-01:9108",
               device="camera"),
    ], [Check("10m", "KioskDeviceFailing"),
        Check("16m", "KioskDeviceFailing", [{**A, **UI, "instance": "HP-CONGLAC-01:9108",
                                            "device": "camera", "severity": "info"}])]),
    Case("under 10 % of the disk free for 10 minutes", [
        *both("kiosk_disk_free_ratio", "0.2 0.09x20", A),
        *both("kiosk_disk_free_ratio", "0.11x21", B),
    ], [Check("9m", "KioskDiskLow"),
        Check("12m", "KioskDiskLow", [{**A, "severity": "critical"}])]),
    Case("more than 8 office hours without a successful sync; 5.5 hours is not yet a day", [
        *both("kiosk_sync_success_age_working_seconds", "28000+60x40", A),
        *both("kiosk_sync_success_age_working_seconds", "20000x40", B),
    ], [Check("20m", "KioskNoSyncForAWorkingDay"),
        Check("31m", "KioskNoSyncForAWorkingDay", [{**A, "severity": "critical"}])]),
    Case("a process that cannot read the database", [
        series("kiosk_database_up", "0x10", **A, **SYNC, instance="HP-CONGLAC-01:9109"),
        series("kiosk_database_up", "1x10", **B, **SYNC, instance="HP-TANTIEN-02:9109"),
    ], [Check("4m", "KioskDatabaseUnreadable"),
        Check("6m", "KioskDatabaseUnreadable", [{**A, **SYNC, "instance": "HP-CONGLAC-01:9109",
                                                 "severity": "critical"}])]),
)


def rule_annotations(text: str) -> dict[str, dict[str, str]]:
    """Each alert's annotations from the rules file (plain and ``>-`` folded scalars)."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    key: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("- alert:"):
            current = found.setdefault(stripped.split(":", 1)[1].strip(), {})
            key = None
        elif current is not None and re.match(r"\s{10}(summary|description):", line):
            key, _, rest = stripped.partition(":")
            rest = rest.strip()
            current[key] = json.loads(rest) if rest.startswith('"') else ""
            if rest not in (">-", ""):
                key = None
        elif current is not None and key and line.startswith(" " * 12) and stripped:
            current[key] = f"{current[key]} {stripped}".strip()
        elif stripped and not line.startswith(" " * 12):
            key = None
    return found


def fill(template: str, labels: Mapping[str, str]) -> str:
    def label(match: re.Match[str]) -> str:
        return labels[match.group(1)]

    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", label, template)


def render(cases: Sequence[Case] = CASES, rules_text: str | None = None) -> str:
    """The promtool test file (YAML; every string JSON-quoted, which YAML reads as is)."""
    annotations = rule_annotations(rules_text if rules_text is not None else RULES.read_text(
        encoding="utf-8"))
    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    out = ["# Generated by `python -m tests.metrics.alert_cases`: edit the cases there.",
           "# Run: promtool test rules kiosk-alerts.test.yml", "rule_files:",
           "  - kiosk-alerts.yml", "evaluation_interval: 1m", "tests:"]
    for case in cases:
        out += [f"  # {case.what}", "  - interval: 1m", "    input_series:"]
        for name, values in case.inputs:
            out += [f"      - series: {q(name)}", f"        values: {q(values)}"]
        out.append("    alert_rule_test:")
        for check in case.checks:
            out += [f"      - eval_time: {check.at}", f"        alertname: {check.alert}"]
            if not check.fired:
                out.append("        exp_alerts: []")
                continue
            out.append("        exp_alerts:")
            for labels in check.fired:
                out.append("          - exp_labels:")
                out += [f"              {k}: {q(v)}" for k, v in labels.items()]
                out.append("            exp_annotations:")
                for key, template in annotations[check.alert].items():
                    out.append(f"              {key}: {q(fill(template, labels))}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    TESTS.write_text(render(), encoding="utf-8")
    print(f"wrote {TESTS}")
