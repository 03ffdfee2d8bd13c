"""The ``kiosk`` command run in the test's own process: ``kiosk.cli.main(argv)`` with the
environment, stdin and stdout/stderr a child would have, and nothing left behind.

A child ``python -m kiosk`` costs about 0.7 s (imports, then the schema check); a call
here costs a few milliseconds once the modules are loaded.  Tests keep a real child only
where the process itself is what they prove (what a process prints or logs, a terminal).

What a child would get, so a converted test can still fail as it did:
- ``os.environ`` is exactly ``env`` during the call (``main`` reads it once);
- stdin is a pipe-like binary stream, never a terminal, and the test is told how much of
  it the command read;
- stdout and stderr encode as a UTF-8 child's do (stdout strict, so a lone surrogate
  printed there still breaks the command; stderr ``backslashreplace``);
- argparse's ``SystemExit`` becomes the exit code, as ``sys.exit(main())`` would;
- the root logger's handlers and level are put back, so the log file a command opens in
  its data dir is closed and never written by a later test.
Any other exception propagates: the test fails with the traceback, where a child would
have printed it and exited 1.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from kiosk.cli import main


@dataclass(frozen=True)
class Ran:
    """One command's answer, shaped like ``subprocess.CompletedProcess`` (text)."""

    returncode: int
    stdout: str
    stderr: str
    stdin_read: int  # bytes of stdin the command consumed


def run_kiosk(argv: Sequence[str], *, stdin: bytes = b"",
              env: Mapping[str, str] | None = None) -> Ran:
    """``kiosk ARGV`` in this process; ``env`` (default: this process's) is all it sees."""
    given = io.BytesIO(stdin)
    out, err = io.BytesIO(), io.BytesIO()
    with _environment(env), _streams(given, out, err) as (o, e), _logging_restored():
        code = _exit_code(argv)
        o.flush()
        e.flush()
    return Ran(code, out.getvalue().decode("utf-8", "replace"),
               err.getvalue().decode("utf-8", "replace"), given.tell())


def _exit_code(argv: Sequence[str]) -> int:
    try:
        return main(list(argv))
    except SystemExit as done:  # argparse: --help (0) or a usage error (2)
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1


@contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    saved = dict(os.environ)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _streams(stdin: io.BytesIO, out: io.BytesIO, err: io.BytesIO,
             ) -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    saved = sys.stdin, sys.stdout, sys.stderr
    text_in = io.TextIOWrapper(stdin, encoding="utf-8")
    text_out = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
    text_err = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace",
                                write_through=True)
    sys.stdin, sys.stdout, sys.stderr = text_in, text_out, text_err
    try:
        yield text_out, text_err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        for wrapper in (text_in, text_out, text_err):
            wrapper.detach()  # the buffers stay open for the caller to read


@contextmanager
def _logging_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
