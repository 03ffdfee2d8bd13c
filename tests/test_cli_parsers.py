"""`kiosk --help` and every line naming no command get a parser holding the commands'
names and summaries only (issue 13): it must answer exactly as the whole parser does —
the same help, version, refusals and reading."""

from __future__ import annotations

import contextlib
import io
import shutil

import pytest

from kiosk.cli import SUMMARIES, _terminal_columns, build_parser, parser_for
from kiosk.cli_commands import command_adders


def answer(parser_argv: tuple[object, list[str]]) -> tuple[object, str, str]:
    """What a parser does with a line: its reading, or its exit code, and what it printed."""
    parser, argv = parser_argv
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            read: object = vars(parser.parse_args(argv))  # type: ignore[attr-defined]
        except SystemExit as done:
            read = ("exit", done.code)
    return read, out.getvalue(), err.getvalue()


def test_every_command_has_its_summary_in_help_order() -> None:
    assert list(SUMMARIES) == list(command_adders())


def test_the_summaries_only_help_is_the_whole_parsers_help() -> None:
    assert build_parser(summaries_only=True).format_help() == build_parser().format_help()


def test_the_summaries_are_the_commands_own_help_lines() -> None:
    whole = build_parser()._subparsers._group_actions[0]  # type: ignore[union-attr]
    own = {choice.dest: choice.help for choice in whole._choices_actions}
    assert own == dict(SUMMARIES)


@pytest.mark.parametrize("argv", [
    ["--help"], ["-h"], ["--version"], ["bogus"], ["--data-dir", "d", "--help"],
    ["--data-dir=/tmp/d"], ["--config=k.toml", "--data-dir=d"], ["--bogus"], ["-x", "y"],
    ["--help", "extra"],
])
def test_a_line_naming_no_command_is_answered_as_by_the_whole_parser(
        argv: list[str]) -> None:
    assert parser_for(argv).format_help() == build_parser().format_help()
    light = parser_for(argv)
    assert light._subparsers._group_actions[0].choices["catalog"]._actions[1:] == []  # type: ignore[union-attr]
    assert answer((light, argv)) == answer((build_parser(), argv))


@pytest.mark.parametrize("argv", [
    ["--data-dir=/tmp/d", "catalog", "--json"], ["--data", "d", "catalog", "--json"],
    ["--conf", "k.toml", "queue", "--json"], ["-h", "catalog"], ["--data-dir=d", "bogus", "run"],
])
def test_a_line_naming_a_command_anywhere_is_read_with_that_commands_options(
        argv: list[str]) -> None:
    read, _, _ = answer((parser_for(argv), argv))
    whole, _, _ = answer((build_parser(), argv))
    if isinstance(read, dict) and isinstance(whole, dict):
        read = {k: v for k, v in read.items() if not callable(v)}
        whole = {k: v for k, v in whole.items() if not callable(v)}
    assert read == whole


@pytest.mark.parametrize("columns", ["", "40", "132", "nonsense", "-3"])
def test_the_help_is_as_wide_as_argparse_would_make_it(
        columns: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if columns:
        monkeypatch.setenv("COLUMNS", columns)
    else:
        monkeypatch.delenv("COLUMNS", raising=False)
    assert _terminal_columns() == shutil.get_terminal_size().columns
