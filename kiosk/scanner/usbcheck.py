"""The checks of a file from a USB stick, as they run inside the cage's child.

``inspect_bytes`` is the whole judgement: the type from the bytes at offset 0
(``filetypes``), sizes bounded before anything is read, PDFs through pypdf
(``pdfinfo``), images through their header and a reduced decode
(``imagecheck``), and archives opened defensively: no entry may point outside
the archive, no archive inside an archive, no more than a set total once
unpacked nor an unlikely compression ratio (a ZIP bomb), and every entry read
through a counter that stops at the limit whatever the archive's headers claim.
``usb.import_file`` runs it in a child with limits; call it in-process only in
tests or inside the cage.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
import zlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from kiosk.scanner.cage import check_error
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.filetypes import Kind, sniff_kind
from kiosk.scanner.imagecheck import check_image
from kiosk.scanner.pdfinfo import MAX_PAGES, check_pdf

MESSAGES: dict[str, str] = {
    "file_empty": "Tệp {name} trống, không có nội dung.",
    "file_too_big": "Tệp {name} quá lớn (tối đa {limit_mb} MB).",
    "file_type": (
        "Tệp {name} không phải PDF, ảnh JPEG/PNG, Word hay ZIP. "
        "Đuôi tên tệp có thể bị đổi; kiosk chỉ nhận các loại tệp này."
    ),
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
    """Bounds for one import; the defaults suit scanned papers of a commune procedure.

    ``check_*`` bound the child process the file is checked in: wall-clock and
    CPU seconds, and its address space (Python and OpenCV take ~300 MB of it).
    """

    max_file_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 60 * 1024 * 1024
    max_ratio: float = 100.0
    max_entries: int = 100
    max_image_pixels: int = 50_000_000
    max_pages: int = MAX_PAGES
    check_seconds: float = 30.0
    check_cpu_seconds: int = 15
    check_memory_bytes: int = 1024 * 1024 * 1024


@dataclass(frozen=True)
class ImportedFile:
    """A checked file: its name (inside an archive: the entry's name), kind, bytes, pages."""

    name: str
    kind: FileKind
    data: bytes
    pages: int | None


_ACCEPTED = {Kind.PDF: FileKind.PDF, Kind.JPEG: FileKind.JPEG, Kind.PNG: FileKind.PNG,
             Kind.OLE: FileKind.DOC}


def sniff(data: bytes) -> FileKind | None:
    """The accepted type the first bytes say, or ``None``; a DOCX is a ZIP holding Word."""
    kind = sniff_kind(data)
    if kind is Kind.ZIP:
        return FileKind.DOCX if _is_docx(data) else FileKind.ZIP
    return _ACCEPTED.get(kind) if kind is not None else None


def inspect_bytes(name: str, data: bytes, limits: Limits) -> list[ImportedFile]:
    """Check one file's bytes; a ZIP gives its documents, other files give themselves."""
    if not data:
        raise _error("file_empty", name=name)
    if len(data) > limits.max_file_bytes:
        raise _error("file_too_big", name=name, limit_mb=limits.max_file_bytes // 2**20)
    kind = sniff(data)
    if kind is FileKind.ZIP:
        return _unpack(name, data, limits)
    return [check_document(name, kind, data, limits)]


def check_document(name: str, kind: FileKind | None, data: bytes, limits: Limits) -> ImportedFile:
    """Structure checks for one non-archive file; returns it with its page count."""
    if kind is None or kind is FileKind.ZIP:
        raise _error("file_type", name=name)
    if kind is FileKind.PDF:
        return ImportedFile(name, kind, data, check_pdf(data, max_pages=limits.max_pages))
    if kind in (FileKind.JPEG, FileKind.PNG):
        check_image(name, data, limits.max_image_pixels)
        return ImportedFile(name, kind, data, 1)
    if kind is FileKind.DOC and b"W\x00o\x00r\x00d\x00D\x00o\x00c" not in data:
        raise _error("doc_corrupt", name=name)
    # Word files cannot be paginated without a word processor: pages unknown.
    return ImportedFile(name, kind, data, None)


def import_target(data: bytes, params: dict[str, object]) -> bytes:
    """The cage's entry: a JSON line describing the files, then the bytes of unpacked ones."""
    raw_limits = params["limits"]
    assert isinstance(raw_limits, dict)
    found = inspect_bytes(str(params["name"]), data, Limits(**raw_limits))
    inline = not (len(found) == 1 and found[0].data is data)
    items = [{"name": f.name, "kind": f.kind.value, "pages": f.pages, "size": len(f.data)}
             for f in found]
    head = json.dumps({"items": items, "inline": inline}).encode() + b"\n"
    return head + (b"".join(f.data for f in found) if inline else b"")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _unpack(name: str, data: bytes, limits: Limits) -> list[ImportedFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [e for e in archive.infolist() if not e.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _error("zip_corrupt", name=name) from None
    with archive:
        _check_entries(name, entries, limits)
        results = []
        budget = limits.max_unpacked_bytes
        for entry in entries:
            content = _read_entry(name, archive, entry, min(budget, limits.max_file_bytes))
            budget -= len(content)
            if sniff_kind(content) is Kind.ZIP:
                raise _error("zip_nested", name=name)
            results.extend(inspect_bytes(entry.filename, content, limits))
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
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError,
            ValueError, zlib.error):
        raise _error("zip_corrupt", name=name) from None
    return b"".join(chunks)


def _error(code: str, **params: object) -> CaptureError:
    return check_error(MESSAGES, code, **params)
