"""The procedure catalogue: the shipped file, the strict parser, lookup and search."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain.catalogue import Catalogue, Procedure, UnknownProcedureError
from kiosk.domain.catalogue_json import (
    catalogue_to_dict,
    load_catalogue,
    parse_catalogue,
    parse_procedure,
    parse_procedures,
    procedure_to_dict,
)
from kiosk.domain.errors import DataError
from kiosk.domain.textnorm import fold

CATALOGUE = Path(__file__).resolve().parents[2] / "resources" / "catalogue" / "procedures.json"

# DOMAIN.md §4: code → (name, working days, extra days if verification, fee kinds)
SEED = {
    "1.001193": ("Đăng ký khai sinh", 3, 2, {"free"}),
    "1.000894": ("Đăng ký kết hôn", 0, 5, {"free"}),
    "1.000656": ("Đăng ký khai tử", 0, 0, {"free"}),
    "2.000815": ("Chứng thực bản sao từ bản chính", 0, 0, {"certified_copy"}),
    "1.004873": ("Cấp giấy xác nhận tình trạng hôn nhân", 3, 0, {"council"}),
    "1.001022": ("Đăng ký nhận cha, mẹ, con", 3, 5, {"council"}),
    "2.000635": ("Cấp bản sao trích lục hộ tịch", 0, 0, {"fixed"}),
    "1.004837": ("Đăng ký giám hộ", 3, 0, {"free"}),
    "1.004859": ("Thay đổi, cải chính, bổ sung hộ tịch", 3, 3, {"council"}),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE)


def codes(procedures: list[Procedure]) -> list[str]:
    return [p.code for p in procedures]


# --- the shipped file ----------------------------------------------------------------


def test_shipped_file_holds_every_seed_procedure_with_its_limits_and_fee_kinds(
    catalogue: Catalogue,
) -> None:
    for code, (name, days, extra, kinds) in SEED.items():
        procedure = catalogue.get(code)
        assert procedure.name == name
        assert procedure.time_limit.working_days == days
        assert procedure.time_limit.extra_days_if_verification == extra
        assert {fee.kind for fee in procedure.fees} == kinds


def test_shipped_codes_are_unique_and_shaped_like_national_codes(catalogue: Catalogue) -> None:
    all_codes = codes(list(catalogue))
    assert len(all_codes) == len(set(all_codes)) >= 9
    assert all(re.fullmatch(r"[12]\.\d{6}", code) for code in all_codes)


def test_every_shipped_procedure_is_complete(catalogue: Catalogue) -> None:
    for procedure in catalogue:
        assert procedure.fees and procedure.result.strip() and procedure.aliases
        assert procedure.fields, procedure.code
        assert any(d.required for d in procedure.documents), procedure.code
        assert procedure.time_limit.note.strip(), procedure.code
        assert procedure.level in ("3", "4")
        assert all(fee.note.strip() for fee in procedure.fees), procedure.code


def test_procedures_needing_both_parties_present_are_level_3(catalogue: Catalogue) -> None:
    for code in ("1.000894", "1.001022", "2.000815"):
        assert catalogue.get(code).level == "3"
        assert catalogue.get(code).level_name == "Trực tuyến một phần (mức độ 3)"
    assert catalogue.get("1.001193").level_name == "Trực tuyến toàn trình (mức độ 4)"


def test_council_set_fees_use_config_keys_and_say_so(catalogue: Catalogue) -> None:
    fee = catalogue.get("1.004873").fees[0]
    assert fee.config_key == "xac_nhan_tinh_trang_hon_nhan"
    assert fee.amount == 0
    assert "Hội đồng nhân dân tỉnh" in fee.note


def test_unverified_time_limit_says_so_in_its_note(catalogue: Catalogue) -> None:
    assert "chưa được đối chiếu" in catalogue.get("1.004873").time_limit.note


def test_birth_registration_fee_keeps_its_60_day_condition(catalogue: Catalogue) -> None:
    assert "60 ngày" in catalogue.get("1.001193").fees[0].note


def test_birth_registration_form_asks_what_the_birth_certificate_needs(
    catalogue: Catalogue,
) -> None:
    fields = {f.name: f for f in catalogue.get("1.001193").fields}
    assert {"ho_ten_tre", "ngay_sinh", "gioi_tinh", "noi_sinh", "dan_toc", "quoc_tich"} <= set(
        fields
    )
    assert fields["ngay_sinh"].date_rule == "not_future"
    assert fields["gioi_tinh"].choices == ("Nam", "Nữ")
    documents = [d.code for d in catalogue.get("1.001193").documents]
    assert documents[:2] == ["TK", "GCS"]


def test_shipped_file_stays_human_editable() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    assert "Đăng ký khai sinh" in text  # ensure_ascii off: no \\u escapes
    assert text.startswith('{\n  "version"')
    raw = json.loads(text)
    assert raw["aliases"] == {"1.003559": "1.004873"}


def test_every_shipped_procedure_round_trips_through_its_dict(catalogue: Catalogue) -> None:
    for procedure in catalogue:
        as_json = json.loads(json.dumps(procedure_to_dict(procedure), ensure_ascii=False))
        assert parse_procedure(as_json) == procedure
    again = parse_catalogue(json.loads(json.dumps(catalogue_to_dict(catalogue))))
    assert again.procedures == catalogue.procedures
    assert dict(again.aliases) == dict(catalogue.aliases)


# --- lookup --------------------------------------------------------------------------


def test_old_code_resolves_to_the_current_procedure(catalogue: Catalogue) -> None:
    assert catalogue.get("1.003559").code == "1.004873"
    assert catalogue.resolve(" 1.003559 ") == "1.004873"
    assert "1.003559" in catalogue and "1.001193" in catalogue


def test_unknown_code_is_a_typed_error_in_vietnamese(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownProcedureError) as caught:
        catalogue.get("9.999999")
    assert isinstance(caught.value, DataError)
    assert caught.value.code == "unknown_procedure"
    assert caught.value.message == "Không tìm thấy thủ tục có mã «9.999999» trong danh mục."


def test_by_field_groups_in_catalogue_order(catalogue: Catalogue) -> None:
    groups = catalogue.by_field()
    assert list(groups) == ["Hộ tịch", "Chứng thực"]
    assert codes(groups["Chứng thực"]) == ["2.000815"]
    assert codes(groups["Hộ tịch"])[0] == "1.001193"
    assert sum(len(group) for group in groups.values()) == len(catalogue)


def test_alias_chains_are_followed_and_cycles_refused(catalogue: Catalogue) -> None:
    procedures = catalogue.procedures
    chained = Catalogue(procedures, {"0.000001": "0.000002", "0.000002": "1.004873"})
    assert chained.get("0.000001").code == "1.004873"
    with pytest.raises(DataError):
        Catalogue(procedures, {"0.000001": "0.000002", "0.000002": "0.000001"})
    with pytest.raises(DataError):
        Catalogue(procedures, {"1.001193": "1.004873"})  # would hide a current code


def test_merged_replaces_by_code_and_appends_new(catalogue: Catalogue) -> None:
    data = procedure_to_dict(catalogue.get("1.001193"))
    renamed = parse_procedure({**data, "result": "Giấy khai sinh bản điện tử."})
    added = parse_procedure({**data, "code": "1.999999", "name": "Thủ tục thử"})
    fresh = catalogue.merged([renamed, added], version="2026.1")
    assert fresh.get("1.001193").result == "Giấy khai sinh bản điện tử."
    assert codes(list(fresh))[-1] == "1.999999"
    assert len(fresh) == len(catalogue) + 1 and fresh.version == "2026.1"
    assert catalogue.get("1.001193").result != renamed.result  # the original is untouched


# --- search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "khaisinh",
        "khai sinh",
        "KHAI SINH",
        "Khai Sinh",
        "đăng ký khai sinh",
        "dang ky khai sinh",
        "  khai   sinh  ",
        "khai si",
        "1.001193",
        "giấy khai sinh",
        "làm giấy khai sinh cho con",
    ],
)
def test_birth_registration_comes_first(catalogue: Catalogue, query: str) -> None:
    assert codes(catalogue.search(query))[0] == "1.001193"


def test_old_code_finds_its_procedure_first(catalogue: Catalogue) -> None:
    assert codes(catalogue.search("1.003559")) == ["1.004873"]


def test_marriage_registration_first_for_ket_hon_with_or_without_marks(
    catalogue: Catalogue,
) -> None:
    assert codes(catalogue.search("ket hon"))[0] == "1.000894"
    assert codes(catalogue.search("kết hôn")) == codes(catalogue.search("ket hon"))


def test_hon_nhan_finds_marital_status_first_and_marriage_later(catalogue: Catalogue) -> None:
    found = codes(catalogue.search("hôn nhân"))
    assert found[0] == "1.004873"
    assert "1.000894" in found[1:]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("công chứng", "2.000815"),
        ("sao y", "2.000815"),
        ("giấy xác nhận độc thân", "1.004873"),
        ("giấy chứng tử", "1.000656"),
        ("đăng ký kết hôn", "1.000894"),
        ("nhận con", "1.001022"),
        ("sửa tên", "1.004859"),
        ("giám hộ", "1.004837"),
        ("trích lục", "2.000635"),
    ],
)
def test_everyday_words_find_the_procedure(catalogue: Catalogue, query: str, code: str) -> None:
    assert codes(catalogue.search(query))[0] == code


def test_every_query_word_must_match_somewhere(catalogue: Catalogue) -> None:
    assert catalogue.search("khai sinh xyzzy") == []
    assert catalogue.search("kết hôn khai sinh")  # both words found in one entry's texts


def test_name_match_ranks_before_alias_and_document_matches(catalogue: Catalogue) -> None:
    found = codes(catalogue.search("khai sinh"))
    # 2.000635 and 1.004859 mention "khai sinh" only in aliases or documents.
    assert found.index("1.001193") < found.index("2.000635")
    assert found.index("1.001193") < found.index("1.004859")


def test_ranking_tiers_on_a_synthetic_catalogue() -> None:
    def entry(code: str, name: str, aliases: list[str], document: str) -> dict[str, Any]:
        return {
            **minimal_procedure(),
            "code": code,
            "name": name,
            "aliases": aliases,
            "documents": [{"code": "TK", "name": document}],
        }

    # One entry per tier, listed worst first so that catalogue order cannot pass the test.
    entries = [
        entry("9.000001", "Giấy tờ khác", [], "Tờ khai kiểm tra"),  # document only
        entry("9.000002", "Thủ tục khác", ["kiểm tra lại"], "Tờ khai"),  # alias only
        entry("9.000003", "Thủ tục kiểmtra gộp", [], "Tờ khai"),  # run together in the name
        entry("9.000004", "Việc tra kiểm", [], "Tờ khai"),  # whole words, other order
        entry("9.000005", "Giấy có chữ kiểm tra", [], "Tờ khai"),  # whole words, ties by name
        entry("9.000006", "Kiểm tra hồ sơ", [], "Tờ khai"),  # name starts with the query
    ]
    synthetic = Catalogue(parse_procedures(entries))
    found = codes(synthetic.search("kiểm tra"))
    assert found == ["9.000006", "9.000005", "9.000004", "9.000003", "9.000002", "9.000001"]


def test_ties_are_broken_by_name(catalogue: Catalogue) -> None:
    names = [p.name for p in catalogue.search("đăng ký")]
    starting = [name for name in names if name.startswith("Đăng ký")]
    # Names starting with the query share the top tier, ordered by name; the rest follow.
    assert len(starting) == 5
    # Name order ignores diacritics, as a resident reads the list ("kết" before "khai").
    assert names[:5] == sorted(starting, key=fold)


def test_blank_query_lists_everything_in_catalogue_order(catalogue: Catalogue) -> None:
    assert catalogue.search("") == list(catalogue)
    assert catalogue.search(" \t\n") == list(catalogue)
    assert catalogue.search("", limit=3) == list(catalogue)[:3]


def test_limit_cuts_the_ranked_list(catalogue: Catalogue) -> None:
    assert catalogue.search("khai sinh", limit=1) == catalogue.search("khai sinh")[:1]
    assert catalogue.search("khai sinh", limit=0) == []


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "khai sinh " * 1_000,
        "\x00\x07\x1b",
        "ÄÄƒng kÃ½",
        "\ud800",
        "🙂",
        "!!!",
        "%s{0}",
    ],
)
def test_hostile_queries_do_not_raise(catalogue: Catalogue, query: str) -> None:
    assert isinstance(catalogue.search(query), list)


def test_mojibake_query_that_can_be_repaired_still_finds(catalogue: Catalogue) -> None:
    mangled = "Đăng ký khai sinh".encode().decode("latin-1")
    assert codes(catalogue.search(mangled))[0] == "1.001193"


# --- the strict parser ---------------------------------------------------------------


def minimal_procedure() -> dict[str, Any]:
    return {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "level": "4",
        "time_limit": {"working_days": 3},
        "fees": [{"name": "Lệ phí", "kind": "free"}],
        "documents": [{"code": "TK", "name": "Tờ khai"}],
        "fields": [{"name": "ho_ten", "label": "Họ tên", "type": "text"}],
        "result": "Giấy khai sinh",
    }


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """Set a value by "a/0/b" path; an index one past the end appends."""

    def mutate(obj: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = obj
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if last.isdigit() and int(last) == len(target):
            target.append(value)
        else:
            target[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(obj: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = obj
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return mutate


HOSTILE: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "missing name": (_delete("name"), "thiếu mục bắt buộc «name»"),
    "missing time limit days": (_delete("time_limit/working_days"), "«working_days»"),
    "name is a number": (_set("name", 42), "cần một chuỗi chữ"),
    "name is blank": (_set("name", "   "), "không được để trống"),
    "name is huge": (_set("name", "A" * 100_000), "dài quá 300 ký tự"),
    "name has control chars": (_set("name", "Khai\x00sinh"), "ký tự điều khiển"),
    "code is malformed": (_set("code", "1.001193; DROP"), "không hợp lệ"),
    "level unknown": (_set("level", "5"), "mức độ «5»"),
    "level as number": (_set("level", 4), "cần một chuỗi chữ"),
    "negative days": (_set("time_limit/working_days", -1), "từ 0 đến 365"),
    "days as text": (_set("time_limit/working_days", "3"), "cần một số nguyên"),
    "days as float": (_set("time_limit/working_days", 3.0), "số thập phân"),
    "days as bool": (_set("time_limit/working_days", True), "true/false"),
    "absurd days": (_set("time_limit/working_days", 10**30), "ngoài khoảng"),
    "fees not a list": (_set("fees", {"name": "x"}), "cần một danh sách"),
    "unknown fee kind": (_set("fees/0/kind", "donation"), "«donation» không hợp lệ"),
    "council fee without key": (_set("fees/0/kind", "council"), "config_key"),
    "unknown field type": (_set("fields/0/type", "signature"), "«signature» không hợp lệ"),
    "unknown date rule": (_set("fields/0/date_rule", "tomorrow"), "«tomorrow» không hợp lệ"),
    "choice without choices": (_set("fields/0/type", "choice"), "danh sách lựa chọn"),
    "bad regex": (_set("fields/0/pattern", "(["), "pattern"),
    "field name with marks": (_set("fields/0/name", "họ_tên"), "Tên trường"),
    "duplicate field": (
        _set("fields/1", {"name": "ho_ten", "label": "Lại", "type": "text"}),
        "xuất hiện nhiều lần",
    ),
    "duplicate document": (_set("documents/1", {"code": "TK", "name": "Lại"}), "«TK»"),
    "unknown document kind": (_set("documents/0/kinds", ["exe"]), "Loại tệp"),
    "required as text": (_set("documents/0/required", "yes"), "true hoặc false"),
    "typo in a key": (_set("fields/0/requried", False), "«requried» không được hỗ trợ"),
    "entry is a list": (lambda obj: obj.clear(), "thiếu mục bắt buộc"),
    "too many aliases": (_set("aliases", ["a"] * 1_000), "tối đa 100"),
    "alias not text": (_set("aliases", [None]), "cần một chuỗi chữ"),
    "link to missing field": (
        _set(
            "fields/1",
            {"name": "so", "label": "Số", "type": "id_number", "birth_date_field": "ngay_sinh"},
        ),
        "liên kết tới «ngay_sinh»",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_procedure_is_a_data_error_naming_what_is_wrong(case: str) -> None:
    mutate, expected = HOSTILE[case]
    obj = minimal_procedure()
    mutate(obj)
    with pytest.raises(DataError) as caught:
        parse_procedure(obj)
    assert expected in caught.value.message
    assert caught.value.message.startswith("procedure")  # the JSON path comes first


@pytest.mark.parametrize("obj", [None, [], "procedure", 3, 2.5, True])
def test_procedure_that_is_not_an_object_is_refused(obj: object) -> None:
    with pytest.raises(DataError) as caught:
        parse_procedure(obj)
    assert "cần một đối tượng JSON" in caught.value.message


def test_minimal_procedure_parses_with_defaults() -> None:
    procedure = parse_procedure(minimal_procedure())
    assert procedure.documents[0].required is True
    assert procedure.documents[0].kinds == ("pdf", "jpeg", "png")
    assert procedure.time_limit.extra_days_if_verification == 0
    assert procedure.aliases == ()


def test_error_path_points_into_the_list() -> None:
    bad = minimal_procedure()
    bad["fields"].append({"name": "ngay", "label": "Ngày", "type": "date", "date_rule": "x"})
    with pytest.raises(DataError) as caught:
        parse_procedures([minimal_procedure() | {"code": "1.000001"}, bad])
    assert caught.value.field == "items[1].fields[1].date_rule"


def test_duplicate_codes_in_a_list_are_refused() -> None:
    with pytest.raises(DataError) as caught:
        parse_procedures([minimal_procedure(), minimal_procedure()])
    assert "«1.001193» xuất hiện nhiều lần" in caught.value.message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c.pop("version"), "«version»"),
        (lambda c: c.update(procedures={}), "cần một danh sách"),
        (lambda c: c.update(aliases=["1.003559"]), "cần một đối tượng"),
        (lambda c: c.update(aliases={"1.003559": "9.999999"}), "không có trong danh mục"),
        (lambda c: c.update(aliases={"1.003559": 4873}), "cần một chuỗi chữ"),
        (lambda c: c.update(extra=1), "«extra» không được hỗ trợ"),
    ],
)
def test_hostile_catalogue_is_a_data_error(
    change: Callable[[dict[str, Any]], object], expected: str
) -> None:
    obj: dict[str, Any] = {
        "version": "1",
        "aliases": {"1.003559": "1.001193"},
        "procedures": [minimal_procedure()],
    }
    parse_catalogue(copy.deepcopy(obj))  # the unchanged base is fine
    change(obj)
    with pytest.raises(DataError) as caught:
        parse_catalogue(obj)
    assert expected in caught.value.message


# --- the file ------------------------------------------------------------------------


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "procedures.json"
    path.write_bytes(data)
    return path


def valid_file_text() -> str:
    obj = {"version": "1", "aliases": {}, "procedures": [minimal_procedure()]}
    return json.dumps(obj, ensure_ascii=False, indent=2)


def test_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + valid_file_text().encode())
    assert len(load_catalogue(path)) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{not json", "file_json"),
        (b"", "file_json"),
        ("{}".encode("utf-16"), "file_encoding"),
        (b'{"version": "1", "version": "2", "procedures": []}', "json_duplicate_key"),
        (b'{"version": "1", "procedures": [], "x": NaN}', "json_constant"),
        (b"[" * 100_000 + b"]" * 100_000, "file_nesting"),
    ],
)
def test_broken_file_is_a_data_error(tmp_path: Path, data: bytes, code: str) -> None:
    with pytest.raises(DataError) as caught:
        load_catalogue(write(tmp_path, data))
    assert caught.value.code == code
    assert "danh mục" in caught.value.message or "JSON" in caught.value.message


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_catalogue(tmp_path / "absent.json")
    assert caught.value.code == "file_unreadable"


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, b" " * (5 * 1024 * 1024 + 1))
    with pytest.raises(DataError) as caught:
        load_catalogue(path)
    assert caught.value.code == "file_too_big"
