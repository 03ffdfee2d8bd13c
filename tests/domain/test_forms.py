"""Form definitions and checking a whole form at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.domain.catalogue_json import load_catalogue
from kiosk.domain.errors import DataError
from kiosk.domain.forms import FormField, form_field_to_dict, validate_form

TODAY = date(2026, 11, 24)
CATALOGUE = Path(__file__).resolve().parents[2] / "resources" / "catalogue" / "procedures.json"

FORM = (
    FormField("ho_ten", "Họ và tên", max_length=20),
    FormField("ngay_sinh", "Ngày sinh", "date", date_rule="not_future"),
    FormField("gioi_tinh", "Giới tính", "choice", choices=("Nam", "Nữ")),
    FormField(
        "so_dinh_danh",
        "Số định danh",
        "id_number",
        required=False,
        birth_date_field="ngay_sinh",
        gender_field="gioi_tinh",
    ),
    FormField("dien_thoai", "Số điện thoại", "phone", required=False),
    FormField("thu_dien_tu", "Thư điện tử", "email", required=False),
    FormField("so_ban", "Số bản", "number", required=False, min_value=1, max_value=10),
    FormField("ghi_chu", "Ghi chú", "multiline", required=False, max_length=50),
)

GOOD = {
    "ho_ten": "  Nguyễn   Văn Ất ",
    "ngay_sinh": "05/09/1990",
    "gioi_tinh": "Nam",
    "so_dinh_danh": "030 090 012 345",
    "dien_thoai": "+84 912.345.678",
    "thu_dien_tu": "an@example.vn",
    "so_ban": "2",
    "ghi_chu": "dòng một\r\ndòng hai",
}


def errors_by_field(values: dict[str, str], fields: tuple[FormField, ...] = FORM) -> dict[str, str]:
    _, problems = validate_form(fields, values, TODAY)
    return {error.field or "": error.code for error in problems.errors}


def test_good_values_come_back_cleaned_for_the_portal() -> None:
    cleaned, problems = validate_form(FORM, GOOD, TODAY)
    assert problems.ok, problems.errors
    assert cleaned == {
        "ho_ten": "Nguyễn Văn Ất",
        "ngay_sinh": "1990-09-05",
        "gioi_tinh": "Nam",
        "so_dinh_danh": "030090012345",
        "dien_thoai": "0912345678",
        "thu_dien_tu": "an@example.vn",
        "so_ban": 2,
        "ghi_chu": "dòng một\ndòng hai",
    }
    assert problems.advisories == ()


def test_every_problem_is_reported_at_once_in_form_order() -> None:
    bad = {
        "ho_ten": "",
        "ngay_sinh": "31/02/2020",
        "gioi_tinh": "Khác",
        "dien_thoai": "0123",
        "thu_dien_tu": "không phải thư",
        "so_ban": "hai",
    }
    _, problems = validate_form(FORM, bad, TODAY)
    assert [e.field for e in problems.errors] == [
        "ho_ten",
        "ngay_sinh",
        "gioi_tinh",
        "dien_thoai",
        "thu_dien_tu",
        "so_ban",
    ]
    assert not problems.ok
    for error in problems.errors:
        assert error.message.strip()


def test_missing_required_fields_name_their_label() -> None:
    _, problems = validate_form(FORM, {}, TODAY)
    messages = {e.field: e.message for e in problems.errors}
    assert set(messages) == {"ho_ten", "ngay_sinh", "gioi_tinh"}
    assert messages["ho_ten"] == "Xin nhập «Họ và tên»."
    assert messages["gioi_tinh"] == "Xin chọn «Giới tính»."


def test_impossible_date_31_february_is_refused_by_the_date_parser() -> None:
    codes = errors_by_field({**GOOD, "ngay_sinh": "31/02/2020"})
    assert codes == {"ngay_sinh": "date_impossible"}


def test_future_birth_date_breaks_the_not_future_rule() -> None:
    assert errors_by_field({**GOOD, "ngay_sinh": "25/11/2026"}) == {"ngay_sinh": "date_in_future"}
    assert errors_by_field({**GOOD, "ngay_sinh": "24/11/2026"}) == {}


@pytest.mark.parametrize(
    ("rule", "value", "broken"),
    [
        ("past", "24/11/2026", "date_not_past"),
        ("past", "23/11/2026", None),
        ("future", "24/11/2026", "date_not_future"),
        ("future", "25/11/2026", None),
    ],
)
def test_date_rules_compare_with_today(rule: str, value: str, broken: str | None) -> None:
    fields = (FormField("ngay", "Ngày", "date", date_rule=rule),)  # type: ignore[arg-type]
    codes = errors_by_field({"ngay": value}, fields)
    assert codes == ({"ngay": broken} if broken else {})


def test_bad_phone_is_reported_on_its_own_field() -> None:
    codes = errors_by_field({**GOOD, "dien_thoai": "0123"})
    assert list(codes) == ["dien_thoai"]


def test_unknown_choice_lists_the_allowed_answers() -> None:
    _, problems = validate_form(FORM, {**GOOD, "gioi_tinh": "Khác"}, TODAY)
    assert problems.errors[0].message == "«Giới tính» phải là một trong các lựa chọn: Nam, Nữ."


def test_choice_typed_without_diacritics_is_accepted_in_catalogue_spelling() -> None:
    cleaned, problems = validate_form(FORM, {**GOOD, "gioi_tinh": "nu", "so_dinh_danh": ""}, TODAY)
    assert problems.ok
    assert cleaned["gioi_tinh"] == "Nữ"


def test_too_long_text_is_refused_with_its_limit() -> None:
    _, problems = validate_form(FORM, {**GOOD, "ho_ten": "Nguyễn Văn Ất Bính Canh Đinh"}, TODAY)
    (error,) = problems.errors
    assert error.code == "too_long"
    assert "20 ký tự" in error.message


def test_huge_paste_is_refused_without_normalising_it() -> None:
    codes = errors_by_field({**GOOD, "ghi_chu": "a" * 1_000_000})
    assert codes == {"ghi_chu": "too_long"}


def test_text_without_max_length_still_has_a_ceiling() -> None:
    fields = (FormField("noi_sinh", "Nơi sinh"),)
    assert errors_by_field({"noi_sinh": "x" * 301}, fields) == {"noi_sinh": "too_long"}
    assert errors_by_field({"noi_sinh": "x" * 300}, fields) == {}


@pytest.mark.parametrize("value", ["Nguyễn\x00Văn", "Nguyễn\nVăn", "a\u202eb"])
def test_control_characters_and_line_breaks_in_one_line_text_are_refused(value: str) -> None:
    assert errors_by_field({**GOOD, "ho_ten": value}) == {"ho_ten": "bad_characters"}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0", "below_min"),
        ("11", "above_max"),
        ("1,5", "not_number"),
        ("-1", "not_number"),
        ("9" * 200, "number_too_big"),
    ],
)
def test_number_bounds_and_shape(value: str, code: str) -> None:
    assert errors_by_field({**GOOD, "so_ban": value}) == {"so_ban": code}


def test_full_width_digits_count_as_a_number() -> None:
    cleaned, problems = validate_form(FORM, {**GOOD, "so_ban": "１０"}, TODAY)
    assert problems.ok and cleaned["so_ban"] == 10


def test_id_that_disagrees_with_birth_year_is_an_advisory_not_an_error() -> None:
    cleaned, problems = validate_form(FORM, {**GOOD, "ngay_sinh": "05/09/1991"}, TODAY)
    assert problems.ok
    assert cleaned["so_dinh_danh"] == "030090012345"
    assert [a.field for a in problems.advisories] == ["so_dinh_danh"]
    assert problems.advisories[0].code == "id_birth_year_mismatch"


def test_id_that_disagrees_with_gender_is_an_advisory() -> None:
    _, problems = validate_form(FORM, {**GOOD, "gioi_tinh": "Nữ"}, TODAY)
    assert problems.ok
    assert [a.code for a in problems.advisories] == ["id_gender_mismatch"]


def test_malformed_id_number_is_an_error_on_the_form_field() -> None:
    assert errors_by_field({**GOOD, "so_dinh_danh": "12345"}) == {"so_dinh_danh": "id_length"}


def test_empty_optional_fields_are_left_out() -> None:
    values = {"ho_ten": "Lê Thị Bé", "ngay_sinh": "1/1/2000", "gioi_tinh": "Nữ", "so_ban": " "}
    cleaned, problems = validate_form(FORM, values, TODAY)
    assert problems.ok
    assert set(cleaned) == {"ho_ten", "ngay_sinh", "gioi_tinh"}


def test_value_for_a_field_the_form_lacks_is_flagged_not_kept() -> None:
    cleaned, problems = validate_form(FORM, {**GOOD, "ho_tne": "typo"}, TODAY)
    assert problems.ok
    assert "ho_tne" not in cleaned
    assert [(a.code, a.field) for a in problems.advisories] == [("unknown_value", "ho_tne")]


def test_pattern_uses_its_own_vietnamese_message() -> None:
    fields = (
        FormField(
            "ho_ten",
            "Họ tên",
            pattern=r"[^\W\d_]+(?: [^\W\d_]+)*",
            pattern_message="Họ tên không được có chữ số.",
        ),
    )
    _, problems = validate_form(fields, {"ho_ten": "Nguyễn Văn 2"}, TODAY)
    assert [e.message for e in problems.errors] == ["Họ tên không được có chữ số."]
    assert errors_by_field({"ho_ten": "Nguyễn Văn Hai"}, fields) == {}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "Họ tên"},
        {"name": "1abc"},
        {"label": "  "},
        {"type": "signature"},
        {"type": "choice"},
        {"type": "choice", "choices": ("Nam", "Nam")},
        {"choices": ("Nam",)},
        {"max_length": 0},
        {"min_value": 1},
        {"type": "number", "min_value": 5, "max_value": 1},
        {"date_rule": "past"},
        {"type": "date", "date_rule": "someday"},
        {"pattern": "([unclosed"},
        {"type": "date", "pattern": ".*"},
        {"pattern_message": "Sai."},
        {"birth_date_field": "ngay_sinh"},
    ],
)
def test_inconsistent_field_definitions_are_data_errors(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"name": "truong", "label": "Trường"}
    with pytest.raises(DataError) as caught:
        FormField(**{**base, **kwargs})  # type: ignore[arg-type]
    # The message names the field so that an official can find it in the catalogue.
    assert f"«{kwargs.get('name', 'truong')}»" in caught.value.message


def test_field_dict_omits_defaults() -> None:
    spec = FormField("so_ban", "Số bản", "number", min_value=1, max_value=5)
    assert form_field_to_dict(spec) == {
        "name": "so_ban",
        "label": "Số bản",
        "type": "number",
        "min": 1,
        "max": 5,
    }


def test_every_shipped_form_accepts_plausible_answers() -> None:
    samples = {
        "text": "Nguyễn Thị Mai",
        "multiline": "Nội dung\nnhiều dòng",
        "date": "01/01/2000",
        "id_number": "030300012345",
        "phone": "0912345678",
        "email": "mai@example.vn",
        "number": "1",
        "name": "Nguyễn Thị Mai",
        "year": "1990",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "place": "Xã Cộng Lạc, Thành phố Hải Phòng",
    }
    for procedure in load_catalogue(CATALOGUE):
        values = {
            spec.name: spec.choices[0] if spec.type == "choice" else samples[spec.type]
            for spec in procedure.fields
        }
        cleaned, problems = validate_form(procedure.fields, values, TODAY)
        assert problems.ok, (procedure.code, problems.errors)
        assert set(cleaned) == set(values)


def test_values_of_the_wrong_type_from_a_json_file_do_not_raise() -> None:
    hostile: dict[object, object] = {
        **GOOD,
        "ho_ten": ["Nguyễn"],
        "so_ban": 3,
        7: "x",
        "ghi_chu": None,
    }
    cleaned, problems = validate_form(FORM, hostile, TODAY)  # type: ignore[arg-type]
    assert [(e.field, e.code) for e in problems.errors] == [("ho_ten", "bad_characters")]
    assert cleaned["so_ban"] == 3 and "ghi_chu" not in cleaned
    assert [a.field for a in problems.advisories] == ["7"]
