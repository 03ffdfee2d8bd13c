"""The procedure catalogue: what a resident can file at this kiosk, and how to find it.

The entries are checked by their own constructors; reading them from the
shipped file or the portal's JSON is ``catalogue_json``'s business.

Search folds case, diacritics and spacing (``textnorm``) and ranks the way a
resident expects: the procedure *named* like the query before one that merely
*mentions* it in an alias or a document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from kiosk.domain.errors import DataError, error_from_table
from kiosk.domain.fees import Fee
from kiosk.domain.forms import FormField
from kiosk.domain.textnorm import EXACT, INSIDE, SearchText, fold

Level = Literal["3", "4"]

# Decree 42/2022/NĐ-CP renamed the levels; residents still know the old numbers.
LEVEL_NAMES: Mapping[str, str] = MappingProxyType(
    {"3": "Trực tuyến một phần (mức độ 3)", "4": "Trực tuyến toàn trình (mức độ 4)"}
)
# What the portal's file endpoint accepts (PORTAL_API.md §2).
DOCUMENT_KINDS: frozenset[str] = frozenset(("pdf", "jpeg", "png", "doc", "docx", "zip"))
DEFAULT_DOCUMENT_KINDS: tuple[str, ...] = ("pdf", "jpeg", "png")

MAX_WORKING_DAYS = 365
# A resident never types more than this; longer input is cut so that a stuck
# key or a scanner dumping a page costs nothing.
MAX_QUERY_CHARS = 200

MESSAGES: dict[str, str] = {
    "duplicate_code": "{where}: mã thủ tục «{value}» xuất hiện nhiều lần.",
    "alias_bad": "Mã cũ «{old}» hoặc mã mới «{new}» không hợp lệ.",
    "alias_shadows": "Mã cũ «{old}» trùng với mã của một thủ tục đang dùng.",
    "alias_target": "Mã cũ «{old}» trỏ tới mã «{new}» không có trong danh mục.",
    "unknown_procedure": "Không tìm thấy thủ tục có mã «{value}» trong danh mục.",
    "def_code": "Mã «{value}» không hợp lệ.",
    "def_text": "Mục «{key}» không được để trống.",
    "def_level": "Mức độ «{level}» không hợp lệ: chỉ được «3» hoặc «4».",
    "def_days": "Số ngày làm việc phải từ 0 đến {limit}.",
    "def_kinds": "Loại tệp phải là danh sách không rỗng, không trùng, trong số: {allowed}.",
    "def_duplicate": "{what} «{name}» xuất hiện nhiều lần.",
    "def_link": "Trường «{name}» liên kết tới «{target}», nhưng đó không phải trường {kind} "
    "của cùng thủ tục.",
    "def_derive": "Trường «{name}» lấy giá trị từ «{target}», nhưng thủ tục không có trường "
    "đó (hoặc đó chính là trường «{name}»).",
}

_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")
_DOCUMENT_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,19}")


# --- the entries -------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLimit:
    """How long the office has: ``working_days`` 0 means the same day."""

    working_days: int
    extra_days_if_verification: int = 0
    note: str = ""

    def __post_init__(self) -> None:
        for days in (self.working_days, self.extra_days_if_verification):
            if not 0 <= days <= MAX_WORKING_DAYS:
                raise error_from_table(DataError, MESSAGES, "def_days", limit=MAX_WORKING_DAYS)

    @property
    def same_day(self) -> bool:
        return self.working_days == 0

    @property
    def max_working_days(self) -> int:
        """The limit when the office must verify something first."""
        return self.working_days + self.extra_days_if_verification


@dataclass(frozen=True)
class DocumentComponent:
    """One component of the dossier (thành phần hồ sơ), e.g. the declaration "TK"."""

    code: str
    name: str
    required: bool = True
    kinds: tuple[str, ...] = DEFAULT_DOCUMENT_KINDS
    note: str = ""
    # The kiosk writes this component itself (the tờ khai, kiosk/declarations):
    # the resident is never asked for it and it is attached at sealing.
    generated: bool = False

    def __post_init__(self) -> None:
        if not _DOCUMENT_CODE.fullmatch(self.code):
            raise error_from_table(DataError, MESSAGES, "def_code", value=self.code[:40])
        _require_text("name", self.name)
        kinds_ok = set(self.kinds) <= DOCUMENT_KINDS and len(set(self.kinds)) == len(self.kinds)
        if not self.kinds or not kinds_ok:
            allowed = ", ".join(sorted(DOCUMENT_KINDS))
            raise error_from_table(DataError, MESSAGES, "def_kinds", allowed=allowed)


@dataclass(frozen=True)
class Procedure:
    """One administrative procedure (TTHC) as the kiosk offers it."""

    code: str
    name: str
    field: str
    level: Level
    time_limit: TimeLimit
    fees: tuple[Fee, ...]
    documents: tuple[DocumentComponent, ...]
    fields: tuple[FormField, ...]
    result: str
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code):
            raise error_from_table(DataError, MESSAGES, "def_code", value=self.code[:40])
        for key in ("name", "field", "result"):
            _require_text(key, getattr(self, key))
        if self.level not in LEVEL_NAMES:
            raise error_from_table(DataError, MESSAGES, "def_level", level=str(self.level)[:8])
        for alias in self.aliases:
            _require_text("aliases", alias)
        _require_unique("Mã thành phần hồ sơ", [d.code for d in self.documents])
        _require_unique("Trường biểu mẫu", [f.name for f in self.fields])
        _check_field_links(self.fields)

    @property
    def level_name(self) -> str:
        """The current official name of the service level, old level in brackets."""
        return LEVEL_NAMES[self.level]

    @property
    def documents_to_bring(self) -> tuple[DocumentComponent, ...]:
        """The components the resident supplies: every one the kiosk does not write itself."""
        return tuple(d for d in self.documents if not d.generated)

    @property
    def required_documents(self) -> tuple[DocumentComponent, ...]:
        """The components the resident must supply (a generated one is never asked for)."""
        return tuple(d for d in self.documents_to_bring if d.required)

    @property
    def generated_documents(self) -> tuple[DocumentComponent, ...]:
        return tuple(d for d in self.documents if d.generated)


def _require_text(key: str, value: str) -> None:
    if not value.strip():
        raise error_from_table(DataError, MESSAGES, "def_text", key=key)


def _require_unique(what: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise error_from_table(DataError, MESSAGES, "def_duplicate", what=what, name=name)
        seen.add(name)


def _check_field_links(fields: tuple[FormField, ...]) -> None:
    types = {f.name: f.type for f in fields}
    for spec in fields:
        links = ((spec.birth_date_field, "date", "ngày"), (spec.gender_field, "choice", "lựa chọn"))
        for target, wanted, kind in links:
            if target is not None and types.get(target) != wanted:
                raise error_from_table(
                    DataError, MESSAGES, "def_link", name=spec.name, target=target, kind=kind
                )
        for source in spec.derive_from:
            if source not in types or source == spec.name:
                raise error_from_table(DataError, MESSAGES, "def_derive", name=spec.name,
                                       target=source)


class UnknownProcedureError(DataError):
    """A code that is neither in the catalogue nor in its table of old codes."""


# --- the catalogue and its search ----------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    procedure: Procedure
    codes: frozenset[str]
    name: SearchText
    aliases: tuple[SearchText, ...]
    others: tuple[SearchText, ...]
    order: tuple[str, str]


class Catalogue:
    """An immutable set of procedures, with old codes mapped to current ones."""

    def __init__(
        self,
        procedures: Iterable[Procedure],
        aliases: Mapping[str, str] | None = None,
        version: str = "",
    ) -> None:
        self._procedures = tuple(procedures)
        self._by_code = {p.code: p for p in self._procedures}
        if len(self._by_code) != len(self._procedures):
            duplicate = _first_duplicate([p.code for p in self._procedures])
            raise error_from_table(
                DataError, MESSAGES, "duplicate_code", where="procedures", value=duplicate
            )
        self._aliases = MappingProxyType(_resolved_aliases(dict(aliases or {}), self._by_code))
        self.version = version
        self._entries = tuple(self._entry(p) for p in self._procedures)

    @property
    def procedures(self) -> tuple[Procedure, ...]:
        return self._procedures

    @property
    def aliases(self) -> Mapping[str, str]:
        """Old code → current code, chains already followed."""
        return self._aliases

    def __iter__(self) -> Iterator[Procedure]:
        return iter(self._procedures)

    def __len__(self) -> int:
        return len(self._procedures)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and (code in self._by_code or code in self._aliases)

    def resolve(self, code: str) -> str:
        """The current code for ``code`` (itself, or the code that replaced it)."""
        wanted = code.strip()
        current = wanted if wanted in self._by_code else self._aliases.get(wanted)
        if current is None:
            raise error_from_table(
                UnknownProcedureError, MESSAGES, "unknown_procedure", value=wanted[:40]
            )
        return current

    def get(self, code: str) -> Procedure:
        """The procedure with this code or old code; ``UnknownProcedureError`` otherwise."""
        return self._by_code[self.resolve(code)]

    def by_field(self) -> dict[str, list[Procedure]]:
        """Procedures grouped by field (lĩnh vực), both in catalogue order."""
        groups: dict[str, list[Procedure]] = {}
        for procedure in self._procedures:
            groups.setdefault(procedure.field, []).append(procedure)
        return groups

    def merged(self, updates: Iterable[Procedure], version: str | None = None) -> Catalogue:
        """A new catalogue where ``updates`` replace entries of the same code or are added."""
        fresh = {p.code: p for p in updates}
        kept = [fresh.pop(p.code, p) for p in self._procedures]
        return Catalogue([*kept, *fresh.values()], self._aliases, version or self.version)

    def search(self, text: str, limit: int | None = None) -> list[Procedure]:
        """Procedures matching ``text``, best first; a blank query lists them all.

        Every word of the query must occur somewhere (name, aliases, field or
        documents).  Ranking: code or old code > name equal to or starting with
        the query > every word a whole word of the name > query inside the
        name > alias > field or document; ties by name.
        """
        if limit is not None and limit < 0:
            raise ValueError("limit must not be negative")
        if not text.strip():
            return list(self._procedures[:limit])
        query = SearchText.of(text[:MAX_QUERY_CHARS])
        if not query.compact:
            return []
        ranked = []
        for entry in self._entries:
            rank = _rank(entry, query)
            if rank is not None:
                ranked.append((rank, entry.order, entry.procedure))
        ranked.sort(key=lambda item: (item[0], item[1]))
        return [procedure for _, _, procedure in ranked[:limit]]

    def _entry(self, procedure: Procedure) -> _Entry:
        old_codes = [old for old, new in self._aliases.items() if new == procedure.code]
        others = [procedure.field, *(d.name for d in procedure.documents)]
        return _Entry(
            procedure=procedure,
            codes=frozenset(fold(code) for code in (procedure.code, *old_codes)),
            name=SearchText.of(procedure.name),
            aliases=tuple(SearchText.of(alias) for alias in procedure.aliases),
            others=tuple(SearchText.of(other) for other in others),
            order=(fold(procedure.name), procedure.code),
        )


def _first_duplicate(codes: list[str]) -> str:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            return code
        seen.add(code)
    return ""


def _resolved_aliases(aliases: dict[str, str], current: Mapping[str, Procedure]) -> dict[str, str]:
    """Follow chains (a → b → c) so each old code maps straight to a current code."""
    resolved: dict[str, str] = {}
    for old, new in aliases.items():
        if not (_CODE.fullmatch(old) and _CODE.fullmatch(new)):
            raise error_from_table(DataError, MESSAGES, "alias_bad", old=old[:40], new=new[:40])
        if old in current:
            raise error_from_table(DataError, MESSAGES, "alias_shadows", old=old)
        target, hops = new, 0
        # More hops than aliases means a cycle; it ends at no current code anyway.
        while target in aliases and hops <= len(aliases):
            target, hops = aliases[target], hops + 1
        if target not in current:
            raise error_from_table(DataError, MESSAGES, "alias_target", old=old, new=new)
        resolved[old] = target
    return resolved


# Tiers of a procedure for a query, best first; within a tier, textnorm's match quality.
_CODE_TIER, _NAME_START_TIER, _NAME_WORDS_TIER, _NAME_INSIDE_TIER, _ALIAS_TIER, _OTHER_TIER = range(
    6
)
# A match made of words found in different places ranks after whole-query matches.
_SCATTERED = INSIDE + 1


def _best_quality(texts: Iterable[SearchText], query: SearchText) -> int | None:
    found = [q for q in (text.quality(query) for text in texts) if q is not None]
    return min(found, default=None)


def _rank(entry: _Entry, query: SearchText) -> tuple[int, int] | None:
    """(tier, quality) of one procedure for the query, or None when it does not match."""
    if query.compact in entry.codes:
        return (_CODE_TIER, EXACT)
    candidates: list[tuple[int, int]] = []
    name = entry.name.quality(query)
    if name is not None:
        name_tiers = (_NAME_START_TIER, _NAME_START_TIER, _NAME_WORDS_TIER, _NAME_INSIDE_TIER)
        candidates.append((name_tiers[name], name))
    for tier, texts in ((_ALIAS_TIER, entry.aliases), (_OTHER_TIER, entry.others)):
        quality = _best_quality(texts, query)
        if quality is not None:
            candidates.append((tier, quality))
    scattered = _scattered_tier(entry, query)
    if scattered is not None:
        candidates.append((scattered, _SCATTERED))
    return min(candidates, default=None)


def _scattered_tier(entry: _Entry, query: SearchText) -> int | None:
    """Each word found somewhere: the tier of the weakest place a word was found."""
    tiers = [_word_tier(entry, word) for word in query.words]
    if not tiers or None in tiers:
        return None
    return max(tier for tier in tiers if tier is not None)


def _word_tier(entry: _Entry, word: str) -> int | None:
    if word in entry.name.words:
        return _NAME_WORDS_TIER
    if entry.name.contains(word):
        return _NAME_INSIDE_TIER
    if any(text.contains(word) for text in entry.aliases):
        return _ALIAS_TIER
    if any(text.contains(word) for text in entry.others):
        return _OTHER_TIER
    return None
