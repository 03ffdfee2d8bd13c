"""The walk of ``benchmarks.bench_walk`` runs, and the counts it prints stay within what
issue 10 asks (taps, keys and screens are counts, not clock time; the estimated time is
printed, not asserted)."""

from __future__ import annotations

import json

import pytest

from benchmarks import bench_walk

pytestmark = pytest.mark.gui


def test_the_walk_prints_one_json_object_with_its_counts(capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    assert bench_walk.main(["--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    for key in ("taps", "keyboard_taps", "screens", "estimated_seconds"):
        assert isinstance(figures[key], int | float)
    assert figures["screens"] == len(figures["screen_names"]) == len(set(figures["screen_names"]))
    assert figures["screen_names"][0] == "home" and figures["screen_names"][-1] == "done"
    parts = figures["seconds_by_kind"]
    assert figures["estimated_seconds"] == pytest.approx(sum(parts.values()), abs=0.2)
    # The resident's path, kept short: a form page or a tap more shows here.
    for key in ("taps", "keyboard_taps", "screens"):
        assert figures[key] <= bench_walk.TARGETS[key], (key, figures[key])
