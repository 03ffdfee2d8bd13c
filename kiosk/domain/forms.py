"""A procedure's own form: field definitions from the catalogue, and checking what was typed.

The form screen is generated from ``FormField`` definitions, so the same
definitions drive validation here.  ``validate_form`` checks the whole form
at once and returns every problem, because a resident on a touch screen
should see all that is wrong in one pass, not one message per attempt.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from kiosk.domain.contact import normalise_email, normalise_phone
from kiosk.domain.dates import parse_date
from kiosk.domain.entry import YEAR_DIGITS, capitalise_name
from kiosk.domain.errors import (
    Advisory,
    DataError,
    Problems,
    ValidationError,
    error_from_table,
)
from kiosk.domain.identity import FEMALE, MALE, check_personal_id
from kiosk.domain.lists import canonical, ethnicities, nationalities
from kiosk.domain.textnorm import fold

FieldType = Literal[
    "text", "multiline", "date", "choice", "id_number", "phone", "email", "number",
    "name", "year", "ethnicity", "nationality", "place",
]
CardValue = Literal["full_name", "personal_id", "birth_year", "birth_date", "gender", "residence"]
DateRule = Literal["past", "future", "not_future"]

FIELD_TYPES: frozenset[str] = frozenset(
    ("text", "multiline", "date", "choice", "id_number", "phone", "email", "number",
     "name", "year", "ethnicity", "nationality", "place")
)
# What a field can be filled with from a scanned CCCD (``FormField.card``).
CARD_VALUES: frozenset[str] = frozenset(
    ("full_name", "personal_id", "birth_year", "birth_date", "gender", "residence",
     "nationality")
)
# Free-text kinds: a pattern may further restrict them.
PATTERN_TYPES = frozenset(("text", "multiline", "name"))
# A person's name: letters, with spaces, apostrophes or hyphens between words.
NAME_PATTERN = r"[^\W\d_]+(?:[ '’-][^\W\d_]+)*"
EARLIEST_YEAR = 1900
DATE_RULES: frozenset[str] = frozenset(("past", "future", "not_future"))

MESSAGES: dict[str, str] = {
    # What a resident sees.
    "required": "Xin nhập «{label}».",
    "required_choice": "Xin chọn «{label}».",
    "too_long": "«{label}» dài quá {limit} ký tự (hiện có {count} ký tự). Xin viết ngắn lại.",
    "bad_characters": "«{label}» có ký tự không hợp lệ. Xin nhập lại.",
    "pattern": "«{label}» chưa đúng định dạng. Xin kiểm tra lại.",
    "unknown_choice": "«{label}» phải là một trong các lựa chọn: {choices}.",
    "not_number": "«{label}» phải là một số, chỉ gồm các chữ số (ví dụ: 2).",
    "number_too_big": "«{label}» quá lớn. Xin kiểm tra lại.",
    "below_min": "«{label}» phải từ {low} trở lên.",
    "above_max": "«{label}» không được lớn hơn {high}.",
    "date_not_past": "«{label}» phải là một ngày trước hôm nay.",
    "date_not_future": "«{label}» phải là một ngày sau hôm nay.",
    "date_in_future": "«{label}» không được sau ngày hôm nay.",
    "not_name": "«{label}» chỉ gồm chữ cái, dấu cách, dấu nháy (') hoặc gạch nối; không có chữ số.",
    "not_year": "«{label}» là một năm gồm 4 chữ số, ví dụ 1990.",
    "year_range": "«{label}» phải từ năm {low} đến năm {high}.",
    "unknown_ethnicity": "«{label}» chưa đúng tên một dân tộc. Xin chọn trong danh sách.",
    "unknown_value": "Mục «{name}» không có trong biểu mẫu của thủ tục này nên đã được bỏ qua.",
    # What an official editing the catalogue sees (DataError).
    "def_name": (
        "Tên trường «{name}» không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và dấu "
        "gạch dưới, bắt đầu bằng chữ cái, tối đa 64 ký tự."
    ),
    "def_label": "Trường «{name}» thiếu nhãn hiển thị (label).",
    "def_type": (
        "Trường «{name}» có kiểu «{type}» không được hỗ trợ. Các kiểu được phép: {allowed}."
    ),
    "def_choices": (
        "Trường «{name}» kiểu «choice» phải có danh sách lựa chọn không rỗng, không trùng."
    ),
    "def_choices_unused": "Trường «{name}» không phải kiểu «choice» nên không được có lựa chọn.",
    "def_max_length": "Trường «{name}»: độ dài tối đa phải từ 1 đến {limit} ký tự.",
    "def_range": "Trường «{name}»: giới hạn nhỏ nhất/lớn nhất chỉ dùng cho kiểu «number» và "
    "giá trị nhỏ nhất không được lớn hơn giá trị lớn nhất.",
    "def_date_rule": "Trường «{name}»: quy tắc ngày «{rule}» không hợp lệ "
    "(chỉ dùng cho kiểu «date»; được phép: past, future, not_future).",
    "def_pattern": "Trường «{name}»: biểu thức kiểm tra (pattern) không hợp lệ hoặc không dùng "
    "được cho kiểu này.",
    "def_pattern_message": "Trường «{name}»: có thông báo lỗi định dạng nhưng không có pattern.",
    "def_link": "Trường «{name}»: chỉ trường kiểu «id_number» mới được liên kết với ngày sinh "
    "hoặc giới tính.",
    "def_default": "Trường «{name}»: giá trị mặc định (default) «{value}» không hợp lệ "
    "cho trường này.",
    "def_card": "Trường «{name}»: «card» phải là một trong: {allowed}.",
}

# Without an explicit max_length a field still has a ceiling, so a stuck key
# or a pasted document cannot fill the database or the portal payload.
DEFAULT_MAX_LENGTH: dict[str, int] = {"multiline": 2000}
_FALLBACK_MAX_LENGTH = 300
MAX_MAX_LENGTH = 10_000

_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_DIGITS = re.compile(r"[0-9]+")
_SPACES = re.compile(r"[ \t\u00a0]+")
_LINE_BREAKS = re.compile(r"\r\n?")
_T = TypeVar("_T")
_MAX_NUMBER_DIGITS = 15


@dataclass(frozen=True)
class FormField:
    """One input of a procedure's form; ``name`` is the key sent in DuLieuBieuMau."""

    name: str
    label: str
    type: FieldType = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    date_rule: DateRule | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    help: str = ""
    # For an id_number field: the date/choice fields of the same person, so that
    # an ID that disagrees with its owner's birth year or gender is flagged.
    birth_date_field: str | None = None
    gender_field: str | None = None
    # The form step shows one group (e.g. "Mẹ") per page.
    group: str = ""
    # Prefilled on an empty draft ("Việt Nam", "1").
    default: str = ""
    # Filled from that person's scanned CCCD: which of the card's values ("full_name", …).
    card: str = ""
    # Filled, while empty, from other fields (kiosk.domain.derive): a name starts with the
    # family name of the first source given (the child's from the father's, else the
    # mother's); any other field takes the value all its given sources share.
    derive_from: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for check in (_check_identity, _check_choices, _check_limits, _check_rules, _check_extras):
            check(self)

    @property
    def length_limit(self) -> int:
        """The longest accepted value, explicit or the type's default ceiling."""
        if self.max_length is not None:
            return self.max_length
        return DEFAULT_MAX_LENGTH.get(self.type, _FALLBACK_MAX_LENGTH)


def _definition_error(code: str, spec: FormField, **params: object) -> DataError:
    return error_from_table(DataError, MESSAGES, code, field=spec.name, name=spec.name, **params)


def _check_identity(spec: FormField) -> None:
    if not _FIELD_NAME.fullmatch(spec.name):
        raise _definition_error("def_name", spec)
    if not spec.label.strip():
        raise _definition_error("def_label", spec)
    if spec.type not in FIELD_TYPES:
        allowed = ", ".join(sorted(FIELD_TYPES))
        raise _definition_error("def_type", spec, type=spec.type, allowed=allowed)


def _check_choices(spec: FormField) -> None:
    if spec.type != "choice":
        if spec.choices:
            raise _definition_error("def_choices_unused", spec)
        return
    cleaned = [c.strip() for c in spec.choices]
    if not cleaned or not all(cleaned) or len(set(cleaned)) != len(cleaned):
        raise _definition_error("def_choices", spec)


def _check_limits(spec: FormField) -> None:
    if spec.max_length is not None and not 1 <= spec.max_length <= MAX_MAX_LENGTH:
        raise _definition_error("def_max_length", spec, limit=MAX_MAX_LENGTH)
    has_range = spec.min_value is not None or spec.max_value is not None
    if has_range and spec.type not in ("number", "year"):
        raise _definition_error("def_range", spec)
    low, high = spec.min_value, spec.max_value
    if low is not None and high is not None and low > high:
        raise _definition_error("def_range", spec)


def _check_rules(spec: FormField) -> None:
    if spec.date_rule is not None and (spec.type != "date" or spec.date_rule not in DATE_RULES):
        raise _definition_error("def_date_rule", spec, rule=spec.date_rule)
    if spec.pattern is not None:
        if spec.type not in PATTERN_TYPES:
            raise _definition_error("def_pattern", spec)
        try:
            re.compile(spec.pattern)
        except (re.error, RecursionError, OverflowError):
            raise _definition_error("def_pattern", spec) from None
    elif spec.pattern_message is not None:
        raise _definition_error("def_pattern_message", spec)
    has_link = spec.birth_date_field is not None or spec.gender_field is not None
    if has_link and spec.type != "id_number":
        raise _definition_error("def_link", spec)


def _check_extras(spec: FormField) -> None:
    if spec.card and spec.card not in CARD_VALUES:
        raise _definition_error("def_card", spec, allowed=", ".join(sorted(CARD_VALUES)))
    if spec.default:
        try:
            _clean_field(spec, spec.default, date.max, {})
        except _Invalid:
            raise _definition_error("def_default", spec, value=spec.default[:40]) from None


def with_defaults(fields: Sequence[FormField], values: Mapping[str, str]) -> dict[str, str]:
    """``values`` with each field that has no value yet given its default."""
    out = dict(values)
    for spec in fields:
        if spec.default and spec.name not in out:
            out[spec.name] = spec.default
    return out


def form_field_to_dict(spec: FormField) -> dict[str, object]:
    """The catalogue JSON of one field; optional keys left at their default are omitted."""
    out: dict[str, object] = {"name": spec.name, "label": spec.label, "type": spec.type}
    if not spec.required:
        out["required"] = False
    optional: list[tuple[str, object]] = [
        ("choices", list(spec.choices) if spec.choices else None),
        ("max_length", spec.max_length),
        ("min", spec.min_value),
        ("max", spec.max_value),
        ("date_rule", spec.date_rule),
        ("pattern", spec.pattern),
        ("pattern_message", spec.pattern_message),
        ("help", spec.help or None),
        ("birth_date_field", spec.birth_date_field),
        ("gender_field", spec.gender_field),
        ("group", spec.group or None),
        ("default", spec.default or None),
        ("card", spec.card or None),
        ("derive_from", list(spec.derive_from) if spec.derive_from else None),
    ]
    out.update((key, value) for key, value in optional if value is not None)
    return out


# --- checking what a resident typed -------------------------------------------------


class _Invalid(Exception):
    """Carries one field's ValidationError out of the per-type cleaners."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error.message)
        self.error = error


def _invalid(code: str, spec: FormField, **params: object) -> _Invalid:
    error = error_from_table(
        ValidationError, MESSAGES, code, field=spec.name, label=spec.label, **params
    )
    return _Invalid(error)


def validate_form(
    fields: Sequence[FormField], values: Mapping[str, str], today: date
) -> tuple[dict[str, object], Problems]:
    """Check every field; return the cleaned values and all problems at once.

    Cleaned values are ready for the portal's DuLieuBieuMau: dates as ISO
    ``yyyy-mm-dd``, phone numbers normalised, numbers as ``int``, choices in
    their catalogue spelling.  An optional field left empty is omitted.
    """
    cleaned: dict[str, object] = {}
    errors: list[ValidationError] = []
    advisories: list[Advisory] = []
    # ID numbers last: they are cross-checked against the cleaned birth date and gender.
    ordered = sorted(fields, key=lambda spec: spec.type == "id_number")
    for spec in ordered:
        try:
            value, found = _clean_field(spec, values.get(spec.name, ""), today, cleaned)
        except _Invalid as invalid:
            errors.append(invalid.error)
            continue
        advisories.extend(found)
        if value is not None:
            cleaned[spec.name] = value
    advisories.extend(_unknown_values(fields, values))
    ordered_clean = {spec.name: cleaned[spec.name] for spec in fields if spec.name in cleaned}
    return ordered_clean, Problems(tuple(_in_form_order(errors, fields)), tuple(advisories))


def _in_form_order(
    errors: list[ValidationError], fields: Sequence[FormField]
) -> list[ValidationError]:
    position = {spec.name: index for index, spec in enumerate(fields)}
    return sorted(errors, key=lambda error: position.get(error.field or "", len(position)))


def _unknown_values(fields: Sequence[FormField], values: Mapping[str, str]) -> list[Advisory]:
    # A typo in a submitted JSON key would otherwise lose the value silently.
    known = {spec.name for spec in fields}
    shown = [str(name)[:64] for name in values if name not in known]
    return [
        Advisory("unknown_value", MESSAGES["unknown_value"].format(name=name), name)
        for name in shown
    ]


def _clean_field(
    spec: FormField, raw: object, today: date, earlier: Mapping[str, object]
) -> tuple[object | None, tuple[Advisory, ...]]:
    text = _clean_text(spec, raw)
    if not text:
        if spec.required:
            raise _invalid("required_choice" if spec.type == "choice" else "required", spec)
        return None, ()
    if spec.type == "id_number":
        return _clean_id_number(spec, text, earlier)
    return _CLEANERS[spec.type](spec, text, today), ()


def _clean_text(spec: FormField, raw: object) -> str:
    """NFC text with tidy whitespace, refused if too long or holding control characters."""
    # The mapping may come from a submitted JSON file: a bare number is fair, other
    # types are not text anyone typed.
    if raw is None:
        raw = ""
    elif isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise _invalid("bad_characters", spec)
    text = raw
    # Checked before normalising so that a huge paste costs nothing more.
    if len(text) > 4 * spec.length_limit + 16:
        raise _invalid("too_long", spec, limit=spec.length_limit, count=len(text))
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", text))
    if spec.type == "multiline":
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(lines).strip("\n")
    else:
        text = _SPACES.sub(" ", text).strip()
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") and c != "\n" for c in text):
        raise _invalid("bad_characters", spec)
    if "\n" in text and spec.type != "multiline":
        raise _invalid("bad_characters", spec)
    if len(text) > spec.length_limit:
        raise _invalid("too_long", spec, limit=spec.length_limit, count=len(text))
    return text


def _clean_free_text(spec: FormField, text: str, today: date) -> object:
    if spec.pattern is not None and not re.fullmatch(spec.pattern, text):
        if spec.pattern_message:
            raise _Invalid(ValidationError("pattern", spec.pattern_message, field=spec.name))
        raise _invalid("pattern", spec)
    return text


def _clean_name(spec: FormField, text: str, today: date) -> object:
    if spec.pattern is not None:
        return _clean_free_text(spec, capitalise_name(text), today)
    if not re.fullmatch(NAME_PATTERN, text):
        raise _invalid("not_name", spec)
    return capitalise_name(text)


def _clean_year(spec: FormField, text: str, today: date) -> object:
    compact = unicodedata.normalize("NFKC", text).replace(" ", "")
    if not (compact.isascii() and compact.isdigit() and len(compact) == YEAR_DIGITS):
        raise _invalid("not_year", spec)
    low = spec.min_value if spec.min_value is not None else EARLIEST_YEAR
    high = spec.max_value if spec.max_value is not None else today.year
    if not low <= int(compact) <= high:
        raise _invalid("year_range", spec, low=low, high=high)
    return compact


def _clean_ethnicity(spec: FormField, text: str, today: date) -> object:
    found = canonical(ethnicities(), text)
    if found is None:
        raise _invalid("unknown_ethnicity", spec)
    return found


def _clean_nationality(spec: FormField, text: str, today: date) -> object:
    # Any country may be typed after «Khác»; a listed one gets the list's spelling.
    return canonical(nationalities(), text) or text


def _clean_choice(spec: FormField, text: str, today: date) -> object:
    if text in spec.choices:
        return text
    # Typed rather than tapped (e.g. a submitted JSON file): accept "nu" for "Nữ"
    # when exactly one choice folds to the same key.
    matches = [choice for choice in spec.choices if fold(choice) == fold(text)]
    if len(matches) == 1 and fold(text):
        return matches[0]
    raise _invalid("unknown_choice", spec, choices=", ".join(spec.choices))


def _clean_number(spec: FormField, text: str, today: date) -> object:
    compact = unicodedata.normalize("NFKC", text).replace(" ", "")
    if not _DIGITS.fullmatch(compact):
        raise _invalid("not_number", spec)
    # Python refuses to convert very long digit strings, and no form counts that high.
    if len(compact) > _MAX_NUMBER_DIGITS:
        raise _invalid("number_too_big", spec)
    number = int(compact)
    if spec.min_value is not None and number < spec.min_value:
        raise _invalid("below_min", spec, low=spec.min_value)
    if spec.max_value is not None and number > spec.max_value:
        raise _invalid("above_max", spec, high=spec.max_value)
    return number


def _clean_date(spec: FormField, text: str, today: date) -> object:
    day = _own_field(spec, lambda: parse_date(text, field=spec.name))
    if spec.date_rule == "past" and day >= today:
        raise _invalid("date_not_past", spec)
    if spec.date_rule == "future" and day <= today:
        raise _invalid("date_not_future", spec)
    if spec.date_rule == "not_future" and day > today:
        raise _invalid("date_in_future", spec)
    return day.isoformat()


def _clean_phone(spec: FormField, text: str, today: date) -> object:
    return _own_field(spec, lambda: normalise_phone(text, field=spec.name))


def _clean_email(spec: FormField, text: str, today: date) -> object:
    return _own_field(spec, lambda: normalise_email(text, field=spec.name))


def _clean_id_number(
    spec: FormField, text: str, earlier: Mapping[str, object]
) -> tuple[object, tuple[Advisory, ...]]:
    birth = earlier.get(spec.birth_date_field or "")
    gender = earlier.get(spec.gender_field or "")
    personal = _own_field(
        spec,
        lambda: check_personal_id(
            text,
            birth_date=date.fromisoformat(birth) if isinstance(birth, str) else None,
            # Only the two card genders can be compared; other answers are not a mismatch.
            gender=gender if gender in (MALE, FEMALE) else None,
        ),
    )
    # The sibling module names its own field; here it must be this form field.
    advisories = tuple(Advisory(a.code, a.message, spec.name) for a in personal.advisories)
    return personal.number, advisories


def _own_field(spec: FormField, check: Callable[[], _T]) -> _T:
    """Run a sibling validator and report its error under this form field's name."""
    try:
        return check()
    except ValidationError as error:
        raise _Invalid(ValidationError(error.code, error.message, field=spec.name)) from None


_CLEANERS = {
    "text": _clean_free_text,
    "multiline": _clean_free_text,
    "choice": _clean_choice,
    "number": _clean_number,
    "date": _clean_date,
    "phone": _clean_phone,
    "email": _clean_email,
    "name": _clean_name,
    "year": _clean_year,
    "ethnicity": _clean_ethnicity,
    "nationality": _clean_nationality,
    "place": _clean_free_text,  # a card's old three-tier address stays as printed
}
