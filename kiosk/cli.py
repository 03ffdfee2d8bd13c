"""``kiosk``: the command line for officials, technicians, integrators and tests.

The process's entry point: it reads the environment once and hands what it
found down.  ``kiosk`` alone starts the kiosk (``kiosk run``).

This module's top level loads argparse and the standard library only (issue 13:
``kiosk --help`` and ``kiosk catalog --json`` within 3× ``python -c pass``).  The
commands are listed, with their summaries and what adds each to the parser, in
``kiosk.cli_commands`` (no heavier); what they do is in their own modules
(``kiosk.cli_handlers`` for the small ones, ``kiosk.cli_catalogue`` for ``catalog``
and its kept JSON), imported only when a command is named.  A line naming one
command gets a parser holding that command alone; ``kiosk --help`` (and any line
naming no command) gets the commands' names and summaries only, without their
options or modules.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.cli_commands import SUMMARIES, command_adders

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_STORE = 5  # the data folder or the database cannot be used (the message says why)

TYPE_CHECKING = False  # typing itself costs every command: mypy and ruff read the name
if TYPE_CHECKING:
    from logging import Logger
    from typing import Any

    from kiosk.domain.errors import DomainError  # loaded by the commands that can raise it

Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]

# Names callers import from here, now kept beside this module: loaded when first asked
# for, so that `kiosk --help` reads none of the commands' code.
_MOVED = {"run_config": "kiosk.cli_handlers", "catalogue_json": "kiosk.cli_catalogue",
          "data_dir_of": "kiosk.cli_catalogue", "SHIPPED_CATALOGUE": "kiosk.cli_catalogue",
          "CATALOGUE_UPDATES": "kiosk.cli_catalogue", "CATALOGUE_CACHE": "kiosk.cli_catalogue"}
if TYPE_CHECKING:
    from kiosk.cli_catalogue import CATALOGUE_CACHE as CATALOGUE_CACHE
    from kiosk.cli_catalogue import CATALOGUE_UPDATES as CATALOGUE_UPDATES
    from kiosk.cli_catalogue import SHIPPED_CATALOGUE as SHIPPED_CATALOGUE
    from kiosk.cli_catalogue import catalogue_json as catalogue_json
    from kiosk.cli_catalogue import data_dir_of as data_dir_of
    from kiosk.cli_handlers import run_config as run_config


def __getattr__(name: str) -> object:
    """A moved name, from its module (PEP 562: asked only for names not defined here)."""
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_MOVED[name]), name)


def _log() -> Logger:
    import logging  # with its threading and traceback: only where something is logged

    return logging.getLogger("kiosk.cli")


def main(argv: Sequence[str] | None = None) -> int:
    """The process's start (``kiosk``, ``python -m kiosk``: no ``argv``), or a command run
    in-process by a caller who passes ``argv`` and keeps its own umask (tests)."""
    from kiosk.paths import private_files  # light: `kiosk --help` loads no database layer

    if argv is None:
        private_files()  # before anything is created: the data dir 0700, its files 0600
    given = sys.argv[1:] if argv is None else list(argv)
    args = parser_for(given).parse_args(given)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:  # no command named (`kiosk`, `kiosk --data-dir D`): the kiosk starts
        from kiosk.cli_handlers import cmd_run

        handler = cmd_run
    try:
        return handler(args, os.environ)
    except Exception as exc:
        errors = sys.modules.get("kiosk.domain.errors")  # a DomainError only if it was loaded
        if errors is not None and isinstance(exc, errors.DomainError):
            return _failed(exc, EXIT_STORE if _is_store_error(exc) else EXIT_FAILED)
        # The store's modules are loaded only now (a fault can come only from them).
        import logging

        from kiosk.logsetup import FILE_ONLY
        from kiosk.store.faults import FAULTS, as_store_error

        if not isinstance(exc, FAULTS):
            raise
        # A fault under the store that no command turned into words.
        if logging.getLogger().handlers:  # else the traceback would reach the screen
            _log().error("store fault", exc_info=True, extra=FILE_ONLY)
        return _failed(as_store_error(exc, _data_dir(args)), EXIT_STORE)


def _is_store_error(exc: DomainError) -> bool:
    store = sys.modules.get("kiosk.store.db")  # a StoreError exists only if it was loaded
    return store is not None and isinstance(exc, store.StoreError)


def _failed(exc: DomainError, code: int) -> int:
    import logging

    from kiosk.logsetup import FILE_ONLY

    if logging.getLogger().handlers:  # run, sync and submit log to a file; others print only
        # A store's message names paths; another's may quote what a resident typed.
        # A refused input (a config, a draft) is the user's to fix: a warning, not an error.
        store = _is_store_error(exc)
        _log().log(logging.ERROR if store else logging.WARNING, "%s: %s", exc.code,
                 exc.message if store else "", extra=FILE_ONLY)  # the screen: the line below
    print(f"Lỗi: {exc.message}", file=sys.stderr)
    return code


def _data_dir(args: argparse.Namespace) -> Path:
    from kiosk.domain.errors import DomainError
    from kiosk.services import resolve_runtime

    try:
        return resolve_runtime(args.data_dir, args.config, os.environ).data_dir
    except DomainError:
        return Path(args.data_dir or ".")


def command_of(argv: Sequence[str]) -> str | None:
    """The command of ``kiosk [--data-dir D] [--config C] [COMMAND …]`` (``run`` if none
    is named), so that the parser holds that one alone: the others' modules and argparse's
    work for them cost every start (issue 13).  None (the whole parser) for anything
    else: help, the version, a word that names no command."""
    i = 0
    while i < len(argv) and argv[i] in ("--data-dir", "--config"):
        i += 2
    if i >= len(argv):
        return "run"
    return argv[i] if argv[i] in command_adders() else None


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser that reads ``argv`` exactly as the whole one does, at the least cost:
    the named command's alone; for a line that names no command anywhere (help, the
    version, a mistyped word), the commands' names and summaries alone — all argparse
    can show or refuse there; else the whole parser."""
    only = command_of(argv)
    if only is not None:
        return build_parser(only=only)
    commands = command_adders()
    if commands.keys() <= SUMMARIES.keys() and not commands.keys() & set(argv):
        return build_parser(summaries_only=True)
    return build_parser()


def build_parser(*, only: str | None = None,
                 summaries_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line; ``only``: the same with that command alone;
    ``summaries_only``: every command named, with its summary but not its options."""
    parser = _Parser(
        prog="kiosk",
        description="Kiosk dịch vụ công tự phục vụ cho bộ phận một cửa cấp xã.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help="thư mục dữ liệu (biến môi trường KIOSK_DATA_DIR)")
    parser.add_argument("--config", help="tệp cấu hình TOML (biến môi trường KIOSK_CONFIG)")
    parser.set_defaults(demo=False, windowed=False, quit_when_ready=False)
    sub = parser.add_subparsers(title="lệnh", metavar="LỆNH")
    commands = command_adders()
    if summaries_only:
        for name in commands:
            sub.add_parser(name, help=SUMMARIES[name])
        return parser
    for add in [commands[only]] if only else dict.fromkeys(commands.values()):
        add(sub)
    return parser


class _Formatter(argparse.HelpFormatter):
    """argparse's own, told the terminal's width as ``shutil`` would find it: argparse
    imports ``shutil`` (and its compression modules) for that alone, on every parser."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """Every parser of the command line (subcommands' too: argparse makes them of this
    class) formats with ``_Formatter`` unless told otherwise."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or 80


if __name__ == "__main__":  # pragma: no cover - ``python -m kiosk.cli``
    sys.exit(main())
