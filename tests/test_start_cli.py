"""Each command parses its line with a parser holding that command alone (issue 13): it
must read every line exactly as the whole parser does, and list every command."""

from __future__ import annotations

import pytest

from kiosk.cli import build_parser, command_of

RUNS = [
    [], ["--data-dir", "/tmp/d"], ["--data-dir", "run"], ["run"], ["run", "--demo"],
    ["run", "--demo", "--windowed", "--quit-when-ready"],
    ["--data-dir", "/tmp/d", "run", "--demo"], ["--config", "k.toml", "run"],
    ["--data-dir", "run", "--config", "c.toml", "run", "--windowed"],
]


@pytest.mark.parametrize("argv", RUNS)
def test_a_start_is_read_by_the_run_only_parser_as_by_the_whole_one(argv: list[str]) -> None:
    assert command_of(argv) == "run"
    whole = vars(build_parser().parse_args(argv))
    only = vars(build_parser(only="run").parse_args(argv))
    assert only == whole


@pytest.mark.parametrize("argv", [
    ["catalog", "--json", "--search", "khai sinh"], ["--data-dir", "d", "queue", "--json"],
    ["queue", "retry", "K-1"], ["decode", "a.png", "--json"], ["scan", "--out", "x.png"],
    ["official", "list"], ["audit"], ["purge", "--older-than", "400"],
    ["receipt", "K-1", "--out", "r.pdf"], ["sync", "--once"], ["portal-sim", "--port", "0"],
])
def test_every_command_is_read_by_its_own_parser_as_by_the_whole_one(argv: list[str]) -> None:
    command = command_of(argv)
    assert command is not None and command in argv
    whole = vars(build_parser().parse_args(argv))
    only = vars(build_parser(only=command).parse_args(argv))
    assert only.keys() == whole.keys()
    assert {k: v for k, v in only.items() if not callable(v)} == {
        k: v for k, v in whole.items() if not callable(v)}
    assert [v for v in only.values() if callable(v)] == [
        v for v in whole.values() if callable(v)]


@pytest.mark.parametrize("argv", [
    ["--help"], ["--version"], ["--data-dir", "d", "--help"], ["bogus"],
    ["--data-dir=/tmp/d", "run"], ["-h", "catalog"],
])
def test_anything_else_gets_the_whole_parser(argv: list[str]) -> None:
    assert command_of(argv) is None
