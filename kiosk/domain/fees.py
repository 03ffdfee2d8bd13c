"""Fees and charges (phí, lệ phí) of a procedure, and what a given request costs.

Four kinds of rule exist at a commune office:

* ``free`` — no charge (often only under a condition, kept in ``note``: a
  birth registered within 60 days is free, a late one is not);
* ``fixed`` — a national amount in VND, per dossier or per copy;
* ``council`` — an amount the provincial People's Council sets, so it is site
  configuration looked up by ``config_key``, never a number in this code;
* ``certified_copy`` — the page-based charge for certifying copies.

All amounts are whole VND, as on the portal's wire.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from kiosk.domain.errors import DataError, ValidationError, error_from_table

FeeKind = Literal["free", "fixed", "council", "certified_copy"]
FEE_KINDS: frozenset[str] = frozenset(("free", "fixed", "council", "certified_copy"))

# Circular 226/2016/TT-BTC: 2,000 VND per page for the first two pages of the
# original, 1,000 VND per page from the third, at most 200,000 VND per copy.
COPY_FEE_FIRST_PAGES = 2_000
COPY_FEE_FIRST_PAGE_COUNT = 2
COPY_FEE_LATER_PAGES = 1_000
COPY_FEE_CAP_PER_COPY = 200_000

# No commune fee comes near this; it keeps a typo (an extra zero or three)
# in an edited catalogue or site config from reaching a payment QR code.
MAX_FEE_AMOUNT = 100_000_000
MAX_PAGES = 100_000
MAX_COPIES = 1_000

MESSAGES: dict[str, str] = {
    # What a resident sees.
    "pages_missing": "Xin nhập số trang của giấy tờ cần chứng thực (từ 1 trang trở lên).",
    "pages_invalid": "Số trang phải từ 0 đến {limit}.",
    "copies_invalid": "Số bản phải từ 1 đến {limit}.",
    # What an official sees: the site configuration or the catalogue is incomplete.
    "council_missing": (
        "Chưa cấu hình mức thu «{name}» (mã cấu hình «{key}»). Mức này do Hội đồng nhân dân "
        "tỉnh quy định; xin cán bộ bổ sung vào cấu hình của điểm giao dịch."
    ),
    "council_invalid": (
        "Mức thu cấu hình cho «{key}» không hợp lệ: phải là số nguyên từ 0 đến {limit} đồng."
    ),
    "def_name": "Khoản phí thiếu tên (name).",
    "def_kind": "Khoản phí «{name}» có loại «{kind}» không được hỗ trợ. Được phép: {allowed}.",
    "def_amount": (
        "Khoản phí «{name}»: số tiền chỉ dùng cho loại «fixed» và phải từ 1 đến {limit} đồng."
    ),
    "def_config_key": (
        "Khoản phí «{name}»: loại «council» phải có mã cấu hình (config_key) gồm chữ thường "
        "không dấu, chữ số và dấu gạch dưới; các loại khác không được có mã cấu hình."
    ),
    "def_per_copy": "Khoản phí «{name}»: chỉ loại «fixed» hoặc «council» mới tính theo bản.",
}

# Short rule summaries for procedure cards.
DESCRIPTIONS: dict[str, str] = {
    "certified_copy": "{first}/trang (trang 1–2), {later}/trang từ trang 3, tối đa {cap}/bản",
    "council": "Theo mức do Hội đồng nhân dân tỉnh quy định",
    "per_copy": "{amount}/bản",
}

_CONFIG_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class Fee:
    """One charge rule of a procedure, as the catalogue describes it."""

    name: str
    kind: FeeKind
    amount: int = 0
    config_key: str | None = None
    per_copy: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise error_from_table(DataError, MESSAGES, "def_name")
        if self.kind not in FEE_KINDS:
            allowed = ", ".join(sorted(FEE_KINDS))
            raise self._error("def_kind", kind=self.kind, allowed=allowed)
        fixed = self.kind == "fixed"
        if not (1 <= self.amount <= MAX_FEE_AMOUNT if fixed else self.amount == 0):
            raise self._error("def_amount", limit=MAX_FEE_AMOUNT)
        if self.kind == "council":
            key_ok = self.config_key is not None and bool(_CONFIG_KEY.fullmatch(self.config_key))
        else:
            key_ok = self.config_key is None
        if not key_ok:
            raise self._error("def_config_key")
        if self.per_copy and self.kind not in ("fixed", "council"):
            raise self._error("def_per_copy")

    def _error(self, code: str, **params: object) -> DataError:
        return error_from_table(DataError, MESSAGES, code, field=None, name=self.name, **params)


@dataclass(frozen=True)
class FeeLine:
    """One charge of one request: maps to an entry of the portal's DanhSachLePhi."""

    name: str
    amount: int
    note: str = ""


class HasFees(Protocol):
    """Anything carrying fee rules (a catalogue ``Procedure``), without importing it."""

    @property
    def fees(self) -> tuple[Fee, ...]: ...


def compute_fees(
    procedure: HasFees, *, pages: int = 0, copies: int = 1, overrides: Mapping[str, int]
) -> list[FeeLine]:
    """What this request costs, one line per fee rule of the procedure.

    ``pages`` is the page count of the original to certify (only the
    certified-copy rule uses it), ``copies`` the number of copies asked for,
    ``overrides`` the site's amounts for council-set fees by ``config_key``.
    """
    _check_quantities(pages, copies)
    return [_fee_line(fee, pages, copies, overrides) for fee in procedure.fees]


def total(lines: Sequence[FeeLine]) -> int:
    """The sum to pay, in VND."""
    return sum(line.amount for line in lines)


def _check_quantities(pages: int, copies: int) -> None:
    if not 0 <= pages <= MAX_PAGES:
        raise error_from_table(ValidationError, MESSAGES, "pages_invalid", limit=MAX_PAGES)
    if not 1 <= copies <= MAX_COPIES:
        raise error_from_table(ValidationError, MESSAGES, "copies_invalid", limit=MAX_COPIES)


def _fee_line(fee: Fee, pages: int, copies: int, overrides: Mapping[str, int]) -> FeeLine:
    if fee.kind == "free":
        amount = 0
    elif fee.kind == "certified_copy":
        amount = certified_copy_fee(pages) * copies
    else:
        unit = fee.amount if fee.kind == "fixed" else council_amount(fee, overrides)
        amount = unit * copies if fee.per_copy else unit
    return FeeLine(fee.name, amount, fee.note)


def certified_copy_fee(pages: int) -> int:
    """The charge for one certified copy of an original of ``pages`` pages."""
    if pages < 1:
        raise error_from_table(ValidationError, MESSAGES, "pages_missing")
    first = min(pages, COPY_FEE_FIRST_PAGE_COUNT) * COPY_FEE_FIRST_PAGES
    later = max(pages - COPY_FEE_FIRST_PAGE_COUNT, 0) * COPY_FEE_LATER_PAGES
    return min(first + later, COPY_FEE_CAP_PER_COPY)


def council_amount(fee: Fee, overrides: Mapping[str, int]) -> int:
    """The site-configured amount of a council-set fee; missing or odd config is a DataError."""
    key = fee.config_key or ""
    if key not in overrides:
        raise error_from_table(
            DataError, MESSAGES, "council_missing", field=key, name=fee.name, key=key
        )
    amount = overrides[key]
    # bool is an int in Python; a "true" in the config file is not an amount.
    if isinstance(amount, bool) or not isinstance(amount, int):
        amount = -1
    if not 0 <= amount <= MAX_FEE_AMOUNT:
        raise error_from_table(
            DataError, MESSAGES, "council_invalid", field=key, key=key, limit=MAX_FEE_AMOUNT
        )
    return amount


def format_vnd(amount: int) -> str:
    """Vietnamese money text: ``2000`` → "2.000 đ", ``0`` → "Miễn phí"."""
    if amount == 0:
        return "Miễn phí"
    sign = "-" if amount < 0 else ""
    # Vietnamese groups thousands with dots.
    return f"{sign}{abs(amount):,} đ".replace(",", ".")


def describe_fee(fee: Fee, overrides: Mapping[str, int] | None = None) -> str:
    """The rule in one short line for a procedure card, e.g. "8.000 đ/bản".

    A council-set fee shows its configured amount when ``overrides`` has it,
    and says who sets it otherwise; conditions stay in ``fee.note``.
    """
    if fee.kind == "certified_copy":
        return DESCRIPTIONS["certified_copy"].format(
            first=format_vnd(COPY_FEE_FIRST_PAGES),
            later=format_vnd(COPY_FEE_LATER_PAGES),
            cap=format_vnd(COPY_FEE_CAP_PER_COPY),
        )
    if fee.kind == "council" and (overrides is None or fee.config_key not in overrides):
        return DESCRIPTIONS["council"]
    amount = 0 if fee.kind == "free" else fee.amount
    if fee.kind == "council":
        amount = council_amount(fee, overrides or {})
    if amount and fee.per_copy:
        return DESCRIPTIONS["per_copy"].format(amount=format_vnd(amount))
    return format_vnd(amount)


def fee_to_dict(fee: Fee) -> dict[str, object]:
    """The catalogue JSON of one fee; optional keys left at their default are omitted."""
    out: dict[str, object] = {"name": fee.name, "kind": fee.kind}
    if fee.amount:
        out["amount"] = fee.amount
    if fee.config_key is not None:
        out["config_key"] = fee.config_key
    if fee.per_copy:
        out["per_copy"] = True
    if fee.note:
        out["note"] = fee.note
    return out
