"""The masks a purged dossier, a listing or a log line keeps: never more than the last
digits, the family name and initials; idempotent; the minimal payload keeps no field
with personal data."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.masking import (
    mask_email,
    mask_id,
    mask_name,
    mask_numbers_in,
    mask_phone,
    minimal_payload,
)

SMALL = settings(max_examples=50, deadline=None)
digits = st.text(alphabet="0123456789", min_size=0, max_size=16)
vietnamese_word = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậềểễếệ"
                          "ìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯNTHLV",
                          min_size=1, max_size=8)


def test_the_examples_officials_see() -> None:
    assert mask_id("030090012345") == "********2345"
    assert mask_phone("0912345678") == "*******678"
    assert mask_name("Nguyễn Văn An") == "Nguyễn V. A."
    assert mask_name("  Đặng   thị  Ánh Tuyết ") == "Đặng t. Á. T."
    assert mask_email("khiem.nguyen@example.vn") == "k***@example.vn"
    assert mask_id("123") == "***" and mask_name("") == "" and mask_email("x") == "*"


@SMALL
@given(digits)
def test_an_id_shows_at_most_its_last_four_digits(number: str) -> None:
    masked = mask_id(number)
    assert len(masked) == len(number)
    shown = masked.lstrip("*")
    assert len(shown) <= 4 and number.endswith(shown)
    assert len(shown) < len(number) or number == ""
    assert mask_id(masked) == masked


@SMALL
@given(digits)
def test_a_phone_shows_at_most_its_last_three_digits(number: str) -> None:
    masked = mask_phone(number)
    shown = masked.lstrip("*")
    assert len(shown) <= 3 and number.endswith(shown)
    assert mask_phone(masked) == masked


@SMALL
@given(st.lists(vietnamese_word, min_size=1, max_size=5))
def test_a_name_keeps_the_family_name_and_one_letter_of_each_other_word(
    words: list[str],
) -> None:
    masked = mask_name(" ".join(words))
    parts = masked.split()
    assert parts[0] == words[0]
    assert parts[1:] == [w[0] + "." for w in words[1:]]
    assert mask_name(masked) == masked
    for word in words[1:]:
        if len(word) > 1 and word != words[0]:
            assert word not in parts


@SMALL
@given(st.emails())
def test_an_email_keeps_one_letter_of_the_mailbox(address: str) -> None:
    masked = mask_email(address)
    local, _, domain = address.rpartition("@")
    assert masked == f"{local[0]}***@{domain}"
    assert mask_email(masked) == masked


SECRET_FIELDS = {"NgaySinh", "GioiTinh", "DiaChi", "SoDienThoai", "Email"}
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                           max_leaves=10)


@SMALL
@given(st.dictionaries(st.sampled_from(["ChuHoSo", "TaiLieuNop", "DanhSachLePhi",
                                        "DuLieuBieuMau", "TrichYeuHoSo", "DiaChiNhanKetQua",
                                        "TenTTHC", "NguoiHoTro", "CamKet", "MaHoSo"]),
                       json_values, max_size=10),
       digits.filter(lambda d: len(d) >= 9), st.text(min_size=1, max_size=30))
def test_the_minimal_payload_keeps_no_personal_field_whatever_it_is_given(
    payload: dict[str, object], number: str, address: str
) -> None:
    payload["ChuHoSo"] = {"HoTen": "Lê Văn Tám", "SoDinhDanh": number, "DiaChi": address,
                          "SoDienThoai": number, "NgaySinh": "01011990"}
    kept = minimal_payload(payload)
    assert json.dumps(kept, ensure_ascii=False)  # still one JSON document
    assert not {"DuLieuBieuMau", "TrichYeuHoSo", "DiaChiNhanKetQua", "CamKet"} & set(kept)
    assert kept["ChuHoSo"] == {"HoTen": "Lê V. T.", "SoDinhDanh": mask_id(number)}
    assert not SECRET_FIELDS & set(kept["ChuHoSo"])
    assert minimal_payload(kept) == kept


def test_long_numbers_in_free_text_are_masked_and_short_ones_kept() -> None:
    reason = "Số định danh 030090012345 không khớp; điện thoại 0912345678; hồ sơ H23-261124-1000"
    assert mask_numbers_in(reason) == ("Số định danh ********2345 không khớp; điện thoại "
                                       "*******678; hồ sơ H23-261124-1000")


@SMALL
@given(st.text(alphabet="0123456789 -:abcđ", max_size=60))
def test_no_run_of_nine_digits_survives_in_free_text(text: str) -> None:
    masked = mask_numbers_in(text)
    assert re.search(r"\d{9}", masked) is None
    assert len(masked) == len(text) and mask_numbers_in(masked) == masked
