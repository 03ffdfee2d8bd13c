"""The portal's answers, read strictly before anything in them is stored or sent on.

PORTAL_API.md v1 and STYLE.md §23: every 2xx body is decoded here (UTF-8,
JSON with no NaN/Infinity, no integer of more than 100 digits, no key twice
in an object, bounded nesting) and each field the kiosk uses is checked for its type, its range,
its length and its characters (no NUL, no control character, no lone
surrogate: SQLite and the screens get only clean text).  Every refusal is a
``BadAnswer`` naming the field (our name, never the portal's text) and a
reason code; ``policy.bad_answer`` turns it into a transient outcome.
Nothing here raises anything else, whatever the bytes.

A dossier the portal accepted whose answer is malformed (a ``TrangThaiHoSo``
of 2**70, a ``MaHoSo`` of three megabytes, an echo of another dossier's code):
the kiosk cannot know what the portal holds, so the answer counts as not heard.
The dossier goes back to PENDING with the reason (``answer_range`` …) on its
row for the dashboard, one attempt counted, so its backoff grows to the cap
(15 min) and the client's run of failures pauses the portal as a whole.  It is
resent later with the same idempotency key and the same bytes: the portal
answers a replay (200), never a second dossier.  It is never marked FAILED nor
dropped, and nothing raises: the worker does not crash on it, on this restart
or any other; when the portal answers properly it is SENT.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from kiosk.domain.dates import from_wire
from kiosk.domain.errors import DomainError
from kiosk.domain.states import PORTAL_STATUS_LABELS

MAX_CODE_CHARS = 64  # MaHoSo, as the queue stores it
MAX_ID_CHARS = 128  # IdTepTin, IdDanhGia
MAX_TOKEN_CHARS = 4096
MAX_NOTE_CHARS = 1000  # NoiDung
MAX_UNIT_CHARS = 200  # DonVi
MAX_EVENTS = 500  # QuaTrinhXuLy of one dossier
MAX_ITEMS = 20_000  # one page of changes or procedures (the 4 MiB body cap binds first)
MAX_PROCEDURE_DEPTH = 12  # a procedure: fields → options → …, a few levels
MAX_PROCEDURE_TEXT = 10_000
MAX_FILE_BYTES = 10 * 1024 * 1024  # the portal's own limit (413 above)
MAX_EXPIRES_SECONDS = 366 * 24 * 3600
# Longer integers are refused while parsing (Python's int() of 4,300 digits raises);
# shorter ones reach the field checks, which hold every stored number to its range.
MAX_INT_DIGITS = 100
# The TrangThaiHoSo codes of the national portal (DOMAIN.md §3): the only ones stored.
PORTAL_STATUSES = frozenset(PORTAL_STATUS_LABELS)

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/\-]*")
_ID = re.compile(r"[\x21-\x7e]+")  # visible ASCII, no space
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MEDIA_JSON = "application/json"

# Reason codes (each becomes the outcome code "answer_<reason>").
REASONS = ("content_type", "encoding", "json", "type", "missing", "range", "length", "chars",
           "format")


class BadAnswer(Exception):
    """A portal answer that breaks the contract: ``where`` (our field path), ``reason``."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def _bad(where: str, reason: str) -> NoReturn:
    raise BadAnswer(where, reason)


# ---------------------------------------------------------------- bytes → JSON object


def decode_json(content: bytes, content_type: str | None) -> dict[str, Any]:
    """A 2xx body as a JSON object, or BadAnswer ("content_type", "encoding", "json")."""
    media, _, params = (content_type or "").partition(";")
    if media.strip().lower() != _MEDIA_JSON:
        _bad("Content-Type", "content_type")
    charset = _charset(params)
    if charset not in (None, "utf-8", "utf8"):
        _bad("Content-Type", "encoding")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        _bad("body", "encoding")
    data = loads_strict(text)
    if not isinstance(data, dict):
        _bad("body", "type")
    return data


def loads_strict(text: str) -> object:
    """``json.loads`` with no NaN/Infinity, no huge integer or float; BadAnswer otherwise."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_int=_int, parse_float=_float,
                          object_pairs_hook=_unique)
    except BadAnswer:
        raise
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        _bad("body", "json")


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are unique: {"MaHoSo": "A", "MaHoSo": "B"} is two answers."""
    found = dict(pairs)
    if len(found) != len(pairs):
        _bad("body", "json")
    return found


def _no_constant(name: str) -> NoReturn:
    _bad("body", "range")  # NaN, Infinity, -Infinity


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        _bad("body", "range")
    return int(digits)


def _float(text: str) -> float:
    if len(text) > 64:
        _bad("body", "range")
    value = float(text)
    if not math.isfinite(value):
        _bad("body", "range")
    return value


# ---------------------------------------------------------------- fields


def text(value: object, where: str, limit: int, *, blank: bool = True) -> str:
    """A string of at most ``limit`` characters; no control character but tab and line
    breaks, no lone surrogate; blank only if ``blank``."""
    if not isinstance(value, str):
        _bad(where, "type")
    if len(value) > limit:
        _bad(where, "length")
    if any(unclean(c) for c in value):
        _bad(where, "chars")
    if not blank and not value.strip():
        _bad(where, "missing")
    return value


def unclean(c: str) -> bool:
    """Not for storing: a control character (but tab and line breaks) or a surrogate."""
    point = ord(c)
    return ((point < 0x20 and c not in "\t\n\r") or 0x7F <= point < 0xA0
            or 0xD800 <= point <= 0xDFFF)


def optional_text(value: object, where: str, limit: int) -> str:
    return "" if value is None else text(value, where, limit)


def code(value: object, where: str) -> str:
    """A dossier code: letters, digits and ``. _ / -``, at most 64 characters."""
    found = text(value, where, MAX_CODE_CHARS, blank=False)
    if not _CODE.fullmatch(found):
        _bad(where, "chars")
    return found


def identifier(value: object, where: str, limit: int = MAX_ID_CHARS) -> str:
    """An opaque id (IdTepTin, IdDanhGia, a token): visible ASCII, no space."""
    found = text(value, where, limit, blank=False)
    if not _ID.fullmatch(found):
        _bad(where, "chars")
    return found


def integer(value: object, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):  # bool: an int to Python only
        _bad(where, "type")
    if not low <= value <= high:
        _bad(where, "range")
    return value


def portal_status(value: object, where: str) -> int:
    found = integer(value, where, 0, 10**6)
    if found not in PORTAL_STATUSES:
        _bad(where, "range")
    return found


def moment(value: object, where: str) -> datetime:
    """``yyyyMMddHHmmss`` in Vietnam time, a real moment (no 30 February)."""
    found = text(value, where, 14, blank=False)
    try:
        return from_wire(found)
    except DomainError:
        _bad(where, "format")


def items(value: object, where: str, limit: int) -> Sequence[object]:
    if not isinstance(value, list):
        _bad(where, "type")
    if len(value) > limit:
        _bad(where, "length")
    return value


def field(body: Mapping[str, Any], name: str, where: str = "") -> object:
    """A required field: absent or null is "missing"."""
    value = body.get(name)
    if value is None:
        _bad(where + name, "missing")
    return value


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        _bad(where, "type")
    return value


# ---------------------------------------------------------------- the answers


@dataclass(frozen=True)
class TokenAnswer:
    token: str


@dataclass(frozen=True)
class FileAnswer:
    file_id: str
    sha256: str
    size: int | None = None


@dataclass(frozen=True)
class DossierAnswer:
    code: str  # MaHoSo, the portal's official code
    kiosk_code: str | None  # MaHoSoKiosk, the code the kiosk sent (echoed)
    status: int | None  # TrangThaiHoSo
    due: datetime | None  # NgayHenTra


@dataclass(frozen=True)
class RatingAnswer:
    rating_id: str


@dataclass(frozen=True)
class TimelineStep:
    status: int
    at: datetime
    note: str
    unit: str


@dataclass(frozen=True)
class StatusAnswer:
    code: str  # MaHoSo
    kiosk_code: str | None
    status: int
    events: tuple[TimelineStep, ...]

    @property
    def lookup(self) -> str:
        """The code to find the dossier by here: the one the kiosk sent, if echoed."""
        return self.kiosk_code or self.code


@dataclass(frozen=True)
class ChangesAnswer:
    items: tuple[StatusAnswer, ...]
    now: str  # passed back as changed_since next time


@dataclass(frozen=True)
class ProceduresAnswer:
    items: Sequence[object]  # each checked by the catalogue (kiosk.catalogue_updates)
    now: str


@dataclass(frozen=True)
class HealthAnswer:
    status: str


Answer = (TokenAnswer | FileAnswer | DossierAnswer | RatingAnswer | StatusAnswer
          | ChangesAnswer | ProceduresAnswer | HealthAnswer)
Parser = Callable[[Mapping[str, Any]], Answer]


def parse_token(body: Mapping[str, Any]) -> TokenAnswer:
    """§1: a token goes into a header, so visible ASCII of sane length."""
    token = identifier(field(body, "access_token"), "access_token", MAX_TOKEN_CHARS)
    kind = body.get("token_type")
    if kind is not None and (not isinstance(kind, str) or kind.lower() != "bearer"):
        _bad("token_type", "range")
    if body.get("expires_in") is not None:
        integer(body["expires_in"], "expires_in", 0, MAX_EXPIRES_SECONDS)
    return TokenAnswer(token)


def parse_file(body: Mapping[str, Any]) -> FileAnswer:
    """§2: IdTepTin, HashTepTin (64 hex), KichThuoc (0 to 10 MiB) if given."""
    file_id = identifier(field(body, "IdTepTin"), "IdTepTin")
    sha256 = text(field(body, "HashTepTin"), "HashTepTin", 64)
    if not _HEX64.fullmatch(sha256):
        _bad("HashTepTin", "format")
    size = body.get("KichThuoc")
    return FileAnswer(file_id, sha256,
                      None if size is None else integer(size, "KichThuoc", 0, MAX_FILE_BYTES))


def parse_dossier(body: Mapping[str, Any]) -> DossierAnswer:
    """§3 201/200: MaHoSo required; MaHoSoKiosk, TrangThaiHoSo, NgayHenTra checked if given."""
    kiosk_code, status, due = body.get("MaHoSoKiosk"), body.get("TrangThaiHoSo"), \
        body.get("NgayHenTra")
    return DossierAnswer(
        code(field(body, "MaHoSo"), "MaHoSo"),
        None if kiosk_code is None else code(kiosk_code, "MaHoSoKiosk"),
        None if status is None else portal_status(status, "TrangThaiHoSo"),
        None if due is None else moment(due, "NgayHenTra"))


def parse_rating(body: Mapping[str, Any]) -> RatingAnswer:
    return RatingAnswer(identifier(field(body, "IdDanhGia"), "IdDanhGia"))


def parse_status(body: Mapping[str, Any], where: str = "") -> StatusAnswer:
    """§4: one dossier's status and timeline."""
    kiosk_code = body.get("MaHoSoKiosk")
    if body.get("NgayHenTra") is not None:
        moment(body["NgayHenTra"], where + "NgayHenTra")
    steps = items(body.get("QuaTrinhXuLy") or [], where + "QuaTrinhXuLy", MAX_EVENTS)
    return StatusAnswer(
        code(field(body, "MaHoSo", where), where + "MaHoSo"),
        None if kiosk_code is None else code(kiosk_code, where + "MaHoSoKiosk"),
        portal_status(field(body, "TrangThaiHoSo", where), where + "TrangThaiHoSo"),
        tuple(_step(s, f"{where}QuaTrinhXuLy[{i}].") for i, s in enumerate(steps)))


def _step(raw: object, where: str) -> TimelineStep:
    step = _mapping(raw, where.rstrip("."))
    return TimelineStep(portal_status(field(step, "TrangThai", where), where + "TrangThai"),
                        moment(field(step, "ThoiDiem", where), where + "ThoiDiem"),
                        optional_text(step.get("NoiDung"), where + "NoiDung", MAX_NOTE_CHARS),
                        optional_text(step.get("DonVi"), where + "DonVi", MAX_UNIT_CHARS))


def parse_changes(body: Mapping[str, Any]) -> ChangesAnswer:
    """§4: a page of changes, all sound or refused whole (the cursor stays where it was)."""
    now = field(body, "now")
    moment(now, "now")
    found = items(field(body, "items"), "items", MAX_ITEMS)
    return ChangesAnswer(
        tuple(parse_status(_mapping(item, f"items[{i}]"), f"items[{i}].")
              for i, item in enumerate(found)),
        str(now))


def parse_procedures(body: Mapping[str, Any]) -> ProceduresAnswer:
    """§5: the catalogue checks each procedure; here, that every text in them can be
    stored (the catalogue keeps them as UTF-8 JSON) and the nesting is shallow."""
    now = field(body, "now")
    moment(now, "now")
    found = items(field(body, "items"), "items", MAX_ITEMS)
    for index, item in enumerate(found):
        _storable_tree(item, f"items[{index}]", MAX_PROCEDURE_DEPTH)
    return ProceduresAnswer(found, str(now))


def _storable_tree(value: object, where: str, depth: int) -> None:
    if depth < 0:
        _bad(where, "range")
    if isinstance(value, str):
        text(value, where, MAX_PROCEDURE_TEXT)
    elif isinstance(value, dict):
        for key, inner in value.items():
            text(key, where, MAX_PROCEDURE_TEXT)
            _storable_tree(inner, f"{where}.{key[:40]}", depth - 1)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _storable_tree(inner, f"{where}[{index}]", depth - 1)


def parse_health(body: Mapping[str, Any]) -> HealthAnswer:
    found = text(field(body, "status"), "status", 32, blank=False)
    if found != "ok":
        _bad("status", "range")
    return HealthAnswer(found)
