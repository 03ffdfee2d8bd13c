"""Reading an attachment upload (PORTAL_API.md §2): multipart, hash, real type.

The type is sniffed from the bytes, never taken from the file name or the
part's Content-Type: a text file renamed ``.pdf`` is refused, as a careful
portal would.  Multipart is parsed by the standard ``email`` package (``cgi``
is deprecated), which keeps binary payloads byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from email import errors as email_errors
from email import policy
from email.message import Message
from email.parser import BytesParser

from kiosk.demo.simulator_errors import detail, portal_error

MAX_FILE_BYTES = 10 * 1024 * 1024
# Room for the part headers and the sha256 field around a file of the limit.
UPLOAD_LIMIT = MAX_FILE_BYTES + 64 * 1024

_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_MAGIC: tuple[tuple[str, bytes], ...] = (
    ("pdf", b"%PDF-"),
    ("jpeg", b"\xff\xd8\xff"),
    ("png", b"\x89PNG\r\n\x1a\n"),
    ("doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),  # OLE2 compound file (Word 97-2003)
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive
_PARSE_ERRORS = (ValueError, TypeError, LookupError, email_errors.MessageError)


@dataclass(frozen=True)
class Upload:
    """A well-formed upload whose bytes hash to what the kiosk said and are of a known kind."""

    data: bytes
    sha256: str
    kind: str
    filename: str | None
    content_type: str | None


def parse_upload(content_type: str | None, body: bytes) -> Upload:
    """Check an upload in the contract's order; raise the matching ``PortalError``."""
    parts = _form_parts(content_type, body)
    file_part, hash_part = parts.get("file"), parts.get("sha256")
    if file_part is None or hash_part is None:
        raise portal_error("multipart", [detail("file", "Thiếu phần «file» hoặc «sha256».")])
    data = _payload(file_part, "file")
    claimed = _payload(hash_part, "sha256").decode("ascii", "replace").strip()
    if not _HEX64.fullmatch(claimed):
        raise portal_error("multipart", [detail("sha256", "Cần 64 ký tự hex.")])
    if len(data) > MAX_FILE_BYTES:
        raise portal_error("file_too_large", limit=MAX_FILE_BYTES)
    if hashlib.sha256(data).hexdigest() != claimed.lower():
        raise portal_error("hash_mismatch")
    kind = sniff(data)
    if kind is None:
        raise portal_error("unsupported_type")
    filename = file_part.get_filename()
    name = _printable(filename[:255]) if filename else None
    return Upload(data, claimed.lower(), kind, name, _printable(file_part.get_content_type()))


def _printable(text: str) -> str:
    # Header bytes that were not UTF-8 can surface as lone surrogates, which SQLite refuses.
    return text.encode("utf-8", "replace").decode("utf-8")


def sniff(data: bytes) -> str | None:
    """``pdf``, ``jpeg``, ``png``, ``doc``, ``docx`` or ``zip`` from the bytes; else ``None``."""
    for kind, magic in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    return None


def _zip_kind(data: bytes) -> str | None:
    """A DOCX is a ZIP whose entries live under ``word/``; a broken archive is neither."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    return "docx" if any(name.startswith("word/") for name in names) else "zip"


def _form_parts(content_type: str | None, body: bytes) -> dict[str, Message]:
    if not content_type or "\r" in content_type or "\n" in content_type:
        raise portal_error("multipart")
    # The parser wants a whole MIME message: the request's Content-Type becomes its header.
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    try:
        message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
        return _named_parts(message)
    except _PARSE_ERRORS:
        raise portal_error("multipart") from None


def _named_parts(message: Message) -> dict[str, Message]:
    if message.get_content_type() != "multipart/form-data" or not message.is_multipart():
        raise portal_error("multipart")
    if message.defects:  # a missing closing boundary means a truncated upload
        raise portal_error("multipart")
    parts: dict[str, Message] = {}
    for part in message.get_payload():
        if not isinstance(part, Message):
            raise portal_error("multipart")
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in parts:
            raise portal_error("multipart")
        parts[name] = part
    return parts


def _payload(part: Message, name: str) -> bytes:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):  # a nested multipart has no bytes of its own
        raise portal_error("multipart", [detail(name, "Phần này không chứa dữ liệu.")])
    return data
