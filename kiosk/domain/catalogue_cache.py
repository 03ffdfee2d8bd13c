"""The text ``kiosk catalog --json`` prints, kept beside the data it was made from.

Checking the catalogue strictly means loading the domain's entries and their
dataclasses, which costs more than the rest of the command (issue 13: within 3×
``python -c pass``).  The checked, printed text is the same as long as its inputs
are: the catalogue files (by content) and the code that reads and prints them (by
the size and time of each source file, as Python's own bytecode cache does; a
frozen build by its executable).  So the text is kept with a key of those inputs,
and a later call whose inputs have the same key prints it without loading the
domain.  Any doubt (no key, another key, a damaged or unreadable file) means the
catalogue is read and checked as before; a cache that cannot be written is not an
error.  This module imports nothing heavier than ``os``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

try:  # hashlib's own BLAKE2, without hashlib's OpenSSL load (a few ms of every call)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b

FORMAT = b"kiosk-catalogue-json 1"
MAX_CACHE_BYTES = 16 * 1024 * 1024  # the catalogue file's own limit is 5 MB


def input_key(sources: Sequence[Path], code_folders: Iterable[Path], version: str) -> str:
    """What the printed text depends on, in one hex digest: the catalogue files' bytes
    (an absent one counts as absent), the code's source files' sizes and times, the
    kiosk's ``version`` and the interpreter's."""
    digest = blake2b(FORMAT, digest_size=20)
    for part in (version, sys.version, sys.executable):
        digest.update(part.encode() + b"\0")
    for folder in code_folders:
        digest.update(_code_stamp(folder))
    if getattr(sys, "frozen", False):  # the code is inside the executable
        digest.update(_stamp(Path(sys.executable)))
    for source in sources:
        digest.update(str(source).encode() + b"\0" + _content(source))
    return digest.hexdigest()


def cached_text(cache: Path, key: Callable[[], str],
                make: Callable[[], tuple[str, bool]]) -> str:
    """The text kept in ``cache`` under the inputs' ``key()``; else ``make()``'s (the text,
    and whether it may be kept), kept if the inputs did not change while it was made."""
    before = key()
    kept = _read(cache, before)
    if kept is not None:
        return kept
    text, keep = make()
    if keep and key() == before:
        _write(cache, before, text)
    return text


def _read(cache: Path, key: str) -> str | None:
    try:
        with cache.open("rb") as stream:
            data = stream.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    head, newline, body = data.partition(b"\n")
    if not newline or len(data) > MAX_CACHE_BYTES or head != key.encode():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _write(cache: Path, key: str, text: str) -> None:
    """Written whole under a temporary name, then moved into place: a reader sees the
    old file or the new one.  Only into a folder that exists (never made here)."""
    if not cache.parent.is_dir():
        return
    temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(key.encode() + b"\n" + text.encode("utf-8", "surrogatepass"))
        os.replace(temporary, cache)
    except OSError:  # a read-only or full data dir: printed all the same, kept next time
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _content(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return b"\1" + stream.read()
    except FileNotFoundError:
        return b"\0absent"
    except OSError as exc:  # unreadable now: a key no cache can hold
        return b"\0" + repr(exc).encode() + os.urandom(8)


def _code_stamp(folder: Path) -> bytes:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return b"\0no folder"
    stamps = [_stamp(Path(entry.path)) for entry in entries if entry.name.endswith(".py")]
    return str(folder).encode() + b"\0" + b"".join(stamps)


def _stamp(path: Path) -> bytes:
    try:
        found = path.stat()
    except OSError:
        return path.name.encode() + b"\0absent\0"
    return f"{path.name}\0{found.st_size}\0{found.st_mtime_ns}\0".encode()
