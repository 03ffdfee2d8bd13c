"""Files a resident brings on a USB stick: checked by content, bounded, and never trusted.

Accepted: PDF, JPEG, PNG, DOC, DOCX, and ZIP archives of those.  The type is
read from the bytes (a ``.pdf`` that is really a text file is refused), sizes
are bounded before anything is read, and archives are opened defensively: no
entry may point outside the archive, no archive inside an archive, no more
than a set total once unpacked nor an unlikely compression ratio (a ZIP bomb),
and every entry is read through a counter that stops at the limit whatever
the archive's headers claim.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

import cv2
import numpy as np

from kiosk.domain.errors import error_from_table
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.pdfinfo import check_pdf

MESSAGES: dict[str, str] = {
    "file_missing": "Không tìm thấy tệp {name}.",
    "file_not_regular": "{name} không phải là một tệp thông thường.",
    "file_empty": "Tệp {name} trống, không có nội dung.",
    "file_too_big": "Tệp {name} quá lớn (tối đa {limit_mb} MB).",
    "file_type": (
        "Tệp {name} không phải PDF, ảnh JPEG/PNG, Word hay ZIP. "
        "Đuôi tên tệp có thể bị đổi; kiosk chỉ nhận các loại tệp này."
    ),
    "image_corrupt": "Ảnh {name} bị hỏng hoặc chưa chép xong. Xin chép lại tệp vào USB.",
    "doc_corrupt": "Tệp Word {name} bị hỏng. Xin lưu lại tệp rồi chép lại vào USB.",
    "zip_corrupt": "Tệp nén {name} bị hỏng.",
    "zip_unsafe_path": "Tệp nén {name} chứa đường dẫn không an toàn nên bị từ chối.",
    "zip_nested": "Tệp nén {name} chứa tệp nén khác. Xin giải nén trước.",
    "zip_bomb": "Tệp nén {name} khi giải nén quá lớn nên bị từ chối.",
    "zip_too_many": "Tệp nén {name} có quá nhiều tệp (tối đa {limit}).",
    "zip_encrypted": "Tệp nén {name} có mật khẩu nên kiosk không mở được.",
}


class FileKind(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    DOC = "doc"
    DOCX = "docx"
    ZIP = "zip"


@dataclass(frozen=True)
class Limits:
    """Bounds for one import; the defaults suit scanned papers of a commune procedure."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 60 * 1024 * 1024
    max_ratio: float = 100.0
    max_entries: int = 100
    max_image_pixels: int = 50_000_000


@dataclass(frozen=True)
class ImportedFile:
    """A checked file: its name (inside an archive: the entry's name), kind, bytes, pages."""

    name: str
    kind: FileKind
    data: bytes
    pages: int | None


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def import_file(path: Path, *, limits: Limits = Limits()) -> list[ImportedFile]:
    """Check one file from the stick; a ZIP gives its documents, other files give themselves."""
    data = _read_bounded(path, limits)
    return import_bytes(path.name, data, limits=limits)


def import_bytes(name: str, data: bytes, *, limits: Limits = Limits()) -> list[ImportedFile]:
    if not data:
        raise _error("file_empty", name=name)
    if len(data) > limits.max_file_bytes:
        raise _error("file_too_big", name=name, limit_mb=limits.max_file_bytes // 2**20)
    kind = sniff(data)
    if kind is FileKind.ZIP:
        return _unpack(name, data, limits)
    return [check_document(name, kind, data, limits)]


def sniff(data: bytes) -> FileKind | None:
    """The file type the bytes say, or ``None``; a DOCX is a ZIP with a Word document inside."""
    head = data[:1024]
    if b"%PDF-" in head:
        return FileKind.PDF
    if data.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if data.startswith(_PNG_MAGIC):
        return FileKind.PNG
    if data.startswith(_OLE_MAGIC):
        return FileKind.DOC
    if data.startswith(b"PK\x03\x04"):
        return FileKind.DOCX if _is_docx(data) else FileKind.ZIP
    return None


def check_document(name: str, kind: FileKind | None, data: bytes, limits: Limits) -> ImportedFile:
    """Structure checks for one non-archive file; returns it with its page count."""
    if kind is None or kind is FileKind.ZIP:
        raise _error("file_type", name=name)
    if kind is FileKind.PDF:
        return ImportedFile(name, kind, data, check_pdf(data))
    if kind in (FileKind.JPEG, FileKind.PNG):
        _check_image(name, kind, data, limits)
        return ImportedFile(name, kind, data, 1)
    if kind is FileKind.DOC and b"W\x00o\x00r\x00d\x00D\x00o\x00c" not in data:
        raise _error("doc_corrupt", name=name)
    # Word files cannot be paginated without a word processor: pages unknown.
    return ImportedFile(name, kind, data, None)


def _read_bounded(path: Path, limits: Limits) -> bytes:
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise _error("file_missing", name=path.name) from None
    # A symlink on a stick could point at the kiosk's own files: refuse it.
    if not stat.S_ISREG(info.st_mode):
        raise _error("file_not_regular", name=path.name)
    if info.st_size > limits.max_file_bytes:
        raise _error("file_too_big", name=path.name, limit_mb=limits.max_file_bytes // 2**20)
    with path.open("rb") as handle:
        return handle.read(limits.max_file_bytes + 1)


def _check_image(name: str, kind: FileKind, data: bytes, limits: Limits) -> None:
    # OpenCV decodes a truncated file into a half-gray picture, so check the end marker first.
    if kind is FileKind.PNG and not _png_complete(data):
        raise _error("image_corrupt", name=name)
    if kind is FileKind.JPEG and b"\xff\xd9" not in data[-16:]:
        raise _error("image_corrupt", name=name)
    header = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_8)
    if header is None or header.size * 64 > limits.max_image_pixels:
        raise _error("image_corrupt", name=name)


def _png_complete(data: bytes) -> bool:
    """Walk the chunks: each length must fit, and the last one must be IEND."""
    pos = len(_PNG_MAGIC)
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos <= len(data)
    return False


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _unpack(name: str, data: bytes, limits: Limits) -> list[ImportedFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [e for e in archive.infolist() if not e.is_dir()]
    except (zipfile.BadZipFile, ValueError):
        raise _error("zip_corrupt", name=name) from None
    with archive:
        _check_entries(name, entries, limits)
        results = []
        budget = limits.max_unpacked_bytes
        for entry in entries:
            content = _read_entry(name, archive, entry, min(budget, limits.max_file_bytes))
            budget -= len(content)
            kind = sniff(content)
            if kind is FileKind.ZIP:
                raise _error("zip_nested", name=name)
            results.extend(import_bytes(entry.filename, content, limits=limits))
        return results


def _check_entries(name: str, entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(entries) > limits.max_entries:
        raise _error("zip_too_many", name=name, limit=limits.max_entries)
    declared = 0
    for entry in entries:
        if not _safe_entry_name(entry.filename) or stat.S_ISLNK(entry.external_attr >> 16):
            raise _error("zip_unsafe_path", name=name)
        if entry.flag_bits & 0x1:
            raise _error("zip_encrypted", name=name)
        if entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
            raise _error("zip_bomb", name=name)
        declared += entry.file_size
    if declared > limits.max_unpacked_bytes:
        raise _error("zip_bomb", name=name)


def _safe_entry_name(filename: str) -> bool:
    if "\\" in filename or "\x00" in filename or filename.startswith("/"):
        return False
    parts = PurePosixPath(filename).parts
    return bool(parts) and ".." not in parts and ":" not in parts[0]


def _read_entry(name: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes:
    """Read at most ``limit`` bytes: headers can lie about sizes, the counter cannot."""
    chunks = []
    total = 0
    try:
        with archive.open(entry) as handle:
            while chunk := handle.read(1 << 16):
                total += len(chunk)
                if total > limit:
                    raise _error("zip_bomb", name=name)
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        raise _error("zip_corrupt", name=name) from None
    return b"".join(chunks)


def _error(code: str, **params: object) -> CaptureError:
    return error_from_table(CaptureError, MESSAGES, code, field="file", **params)
