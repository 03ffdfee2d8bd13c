"""The lists a resident chooses from instead of typing: ethnic groups and nationalities.

Both ship as data under ``resources/lists/``: the 54 ethnic groups with the
statistics office's codes (Quyết định 121-TCTK/PPCĐ, Kinh first) and a short
list of nationalities, Việt Nam first.  ``search`` finds an option whatever
case, diacritics or spacing were typed ("kinh", "KINH", "Kính" → Kinh; the
other names people use, "Mông" or "Khmer", find their group too).

Nothing here raises on any query: a 10,000-character paste is cut before it is
folded, so every search takes bounded time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.domain.errors import DataError, error_from_table
from kiosk.domain.textnorm import SearchText, fold
from kiosk.paths import resource

MESSAGES = {
    "list_shape": "Tệp danh sách «{path}» không đúng cấu trúc: {detail}.",
}

ETHNICITY_COUNT = 54
MAX_QUERY = 100  # characters of a query that are looked at; no option name is longer
OTHER_NATIONALITY = "Khác"


@dataclass(frozen=True)
class Option:
    """One row of a picker: the value stored in the form, its code, other names it goes by."""

    value: str
    code: str = ""
    aliases: tuple[str, ...] = ()
    keys: tuple[SearchText, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, value: str, code: str = "", aliases: Sequence[str] = ()) -> Option:
        keys = tuple(SearchText.of(text) for text in (value, *aliases))
        return cls(value, code, tuple(aliases), keys)


def search(options: Sequence[Option], query: str, limit: int | None = None) -> list[Option]:
    """The options matching ``query``, best match first, list order kept within a rank.

    An empty query (or one with nothing searchable, "!!!") gives the whole list.
    """
    wanted = SearchText.of(query[:MAX_QUERY])
    if not wanted.compact:
        return list(options[:limit] if limit is not None else options)
    ranked: list[tuple[int, int, Option]] = []
    for index, option in enumerate(options):
        qualities = [q for key in option.keys if (q := key.quality(wanted)) is not None]
        if qualities:
            ranked.append((min(qualities), index, option))
    ranked.sort(key=lambda item: (item[0], item[1]))
    found = [option for _rank, _index, option in ranked]
    return found[:limit] if limit is not None else found


def canonical(options: Sequence[Option], text: str) -> str | None:
    """The list's spelling of ``text`` when it names exactly one option ("kinh" → "Kinh")."""
    key = fold(text[:MAX_QUERY])
    if not key:
        return None
    matches = {o.value for o in options if any(k.compact == key for k in o.keys)}
    return matches.pop() if len(matches) == 1 else None


# --- the shipped data -----------------------------------------------------------------


def lists_dir() -> Path:
    """``resources/lists`` of a checkout, a wheel or a frozen build."""
    return resource("lists")


def _shape_error(path: Path, detail: str) -> DataError:
    return error_from_table(DataError, MESSAGES, "list_shape", path=path.name, detail=detail)


def _read(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise _shape_error(path, "không đọc được tệp JSON") from None


def parse_ethnicities(obj: object, path: Path = Path("dan_toc.json")) -> tuple[Option, ...]:
    """``{"groups": [{"code": "01", "name": "Kinh", "aliases": ["Việt"]}, …]}``."""
    groups = obj.get("groups") if isinstance(obj, dict) else None
    if not isinstance(groups, list) or len(groups) != ETHNICITY_COUNT:
        raise _shape_error(path, f"cần đúng {ETHNICITY_COUNT} dân tộc")
    options = [_option(group, path) for group in groups]
    if len({o.value for o in options}) != len(options) or options[0].value != "Kinh":
        raise _shape_error(path, "tên dân tộc trùng nhau hoặc Kinh không đứng đầu")
    return tuple(options)


def _option(item: object, path: Path) -> Option:
    if not isinstance(item, dict):
        raise _shape_error(path, "mỗi dân tộc là một đối tượng")
    code, name, aliases = item.get("code"), item.get("name"), item.get("aliases", [])
    texts_ok = isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)
    if not (isinstance(code, str) and isinstance(name, str) and name.strip() and texts_ok):
        raise _shape_error(path, "thiếu mã số hoặc tên")
    return Option.of(name, code, aliases)


def parse_nationalities(obj: object, path: Path = Path("quoc_tich.json")) -> tuple[Option, ...]:
    """``{"nationalities": ["Việt Nam", …], "aliases": {"Hoa Kỳ": ["Mỹ"]}}``; Việt Nam first."""
    names = obj.get("nationalities") if isinstance(obj, dict) else None
    aliases = obj.get("aliases", {}) if isinstance(obj, dict) else {}
    if (not isinstance(names, list) or not names or names[0] != "Việt Nam"
            or not all(isinstance(n, str) and n.strip() for n in names)
            or not isinstance(aliases, dict)):
        raise _shape_error(path, "cần danh sách quốc tịch bắt đầu bằng Việt Nam")
    return tuple(Option.of(name, "", _texts(aliases.get(name, []))) for name in names)


def _texts(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


@functools.cache
def ethnicities() -> tuple[Option, ...]:
    """The 54 ethnic groups, Kinh first (read once)."""
    path = lists_dir() / "dan_toc.json"
    return parse_ethnicities(_read(path), path)


@functools.cache
def nationalities() -> tuple[Option, ...]:
    """Việt Nam and the nationalities most often met; any other is typed after «Khác»."""
    path = lists_dir() / "quoc_tich.json"
    return parse_nationalities(_read(path), path)
