"""`kiosk run` parses its command line with a parser holding only `run` (issue 13): it must
read every start of the kiosk exactly as the whole parser does."""

from __future__ import annotations

import pytest

from kiosk.cli import _starts_the_kiosk, build_parser

RUNS = [
    [], ["--data-dir", "/tmp/d"], ["--data-dir", "run"], ["run"], ["run", "--demo"],
    ["run", "--demo", "--windowed", "--quit-when-ready"],
    ["--data-dir", "/tmp/d", "run", "--demo"], ["--config", "k.toml", "run"],
    ["--data-dir", "run", "--config", "c.toml", "run", "--windowed"],
]


@pytest.mark.parametrize("argv", RUNS)
def test_a_start_is_read_by_the_run_only_parser_as_by_the_whole_one(argv: list[str]) -> None:
    assert _starts_the_kiosk(argv)
    whole = vars(build_parser().parse_args(argv))
    only = vars(build_parser(only_run=True).parse_args(argv))
    assert only == whole


@pytest.mark.parametrize("argv", [
    ["--help"], ["--version"], ["catalog", "--json"], ["--data-dir", "d", "--help"],
    ["--config", "run", "queue"], ["--data-dir=/tmp/d", "run"],
])
def test_anything_else_gets_the_whole_parser(argv: list[str]) -> None:
    assert not _starts_the_kiosk(argv)
