"""Attachment files on disk, content-addressed by sha256 and written atomically.

A file is written to a temporary name in the same folder, flushed to disk,
then moved into place with ``os.replace``: a power cut leaves either the whole
file or none.  Rows that point at a file are committed only after it exists.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.store.db import StoreError


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise StoreError("bad_hash", "Mã băm tệp đính kèm không hợp lệ.")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> StoredFile:
        """Store ``data`` (idempotent: the same bytes land at the same place once)."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha256)
        if not (target.exists() and target.stat().st_size == len(data)):
            write_atomically(target, data)
        return StoredFile(sha256, len(data), target)

    def read(self, sha256: str) -> bytes:
        """The bytes of ``sha256``, checked: a damaged file is an error, never sent."""
        try:
            data = self.path_for(sha256).read_bytes()
        except OSError as exc:
            raise StoreError("file_missing", "Không tìm thấy tệp đính kèm trên máy.") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError("file_damaged", "Tệp đính kèm trên máy đã bị hỏng.")
        return data


def write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` so that a power cut leaves the old or the new file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename itself must reach the disk before the row that names the file.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
