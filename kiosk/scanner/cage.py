"""Untrusted bytes are parsed in a child process with limits, killed on overrun.

A hostile PDF, image or archive may make a parser loop, backtrack or allocate
gigabytes.  ``run_caged`` hands the bytes to ``python -m kiosk.scanner.cage``
on its standard input; the child first limits itself (address space, CPU
seconds, no file writes, no core dump), then imports the one checking function
it is asked for and writes its answer back.  The parent keeps a wall-clock
deadline, reads at most ``max_output`` bytes, and kills the child's process
group on a deadline, an overrun or a cancellation.  Every outcome is a result
or a typed ``CaptureError`` (``file_check_timeout``, ``file_check_memory``, …).

The child is a plain ``subprocess`` (``fork`` + ``exec``), not ``multiprocessing``
with ``fork``: nothing of the parent's threads or Qt state is inherited.  Limits
are set by the child on itself, before it touches the input, because a
``preexec_fn`` is unsafe in a process with threads.  In a PyInstaller build the
kiosk's own executable is the child, with ``CHILD_FLAG`` as its first argument
(``kiosk/__main__.py`` must hand that over to ``child_main`` first).

The checking function, ``module:function``, takes ``(data, params)`` and
returns bytes; a ``CaptureError`` it raises comes back as its code and
parameters, and the parent rebuilds the message from its own table (a
compromised child cannot put words on the resident's screen).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Protocol

from kiosk.domain.errors import DomainError, error_from_table
from kiosk.scanner.errors import CaptureError

MESSAGES: dict[str, str] = {
    "file_check_timeout": (
        "Kiểm tra tệp {name} mất quá nhiều thời gian nên đã dừng. "
        "Tệp có thể bị hỏng hoặc quá phức tạp; xin dùng tệp khác."
    ),
    "file_check_memory": (
        "Tệp {name} cần quá nhiều bộ nhớ để mở nên bị từ chối. Xin dùng tệp nhỏ hơn."
    ),
    "file_check_output": "Tệp {name} cho ra quá nhiều dữ liệu nên bị từ chối.",
    "file_check_failed": "Không kiểm tra được tệp {name}. Tệp có thể bị hỏng; xin dùng tệp khác.",
    "file_check_cancelled": "Đã dừng kiểm tra tệp {name}.",
}

CHILD_FLAG = "--kiosk-caged-check"
EXIT_MEMORY = 3
EXIT_CRASH = 4
OK, ERROR = b"O", b"E"
_POLL = 0.05
_STDERR_KEPT = 8192


class CheckError(CaptureError):
    """A check's typed error in the child, keeping its parameters to send to the parent."""

    def __init__(self, code: str, message: str, params: Mapping[str, object]) -> None:
        super().__init__(code, message, field="file")
        self.params = dict(params)


def check_error(table: Mapping[str, str], code: str, **params: object) -> CheckError:
    """Like ``error_from_table``, for checks that may run in the cage."""
    return CheckError(code, table[code].format(**params), params)


class Cancel(Protocol):
    """Anything with ``is_set`` (a ``threading.Event``): set it and the check is killed."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class CageLimits:
    """What one check may use: seconds of wall clock and CPU, address space, answer size."""

    wall_seconds: float = 20.0
    cpu_seconds: int = 10
    memory_bytes: int = 1024 * 1024 * 1024
    max_output: int = 1024 * 1024


def run_caged(
    target: str, data: bytes, params: Mapping[str, object], *, name: str,
    limits: CageLimits = CageLimits(), messages: Mapping[str, str] = MESSAGES,
    cancel: Cancel | None = None,
) -> bytes:
    """The answer of ``target(data, params)`` run in a limited child; raises ``CaptureError``."""
    spec = json.dumps({"target": target, "params": dict(params), "limits": asdict(limits)})
    with subprocess.Popen(
        [*child_command(), spec], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=_child_env(), cwd="/", start_new_session=True,
    ) as proc:
        try:
            out, code = exchange(proc, data, limits, cancel)
            code = code or _wait(proc, limits)
        finally:
            if proc.poll() is None:  # still running: it and anything it started die
                _kill_group(proc)
    if code is not None:
        raise _error(code, name)
    return _answer(proc.returncode, out, name, messages)


def child_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-m", "kiosk.scanner.cage"]


def _child_env() -> dict[str, str]:
    # Only what the child needs: where this kiosk package lives, one thread per library.
    root = str(Path(__file__).resolve().parent.parent.parent)
    return {"PYTHONPATH": root, "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "OPENCV_FOR_THREADS_NUM": "1",
            "PYTHONDONTWRITEBYTECODE": "1"}


def exchange(
    proc: subprocess.Popen[bytes], data: bytes, limits: CageLimits, cancel: Cancel | None = None
) -> tuple[bytes, str | None]:
    """Feed stdin (if piped), collect stdout within bounds, stderr's tail dropped.

    The second item is ``None``, or the code of why it stopped: ``file_check_timeout``
    (``limits.wall_seconds``), ``file_check_output`` (over ``limits.max_output``) or
    ``file_check_cancelled``; the caller then kills the process.
    """
    assert proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + limits.wall_seconds
    out, err, sent = bytearray(), bytearray(), 0
    with selectors.DefaultSelector() as selector:
        for stream in (proc.stdout, proc.stderr):
            os.set_blocking(stream.fileno(), False)
            selector.register(stream, selectors.EVENT_READ)
        if proc.stdin is not None and data:
            os.set_blocking(proc.stdin.fileno(), False)
            selector.register(proc.stdin, selectors.EVENT_WRITE)
        elif proc.stdin is not None:
            proc.stdin.close()
        while len(selector.get_map()) > 0:
            if cancel is not None and cancel.is_set():
                return bytes(out), "file_check_cancelled"
            if time.monotonic() > deadline:
                return bytes(out), "file_check_timeout"
            for key, _events in selector.select(_POLL):
                if proc.stdin is not None and key.fileobj is proc.stdin:
                    sent = _feed(selector, proc.stdin, data, sent)
                    continue
                stream = proc.stdout if key.fileobj is proc.stdout else proc.stderr
                chunk = _read_some(selector, stream)
                (out if key.fileobj is proc.stdout else err).extend(chunk)
                if len(out) > limits.max_output:
                    return bytes(out), "file_check_output"
                del err[:-_STDERR_KEPT]
    return bytes(out), None


def _wait(proc: subprocess.Popen[bytes], limits: CageLimits) -> str | None:
    """The child closed its pipes; give it a moment to exit (it has nothing left to do)."""
    try:
        proc.wait(timeout=max(1.0, limits.wall_seconds / 10))
    except subprocess.TimeoutExpired:
        return "file_check_timeout"
    return None


def _feed(selector: selectors.BaseSelector, stdin: IO[bytes], data: bytes, sent: int) -> int:
    fd = stdin.fileno()
    try:
        sent += os.write(fd, data[sent:sent + 65536])
    except BlockingIOError:
        return sent
    except BrokenPipeError:  # the child stopped reading: its answer will say why
        sent = len(data)
    if sent >= len(data):
        selector.unregister(stdin)
        stdin.close()
    return sent


def _read_some(selector: selectors.BaseSelector, stream: IO[bytes]) -> bytes:
    try:
        chunk = os.read(stream.fileno(), 65536)
    except BlockingIOError:
        return b""
    if not chunk:
        selector.unregister(stream)
    return chunk


def _answer(returncode: int, out: bytes, name: str, messages: Mapping[str, str]) -> bytes:
    if returncode == 0 and out[:1] == OK:
        return out[1:]
    if returncode == 0 and out[:1] == ERROR:
        raise _rebuilt(out[1:], name, messages)
    if returncode == EXIT_MEMORY:
        raise _error("file_check_memory", name)
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise _error("file_check_timeout", name)  # over the CPU-seconds limit
    raise _error("file_check_failed", name)


def _rebuilt(raw: bytes, name: str, messages: Mapping[str, str]) -> CaptureError:
    """The child's typed error, with the words from the parent's table (or a plain failure)."""
    try:
        sent = json.loads(raw)
        code, params = sent["code"], sent["params"]
        clean = {str(k): str(v)[:200] for k, v in params.items()}
        clean.setdefault("name", name)
        return error_from_table(CaptureError, messages, str(code), field="file", **clean)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return _error("file_check_failed", name)


def _error(code: str, name: str) -> CaptureError:
    return error_from_table(CaptureError, MESSAGES, code, field="file", name=name)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# ---- the child side -------------------------------------------------------------------


def child_main(argv: list[str]) -> int:
    """Limit this process, read stdin, run the target, write ``O``+answer or ``E``+error."""
    spec = json.loads(argv[0])
    _limit_self(CageLimits(**spec["limits"]))
    try:
        data = sys.stdin.buffer.read()
        answer = OK + _target(spec["target"])(data, spec["params"])
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except DomainError as error:
        answer = ERROR + json.dumps({"code": error.code,
                                     "params": getattr(error, "params", {})}).encode()
    except Exception:  # a parser's surprise: reported as a failed check, never trusted
        return EXIT_CRASH
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    return 0


def _limit_self(limits: CageLimits) -> None:
    import resource

    sys.dont_write_bytecode = True
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write to a file fails, not kills
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _target(target: str) -> ChildFunction:
    import importlib

    module, _, function = target.partition(":")
    found: ChildFunction = getattr(importlib.import_module(module), function)
    return found


class ChildFunction(Protocol):
    def __call__(self, data: bytes, params: dict[str, object], /) -> bytes: ...


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
