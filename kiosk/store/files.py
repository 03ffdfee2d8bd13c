"""Attachment files on disk, content-addressed by sha256 and written atomically.

A file is written to a temporary name in the same folder, flushed to disk,
then moved into place with ``os.replace``: a power cut leaves either the whole
file or none.  Rows that point at a file are committed only after it exists.

Files are written and erased only while the caller holds the database's write
lock (sealing, purging, sweeping: ``DossierQueue.seal`` and ``kiosk.store.retention``),
so "no committed row names this file" is a fact no other process can change
between the check and the unlink.  A file shared by two dossiers (the same bytes)
is one file; it is erased only when no remaining row names it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.store.db import StoreError
from kiosk.store.faults import as_store_error

MESSAGES: Mapping[str, str] = {
    "bad_hash": "Mã băm tệp đính kèm không hợp lệ.",
    "file_missing": "Không tìm thấy tệp đính kèm trên máy.",
    "file_damaged": "Tệp đính kèm trên máy đã bị hỏng.",
    "file_erase_failed": "Không xoá được tệp đính kèm đã hết hạn lưu trên máy.",
}


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if not _is_hash(sha256):
            raise StoreError("bad_hash", MESSAGES["bad_hash"])
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> StoredFile:
        """Store ``data`` (idempotent: the same bytes land at the same place once)."""
        return self.put_new(data)[0]

    def put_new(self, data: bytes) -> tuple[StoredFile, bool]:
        """Store ``data``; True when this call created the file (it was not there before).

        A disk fault (full, read-only, a file where a folder should be) is a StoreError
        with a Vietnamese message, never a bare OSError."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha256)
        try:
            if target.is_file() and target.stat().st_size == len(data):
                return StoredFile(sha256, len(data), target), False
            write_atomically(target, data)
        except OSError as exc:
            # One table for faults under the store: a full disk, a read-only mount, I/O.
            raise as_store_error(exc, self.root) from exc
        return StoredFile(sha256, len(data), target), True

    def erase(self, sha256: str) -> bool:
        """Overwrite the file's bytes with zeros, flush, then unlink it; False if absent.

        The overwrite is best effort (a flash disk may keep the old blocks), but no
        ordinary read of the disk finds the resident's document afterwards."""
        target = self.path_for(sha256)
        try:
            size = target.stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            return False
        try:
            with target.open("r+b") as handle:
                handle.write(bytes(size))
                handle.flush()
                os.fsync(handle.fileno())
            target.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StoreError("file_erase_failed", MESSAGES["file_erase_failed"]) from exc
        return True

    def stored(self) -> Iterator[tuple[str, Path]]:
        """Every attachment file on disk (sha256, path), and leftovers of interrupted writes
        (``.tmp-*``, given with an empty sha256)."""
        if not self.root.is_dir():
            return
        for shard in sorted(self.root.iterdir()):
            if not shard.is_dir():
                continue
            for path in sorted(shard.iterdir()):
                if path.name.startswith(".tmp-"):
                    yield "", path
                elif _is_hash(path.name) and path.name[:2] == shard.name:
                    yield path.name, path

    def read(self, sha256: str) -> bytes:
        """The bytes of ``sha256``, checked: a damaged file is an error, never sent."""
        try:
            data = self.path_for(sha256).read_bytes()
        except OSError as exc:
            raise StoreError("file_missing", MESSAGES["file_missing"]) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError("file_damaged", MESSAGES["file_damaged"])
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


def _is_hash(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _fsync_dir(folder: Path) -> None:
    # The rename itself must reach the disk before the row that names the file.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
