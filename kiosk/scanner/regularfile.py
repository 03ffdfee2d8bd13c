"""Reading an untrusted path: only a regular file, never through a link, never unbounded.

A FIFO named ``photo.png`` blocks ``open`` forever, ``/dev/zero`` never ends
and a symlink on a stick may point at the kiosk's own files.  So: ``lstat``
must say regular file; the open is ``O_NOFOLLOW | O_NONBLOCK`` (a FIFO swapped
in after the ``lstat`` cannot block it); ``fstat`` of what was opened must
say regular file again; and at most ``max_bytes`` + 1 bytes are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from kiosk.domain.errors import error_from_table
from kiosk.scanner.errors import CaptureError

MESSAGES: dict[str, str] = {
    "file_missing": "Không tìm thấy tệp {name}.",
    "file_not_regular": (
        "«{name}» không phải là một tệp thông thường (có thể là thư mục, lối tắt hay thiết bị) "
        "nên kiosk không mở."
    ),
    "file_unreadable": "Không đọc được tệp {name}.",
    "file_too_big": "Tệp {name} quá lớn (tối đa {limit_mb} MB).",
}

_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def read_regular(path: Path, max_bytes: int, *, follow_links: bool = False) -> bytes:
    """The file's bytes, if it is a regular file of at most ``max_bytes``.

    ``follow_links``: a link to a regular file is read (a technician's own draft file
    may be one); never for files from a stick."""
    name = path.name or str(path)
    try:
        info = path.stat() if follow_links else path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise _error("file_not_regular", name=name)
        fd = os.open(path, _FLAGS & ~os.O_NOFOLLOW if follow_links else _FLAGS)
    except FileNotFoundError:
        raise _error("file_missing", name=name) from None
    except (OSError, ValueError):  # ELOOP: it became a link; EACCES; a NUL in the name
        raise _error("file_unreadable", name=name) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _error("file_not_regular", name=name)
        if info.st_size > max_bytes:
            raise _error("file_too_big", name=name, limit_mb=max(1, max_bytes // 2**20))
        data = _read_at_most(handle, max_bytes + 1, name)
    if len(data) > max_bytes:  # it grew while being read
        raise _error("file_too_big", name=name, limit_mb=max(1, max_bytes // 2**20))
    return data


def _read_at_most(handle: BinaryIO, limit: int, name: str) -> bytes:
    try:
        return handle.read(limit)
    except OSError:
        raise _error("file_unreadable", name=name) from None


def _error(code: str, **params: object) -> CaptureError:
    return error_from_table(CaptureError, MESSAGES, code, field="file", **params)
