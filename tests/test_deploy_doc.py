"""docs/deploy.md stays true to the code: its config keys, commands and variables exist.

Keys are compared with the real ``Config`` dataclasses (``dataclasses.fields``), commands
with the real argparse parser of kiosk/cli.py, environment variables with the real
override table, and the sample kiosk.toml is loaded by the real ``parse_config``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import shlex
import tomllib
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import cli, config

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "deploy.md"
CATALOGUE = ROOT / "resources" / "catalogue" / "procedures.json"


FENCE = re.compile(r"^[ \t]*```(\w*)\n(.*?)^[ \t]*```", re.S | re.M)  # also inside a list
SPAN = re.compile(r"`([^`]+)`")
KEY = re.compile(r"\[(\w+)\]\s+(\w+)")
VARIABLE = re.compile(r"\bKIOSK_[A-Z_]+\b")
# What may stand before the command in a line: a user switch, then the program itself.
RUN_AS = {"runuser", "sudo"}
GLOBAL_OPTIONS = {"--data-dir", "--config"}


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def code_pieces(text: str) -> Iterator[str]:
    """Every inline code span and every line of every fenced block."""
    for match in FENCE.finditer(text):
        yield from match.group(2).splitlines()
    yield from SPAN.findall(FENCE.sub("", text))


def named_keys(text: str) -> set[tuple[str, str]]:
    return {(s, k) for piece in code_pieces(text) for s, k in KEY.findall(piece)}


def kiosk_commands(text: str) -> list[list[str]]:
    """Each ``kiosk …`` in command position: its words after the program and global options."""
    found = []
    for piece in code_pieces(text):
        for segment in re.split(r"&&|;|\|", piece):
            words = _command_words(segment)
            if words is not None:
                found.append(words)
    return found


def _command_words(segment: str) -> list[str] | None:
    try:
        words = shlex.split(segment, comments=True)
    except ValueError:  # an unclosed quote in prose: not a command line
        return None
    if words[:1] and words[0] in RUN_AS:  # runuser -u kiosk -- kiosk …, sudo -u kiosk kiosk …
        words = words[1:]
        while words and words[0].startswith("-"):
            words = words[2:] if words[0] in ("-u", "--user") else words[1:]
    if not words or not (words[0] == "kiosk" or words[0].endswith("/kiosk")):
        return None
    rest = words[1:]
    while rest and rest[0] in GLOBAL_OPTIONS:
        rest = rest[2:]
    return rest


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def placeholder(word: str) -> bool:
    return word.startswith(("<", "-")) or word in {"…", "..."}


def test_the_doc_names_config_keys_and_commands() -> None:
    # The checks below are worth something only while the doc names what they check.
    text = doc_text()
    assert {("kiosk", "sequence_start"), ("site", "agency_code"), ("portal", "client_secret"),
            ("fees", "nhan_cha_me_con")} <= named_keys(text)
    assert {"doctor", "queue", "appliance", "db-restore"} <= {
        words[0] for words in kiosk_commands(text) if words
    }


def test_every_config_key_the_doc_names_is_a_field_of_the_real_config() -> None:
    hints = typing.get_type_hints(config.Config)
    sections = {f.name: hints[f.name] for f in dataclasses.fields(config.Config)}
    unknown = []
    for section, key in sorted(named_keys(doc_text())):
        if section == "fees":  # fees: next test
            continue
        cls = sections.get(section)
        dataclass = isinstance(cls, type) and dataclasses.is_dataclass(cls)
        if not dataclass or key not in {f.name for f in dataclasses.fields(cls)}:
            unknown.append(f"[{section}] {key}")
    assert unknown == []


def test_every_fee_key_the_doc_names_is_a_council_fee_of_the_catalogue() -> None:
    council = {fee["config_key"] for procedure in json.loads(CATALOGUE.read_text())["procedures"]
               for fee in procedure.get("fees", []) if fee.get("kind") == "council"}
    named = {key for section, key in named_keys(doc_text()) if section == "fees"}
    assert named and named <= council
    assert council <= named  # the doc lists every fee a commune must set


def test_every_kiosk_command_the_doc_names_is_in_the_real_parser() -> None:
    commands = subcommands(cli.build_parser())
    wrong = []
    for words in kiosk_commands(doc_text()):
        if not words or placeholder(words[0]):
            continue
        if words[0] not in commands:
            wrong.append(" ".join(words))
            continue
        actions = subcommands(commands[words[0]])
        if actions and len(words) > 1 and not placeholder(words[1]) and words[1] not in actions:
            wrong.append(" ".join(words))
    assert wrong == []


def test_every_variable_the_doc_names_is_read_by_the_kiosk() -> None:
    parser_help = " ".join(a.help or "" for a in cli.build_parser()._actions)
    known = set(config.ENV_OVERRIDES) | set(VARIABLE.findall(parser_help))
    named = set(VARIABLE.findall(doc_text()))
    assert named - known == set()


def test_the_sample_kiosk_toml_in_the_doc_loads() -> None:
    samples = [m.group(2) for m in FENCE.finditer(doc_text()) if m.group(1) == "toml"]
    assert samples
    for sample in samples:
        raw = tomllib.loads(sample)
        raw = {name: values for name, values in raw.items() if values}
        loaded = config.parse_config(raw)
        assert loaded.kiosk.sequence_start <= loaded.kiosk.sequence_end


@pytest.mark.parametrize("line, words", [
    ("runuser -u kiosk -- kiosk --data-dir /d --config /c doctor", ["doctor"]),
    ("./kiosk/kiosk appliance install --folder ./kiosk", ["appliance", "install", "--folder",
                                                         "./kiosk"]),
    ("systemctl status kiosk.service kiosk-sync.service", None),
    ("usermod -aG video kiosk", None),
])
def test_commands_are_found_only_in_command_position(line: str, words: list[str] | None) -> None:
    assert _command_words(line) == words


def test_the_alert_table_names_exactly_the_alerts_the_rules_define() -> None:
    import re

    rules = (ROOT / "deploy" / "monitoring" / "kiosk-alerts.yml").read_text(encoding="utf-8")
    defined = set(re.findall(r"^\s*- alert: (\w+)\s*$", rules, flags=re.M))
    section = DOC.read_text(encoding="utf-8").split("## 6.", 1)[1].split("\n## ", 1)[0]
    in_table = set(re.findall(r"^\| `(Kiosk\w+)`", section, flags=re.M))
    assert len(defined) >= 5
    assert in_table == defined
