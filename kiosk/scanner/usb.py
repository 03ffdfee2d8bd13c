"""Files a resident brings on a USB stick: checked by content, in a cage, and never trusted.

Accepted: PDF, JPEG, PNG, DOC, DOCX, and ZIP archives of those.  The path is
read only if it is a regular file (``regularfile``), at most the size limit;
the bytes are then judged by ``usbcheck.inspect_bytes`` in a child process
with memory, CPU-time and output limits (``cage``), so a hostile PDF, image
or archive costs at most those limits and ends in a typed ``CaptureError``.
The child answers with the kinds and page counts (and, for a ZIP, the bytes
of its entries); the parent checks that answer's shape before using it.

``import_file`` and ``import_bytes`` take an optional ``cancel`` (anything
with ``is_set()``, e.g. a ``threading.Event``): when it is set the check is
killed within ~50 ms and ``file_check_cancelled`` is raised.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from kiosk.domain.errors import error_from_table
from kiosk.scanner import cage, imagecheck, pdfinfo, regularfile, usbcheck
from kiosk.scanner.cage import CageLimits, Cancel, run_caged
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.usbcheck import FileKind, ImportedFile, Limits, check_document, sniff

__all__ = ["MESSAGES", "FileKind", "ImportedFile", "Limits", "check_document", "import_bytes",
           "import_file", "sniff"]

# Every sentence an import can end in; the child sends codes, the words are taken from here.
MESSAGES: dict[str, str] = {**regularfile.MESSAGES, **usbcheck.MESSAGES, **imagecheck.MESSAGES,
                            **pdfinfo.MESSAGES, **cage.MESSAGES}
_TARGET = "kiosk.scanner.usbcheck:import_target"
DEFAULT_LIMITS = Limits()


def import_file(
    path: Path, *, limits: Limits = DEFAULT_LIMITS, cancel: Cancel | None = None
) -> list[ImportedFile]:
    """Check one file from the stick; a ZIP gives its documents, other files give themselves."""
    data = regularfile.read_regular(path, limits.max_file_bytes)
    return import_bytes(path.name, data, limits=limits, cancel=cancel)


def import_bytes(
    name: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS, cancel: Cancel | None = None
) -> list[ImportedFile]:
    """Check bytes that came from outside, in the cage; the checked files, or ``CaptureError``."""
    if not data:
        raise _error("file_empty", name=name)
    if len(data) > limits.max_file_bytes:
        raise _error("file_too_big", name=name, limit_mb=limits.max_file_bytes // 2**20)
    answer = run_caged(_TARGET, data, {"name": name, "limits": asdict(limits)}, name=name,
                       limits=cage_limits(limits), messages=MESSAGES, cancel=cancel)
    try:
        return _files(answer, data, limits)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise error_from_table(CaptureError, MESSAGES, "file_check_failed", field="file",
                               name=name) from None


def cage_limits(limits: Limits) -> CageLimits:
    # Room in the answer for every unpacked byte of a ZIP, and its list of names.
    return CageLimits(wall_seconds=limits.check_seconds, cpu_seconds=limits.check_cpu_seconds,
                      memory_bytes=limits.check_memory_bytes,
                      max_output=limits.max_unpacked_bytes + 1024 * 1024)


def _files(answer: bytes, data: bytes, limits: Limits) -> list[ImportedFile]:
    """The child's answer, checked for shape: it is the output of a process we do not trust."""
    head, _, rest = answer.partition(b"\n")
    sent = json.loads(head)
    items, inline = sent["items"], sent["inline"]
    if not isinstance(items, list) or not items or len(items) > limits.max_entries:
        raise ValueError("bad item list")
    found, offset = [], 0
    for item in items:
        pages, size = item["pages"], int(item["size"])
        if pages is not None and not (isinstance(pages, int) and 1 <= pages <= limits.max_pages):
            raise ValueError("bad page count")
        body = rest[offset:offset + size] if inline else data
        offset += size
        if len(body) != size:
            raise ValueError("bad size")
        found.append(ImportedFile(str(item["name"]), FileKind(item["kind"]), body, pages))
    if offset != (len(rest) if inline else len(data)) or (not inline and len(found) != 1):
        raise ValueError("sizes do not add up")
    return found


def _error(code: str, **params: object) -> CaptureError:
    return error_from_table(CaptureError, MESSAGES, code, field="file", **params)
