"""Fields the form fills by itself: the child's family name, a value both parents share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.catalogue_json import parse_procedure
from kiosk.domain.derive import derived_value
from kiosk.domain.errors import DataError
from kiosk.domain.forms import FormField, form_field_to_dict
from kiosk.services import shipped_catalogue

CHILD = FormField("ho_ten_tre", "Họ tên của trẻ", "name", derive_from=("ho_ten_cha", "ho_ten_me"))
ETHNICITY = FormField("dan_toc", "Dân tộc", "ethnicity",
                      derive_from=("dan_toc_cha", "dan_toc_me"))


def test_the_child_starts_with_the_fathers_family_name_else_the_mothers() -> None:
    both = {"ho_ten_cha": "Trần Văn Bình", "ho_ten_me": "Nguyễn Thị Ánh"}
    assert derived_value(CHILD, both) == "Trần "
    assert derived_value(CHILD, {"ho_ten_cha": "  ", "ho_ten_me": "Nguyễn Thị Ánh"}) == "Nguyễn "
    assert derived_value(CHILD, {}) == ""


def test_a_value_is_taken_only_when_every_parent_given_shares_it() -> None:
    assert derived_value(ETHNICITY, {"dan_toc_me": "Tày"}) == "Tày"
    assert derived_value(ETHNICITY, {"dan_toc_cha": "Kinh", "dan_toc_me": "kinh"}) == "Kinh"
    assert derived_value(ETHNICITY, {"dan_toc_cha": "Kinh", "dan_toc_me": "Tày"}) == ""
    assert derived_value(ETHNICITY, {"dan_toc_cha": "", "dan_toc_me": ""}) == ""


@given(st.dictionaries(st.sampled_from(["ho_ten_cha", "ho_ten_me", "dan_toc_cha",
                                        "dan_toc_me", "x"]), st.text(max_size=300)))
def test_any_values_give_text_from_a_source_or_nothing(values: dict[str, str]) -> None:
    for spec in (CHILD, ETHNICITY):
        out = derived_value(spec, values)
        sources = [values.get(name, "") for name in spec.derive_from]
        assert out == "" or any(out.strip() and out.strip() in s for s in sources)


def test_the_birth_registration_derives_the_childs_name_ethnicity_and_nationality() -> None:
    birth = shipped_catalogue().get("1.001193")
    derived = {spec.name: spec.derive_from for spec in birth.fields if spec.derive_from}
    assert derived == {"ho_ten_tre": ("ho_ten_cha", "ho_ten_me"),
                       "dan_toc": ("dan_toc_cha", "dan_toc_me"),
                       "quoc_tich": ("quoc_tich_cha", "quoc_tich_me")}
    # The parents' nationality comes with their card (a CCCD holder is Vietnamese).
    cards = {spec.name: spec.card for spec in birth.fields if spec.card}
    assert cards["quoc_tich_me"] == cards["quoc_tich_cha"] == "nationality"
    groups = list(dict.fromkeys(spec.group for spec in birth.fields))
    assert groups.index("Mẹ") < groups.index("Trẻ") and groups.index("Cha") < groups.index("Trẻ")


def test_a_catalogue_field_deriving_from_a_field_it_lacks_is_refused_in_vietnamese() -> None:
    birth = shipped_catalogue().get("1.001193")
    entry = {"code": "9.999999", "name": "Thử", "field": "Hộ tịch", "level": "3",
             "time_limit": {"working_days": 1}, "fees": [{"name": "Lệ phí", "kind": "free"}],
             "documents": [], "result": "Giấy tờ.",
             "fields": [form_field_to_dict(FormField("ho_ten_tre", "Họ tên", "name",
                                                     derive_from=("ho_ten_cha",)))]}
    with pytest.raises(DataError) as refused:
        parse_procedure(entry)
    assert "ho_ten_cha" in str(refused.value) and "không có trường" in str(refused.value)
    assert birth.fields  # the shipped entry itself parses
