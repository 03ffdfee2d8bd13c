"""Fee rules: free, fixed, council-set (site config) and the certified-copy page rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.domain.catalogue_json import load_catalogue
from kiosk.domain.errors import DataError, ValidationError
from kiosk.domain.fees import (
    Fee,
    FeeLine,
    certified_copy_fee,
    compute_fees,
    describe_fee,
    fee_to_dict,
    format_vnd,
    total,
)

CATALOGUE = Path(__file__).resolve().parents[2] / "resources" / "catalogue" / "procedures.json"


@dataclass(frozen=True)
class _Fees:
    fees: tuple[Fee, ...]


COPY = _Fees((Fee("Phí chứng thực", "certified_copy"),))
COUNCIL = _Fees((Fee("Lệ phí xác nhận", "council", config_key="xac_nhan_tinh_trang_hon_nhan"),))


@pytest.mark.parametrize(
    ("pages", "expected"),
    [(1, 2_000), (2, 4_000), (3, 5_000), (10, 12_000), (197, 199_000), (198, 200_000)],
)
def test_certified_copy_charges_2000_for_pages_1_2_and_1000_from_page_3(
    pages: int, expected: int
) -> None:
    assert certified_copy_fee(pages) == expected
    assert total(compute_fees(COPY, pages=pages, overrides={})) == expected


@pytest.mark.parametrize("pages", [199, 500, 100_000])
def test_certified_copy_is_capped_at_200000_per_copy(pages: int) -> None:
    assert certified_copy_fee(pages) == 200_000


def test_several_copies_multiply_the_per_copy_charge_and_each_is_capped() -> None:
    assert total(compute_fees(COPY, pages=3, copies=4, overrides={})) == 4 * 5_000
    assert total(compute_fees(COPY, pages=1_000, copies=3, overrides={})) == 3 * 200_000


def test_certified_copy_without_a_page_count_asks_for_it() -> None:
    with pytest.raises(ValidationError) as caught:
        compute_fees(COPY, pages=0, overrides={})
    assert caught.value.code == "pages_missing"
    assert "số trang" in caught.value.message


@pytest.mark.parametrize(("pages", "copies"), [(-1, 1), (3, 0), (3, -2), (3, 10_000)])
def test_impossible_quantities_are_refused(pages: int, copies: int) -> None:
    with pytest.raises(ValidationError):
        compute_fees(COPY, pages=pages, copies=copies, overrides={})


def test_council_fee_comes_from_the_site_overrides() -> None:
    lines = compute_fees(COUNCIL, overrides={"xac_nhan_tinh_trang_hon_nhan": 15_000})
    assert lines == [FeeLine("Lệ phí xác nhận", 15_000)]


def test_council_fee_without_an_override_is_a_typed_error_naming_the_key() -> None:
    with pytest.raises(DataError) as caught:
        compute_fees(COUNCIL, overrides={"some_other_key": 1})
    assert caught.value.code == "council_missing"
    assert caught.value.field == "xac_nhan_tinh_trang_hon_nhan"
    assert "Hội đồng nhân dân" in caught.value.message


@pytest.mark.parametrize("amount", [-1, True, 2.5, "15000", 10**12])
def test_council_override_that_is_not_a_sane_amount_is_refused(amount: object) -> None:
    with pytest.raises(DataError) as caught:
        compute_fees(COUNCIL, overrides={"xac_nhan_tinh_trang_hon_nhan": amount})  # type: ignore[dict-item]
    assert caught.value.code == "council_invalid"


def test_fixed_per_copy_fee_multiplies_by_copies() -> None:
    excerpt = _Fees((Fee("Phí trích lục", "fixed", amount=8_000, per_copy=True),))
    assert total(compute_fees(excerpt, copies=3, overrides={})) == 24_000


def test_fixed_per_dossier_fee_ignores_copies() -> None:
    once = _Fees((Fee("Lệ phí", "fixed", amount=50_000),))
    assert total(compute_fees(once, copies=3, overrides={})) == 50_000


def test_free_fee_is_zero_and_keeps_its_condition_note() -> None:
    note = "Miễn lệ phí khi đăng ký đúng hạn (trong 60 ngày kể từ ngày sinh)."
    lines = compute_fees(_Fees((Fee("Lệ phí khai sinh", "free", note=note),)), overrides={})
    assert lines == [FeeLine("Lệ phí khai sinh", 0, note)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "fixed"},  # a fixed fee needs an amount
        {"kind": "fixed", "amount": -5},
        {"kind": "free", "amount": 2_000},
        {"kind": "council"},  # needs a config key
        {"kind": "council", "config_key": "Có dấu"},
        {"kind": "free", "config_key": "abc"},
        {"kind": "certified_copy", "per_copy": True},
        {"kind": "donation"},
    ],
)
def test_inconsistent_fee_definitions_are_data_errors(kwargs: dict[str, object]) -> None:
    with pytest.raises(DataError) as caught:
        Fee("Lệ phí", **kwargs)  # type: ignore[arg-type]
    assert caught.value.message.startswith("Khoản phí «Lệ phí»")


def test_shipped_catalogue_fees_compute_with_the_documented_amounts() -> None:
    catalogue = load_catalogue(CATALOGUE)
    overrides = {
        "xac_nhan_tinh_trang_hon_nhan": 10_000,
        "nhan_cha_me_con": 20_000,
        "thay_doi_cai_chinh_bo_sung_ho_tich": 30_000,
    }
    assert total(compute_fees(catalogue.get("1.001193"), overrides={})) == 0
    assert total(compute_fees(catalogue.get("2.000635"), copies=2, overrides={})) == 16_000
    assert total(compute_fees(catalogue.get("2.000815"), pages=4, overrides={})) == 6_000
    assert total(compute_fees(catalogue.get("1.003559"), overrides=overrides)) == 10_000
    for procedure in catalogue:
        compute_fees(procedure, pages=1, overrides=overrides)  # every rule is computable


def test_shipped_council_fees_fail_loudly_without_site_config() -> None:
    catalogue = load_catalogue(CATALOGUE)
    for code in ("1.004873", "1.001022", "1.004859"):
        with pytest.raises(DataError):
            compute_fees(catalogue.get(code), overrides={})


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "Miễn phí"),
        (500, "500 đ"),
        (2_000, "2.000 đ"),
        (200_000, "200.000 đ"),
        (1_234_567, "1.234.567 đ"),
    ],
)
def test_format_vnd_groups_thousands_with_dots(amount: int, text: str) -> None:
    assert format_vnd(amount) == text


def test_fee_to_dict_omits_defaults() -> None:
    fee = Fee("Phí trích lục", "fixed", amount=8_000, per_copy=True)
    assert fee_to_dict(fee) == {
        "name": "Phí trích lục",
        "kind": "fixed",
        "amount": 8_000,
        "per_copy": True,
    }


def test_describe_fee_summarises_each_kind_for_a_card() -> None:
    assert describe_fee(Fee("Lệ phí", "free", note="Nếu đúng hạn")) == "Miễn phí"
    assert describe_fee(Fee("Phí", "fixed", amount=8_000, per_copy=True)) == "8.000 đ/bản"
    assert describe_fee(COPY.fees[0]) == (
        "2.000 đ/trang (trang 1–2), 1.000 đ/trang từ trang 3, tối đa 200.000 đ/bản"
    )
    council = COUNCIL.fees[0]
    assert describe_fee(council) == "Theo mức do Hội đồng nhân dân tỉnh quy định"
    assert describe_fee(council, {"xac_nhan_tinh_trang_hon_nhan": 15_000}) == "15.000 đ"
