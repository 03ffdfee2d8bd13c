"""Every portal answer is read strictly (issue 12 item 2): hostile values at every field,
through the parsers alone (hypothesis) — a checked answer or a ``BadAnswer``, never another
exception, and what passes is fit to be stored."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.sync import answers
from kiosk.sync.answers import (
    MAX_CODE_CHARS,
    PORTAL_STATUSES,
    BadAnswer,
    decode_json,
    loads_strict,
)
from kiosk.sync.policy import MAX_RETRY_AFTER_SECONDS, OutcomeKind, bad_answer, http_date
from kiosk.sync.policy import retry_after_seconds as retry_after
from kiosk.sync.refusals import parse_refusal

FEW = settings(max_examples=50, deadline=None, database=None)
JSON = "application/json; charset=utf-8"
SHA = "ab" * 32

hostile_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([2**70, -1, 0, 11, 10**18, 10**19, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), st.sampled_from(["\x00", "a\ud800b", "\udfff", "x" * 5000, " ",
                                           "\u202e", "20261331250000", "../../etc", "\n"]))
hostile = st.recursive(hostile_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)

GOOD: Mapping[str, tuple[Callable[[Mapping[str, Any]], object], dict[str, Any]]] = {
    "token": (answers.parse_token, {"access_token": "t-1", "token_type": "Bearer",
                                    "expires_in": 3600}),
    "file": (answers.parse_file, {"IdTepTin": "f-1", "HashTepTin": SHA, "KichThuoc": 12}),
    "dossier": (answers.parse_dossier, {"MaHoSo": "000.00.00.H23-261124-1001",
                                        "MaHoSoKiosk": "000.00.00.H23-261124-1001",
                                        "TrangThaiHoSo": 1, "NgayHenTra": "20261127170000"}),
    "rating": (answers.parse_rating, {"IdDanhGia": "dg-1"}),
    "status": (answers.parse_status, {"MaHoSo": "A-1", "TrangThaiHoSo": 4,
                                      "QuaTrinhXuLy": [{"ThoiDiem": "20261124093000",
                                                        "TrangThai": 2, "NoiDung": "Tiếp nhận",
                                                        "DonVi": "UBND xã"}]}),
    "changes": (answers.parse_changes, {"now": "20261124093000", "items": [
        {"MaHoSo": "A-1", "TrangThaiHoSo": 9, "QuaTrinhXuLy": []}]}),
    "procedures": (answers.parse_procedures, {"now": "20261124093000", "items": []}),
    "health": (answers.parse_health, {"status": "ok", "now": "20261124093000"}),
}


def parse_or_refuse(parser: Callable[[Mapping[str, Any]], object], body: Any) -> object | None:
    """The answer, or None after a BadAnswer with a known reason; anything else fails."""
    try:
        return parser(body)
    except BadAnswer as error:
        assert error.reason in (*answers.REASONS, "mismatch")
        return None


def assert_storable(value: object) -> None:
    """What a parser lets through can go into SQLite and onto a screen."""
    if isinstance(value, str):
        value.encode("utf-8")  # a lone surrogate raises here (and in sqlite3)
        assert "\x00" not in value and len(value) <= answers.MAX_TOKEN_CHARS
    elif isinstance(value, bool) or value is None or isinstance(value, datetime):
        pass
    elif isinstance(value, int):
        assert -(2**63) < value < 2**63
    elif isinstance(value, tuple):
        for part in value:
            assert_storable(part)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            assert_storable(getattr(value, name))


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_sound_answer_of_each_kind_is_read(kind: str) -> None:
    parser, body = GOOD[kind]
    assert parser(body) is not None


@pytest.mark.parametrize("kind", sorted(GOOD))
@FEW
@given(data=st.data(), value=hostile)
def test_any_value_at_any_field_gives_a_checked_answer_or_a_bad_answer(
    kind: str, data: st.DataObject, value: Any
) -> None:
    parser, good = GOOD[kind]
    body = dict(good)
    name = data.draw(st.sampled_from([*good, "extra"]))
    body[name] = value
    assert_storable(parse_or_refuse(parser, body))


@pytest.mark.parametrize("kind", sorted(GOOD))
@FEW
@given(body=hostile)
def test_any_json_value_as_the_whole_answer_never_raises_anything_else(
    kind: str, body: Any
) -> None:
    parser, _ = GOOD[kind]
    if isinstance(body, dict):
        assert_storable(parse_or_refuse(parser, body))


@FEW
@given(step=st.dictionaries(st.sampled_from(["ThoiDiem", "TrangThai", "NoiDung", "DonVi"]),
                            hostile, max_size=4))
def test_any_timeline_step_is_checked_like_the_rest(step: dict[str, Any]) -> None:
    body = {"MaHoSo": "A-1", "TrangThaiHoSo": 4, "QuaTrinhXuLy": [step]}
    found = parse_or_refuse(answers.parse_status, body)
    assert_storable(found)
    if isinstance(found, answers.StatusAnswer):
        (event,) = found.events
        assert event.status in PORTAL_STATUSES and len(event.note) <= answers.MAX_NOTE_CHARS


@pytest.mark.parametrize("status", [2**70, -(2**70), 0, 11, 10**18, True, 1.0, "1", None])
def test_a_status_outside_the_national_codes_is_refused_as_out_of_range_or_type(
    status: object,
) -> None:
    body = {"MaHoSo": "A-1", "TrangThaiHoSo": status}
    with pytest.raises(BadAnswer) as refused:
        answers.parse_status(body)
    assert refused.value.where == "TrangThaiHoSo"
    assert refused.value.reason in ("range", "type", "missing")


def test_a_dossier_answer_out_of_range_becomes_a_transient_outcome_naming_the_field() -> None:
    with pytest.raises(BadAnswer) as refused:
        answers.parse_dossier({"MaHoSo": "A-1", "TrangThaiHoSo": 2**70})
    outcome = bad_answer(refused.value)
    assert (outcome.kind, outcome.code) == (OutcomeKind.TRANSIENT, "answer_range")
    assert "TrangThaiHoSo" in outcome.message and "ngoài khoảng cho phép" in outcome.message


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("MaHoSo", "x" * (MAX_CODE_CHARS + 1), "length"),
    ("MaHoSo", "A\x001", "chars"),
    ("MaHoSo", "A\ud8001", "chars"),
    ("MaHoSo", "A 1", "chars"),
    ("MaHoSo", "", "missing"),
    ("MaHoSo", ["A-1"], "type"),
    ("NgayHenTra", "20260230120000", "format"),
    ("NgayHenTra", 20261127170000, "type"),
    ("MaHoSoKiosk", "A\n1", "chars"),
])
def test_each_dossier_field_is_refused_with_its_reason(name: str, value: object,
                                                        reason: str) -> None:
    body = {"MaHoSo": "A-1", name: value}
    with pytest.raises(BadAnswer) as refused:
        answers.parse_dossier(body)
    assert (refused.value.where, refused.value.reason) == (name, reason)


@pytest.mark.parametrize(("body", "where"), [
    ({"IdTepTin": "f 1", "HashTepTin": SHA}, "IdTepTin"),
    ({"IdTepTin": "f", "HashTepTin": SHA.upper()}, "HashTepTin"),
    ({"IdTepTin": "f", "HashTepTin": SHA, "KichThuoc": 2**70}, "KichThuoc"),
    ({"IdTepTin": "f", "HashTepTin": SHA, "KichThuoc": -1}, "KichThuoc"),
    ({"IdTepTin": "f" * 129, "HashTepTin": SHA}, "IdTepTin"),
])
def test_a_file_answer_is_refused_on_any_unsound_field(body: dict[str, Any], where: str) -> None:
    with pytest.raises(BadAnswer) as refused:
        answers.parse_file(body)
    assert refused.value.where == where


def test_one_bad_item_refuses_the_whole_page_of_changes() -> None:
    good = {"MaHoSo": "A-1", "TrangThaiHoSo": 9}
    with pytest.raises(BadAnswer) as refused:
        answers.parse_changes({"now": "20261124093000",
                               "items": [good, good | {"TrangThaiHoSo": 2**70}]})
    assert refused.value.where == "items[1].TrangThaiHoSo"


@pytest.mark.parametrize("token", ["a b", "t\r\nX-Evil: 1", "é", "", "t" * 4097])
def test_a_token_that_could_not_go_into_a_header_is_refused(token: str) -> None:
    with pytest.raises(BadAnswer):
        answers.parse_token({"access_token": token})


# ---------------------------------------------------------------- bytes


@pytest.mark.parametrize("raw", [
    b"1" * 5000,  # int() of 5,000 digits raises ValueError in Python itself
    b'{"TrangThaiHoSo": ' + b"9" * 101 + b"}",
    b'{"a": NaN}', b'{"a": Infinity}', b'{"a": -Infinity}', b'{"a": 1e999}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": 1', b"\xff\xfe{}", b"\xef\xbb\xbf{}", b"<html>login</html>", b"",
    b'{"MaHoSo": "A-1", "MaHoSo": "B-2"}',
])
def test_hostile_bytes_are_a_bad_answer_and_nothing_else(raw: bytes) -> None:
    with pytest.raises(BadAnswer):
        decode_json(raw, JSON)


@pytest.mark.parametrize("content_type", [None, "", "text/html", "text/plain",
                                          "application/json; charset=latin-1",
                                          "application/jsonx", "application/problem+json"])
def test_a_body_not_labelled_utf8_json_is_refused_before_it_is_read(
    content_type: str | None,
) -> None:
    with pytest.raises(BadAnswer) as refused:
        decode_json(b'{"MaHoSo": "A-1"}', content_type)
    assert refused.value.reason in ("content_type", "encoding")


@pytest.mark.parametrize("content_type", ["application/json", "Application/JSON",
                                          'application/json; charset="UTF-8"'])
def test_utf8_json_in_any_spelling_of_its_label_is_read(content_type: str) -> None:
    assert decode_json(b'{"MaHoSo": "A-1"}', content_type) == {"MaHoSo": "A-1"}


@FEW
@given(raw=st.binary(max_size=300), content_type=st.one_of(st.none(), st.text(max_size=40)))
def test_any_bytes_under_any_label_give_an_object_or_a_bad_answer(
    raw: bytes, content_type: str | None
) -> None:
    with contextlib.suppress(BadAnswer):
        assert isinstance(decode_json(raw, content_type), dict)


@FEW
@given(value=hostile)
def test_any_json_document_is_read_or_refused_strictly(value: Any) -> None:
    try:
        text = json.dumps(value)
    except ValueError:
        return
    with contextlib.suppress(BadAnswer):
        loads_strict(text)


@FEW
@given(status=st.integers(min_value=400, max_value=499),
       body=st.one_of(st.binary(max_size=200), hostile.map(
           lambda v: json.dumps({"error": v, "message": v, "details": [v, v]}).encode())))
def test_a_refusal_keeps_only_a_clean_code_and_message(status: int, body: bytes) -> None:
    refusal = parse_refusal(status, body)
    assert refusal.code == f"http_{status}" or refusal.code.isascii()
    assert len(refusal.code) <= 64 and len(refusal.message) <= 2000
    refusal.message.encode("utf-8")
    assert not any(ord(c) < 0x20 for c in refusal.message)


def test_a_refusal_with_a_hostile_code_and_message_is_named_by_its_status() -> None:
    body = json.dumps({"error": "x" * 100 + "\ud800", "message": "Sai\x00 \ud800 rồi",
                       "details": [{"field": "MaHoSo", "message": "thiếu"}]}).encode()
    refusal = parse_refusal(422, body)
    assert refusal.code == "http_422"
    assert refusal.message == "Sai rồi — MaHoSo: thiếu"


# ---------------------------------------------------------------- Retry-After (RFC 9110)

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["Tue, 24 Nov 2026 02:01:00 GMT",
                                   "Tuesday, 24-Nov-26 02:01:00 GMT",
                                   "Tue Nov 24 02:01:00 2026"])
def test_each_form_of_http_date_is_read(value: str) -> None:
    assert retry_after(value, NOW) == 60.0


@pytest.mark.parametrize("value", ["²", "٣", "١٢", "５", "-5", "+5", "5.0", "1e3", "inf", "nan",
                                   "0x10", "5 s", "Tue, 24 Nov 2026 02:01:00 +0700",
                                   "Tue, 24 Nov 2026 02:01:00 UTC", "24 Nov 2026 02:01:00 GMT",
                                   "Tue, 31 Feb 2026 02:01:00 GMT", "Tue, 24 Nov 2026 25:01:00 GMT",
                                   "tue, 24 nov 2026 02:01:00 gmt", "Tue, 24 Nov 2026 02:01:00 GMT"
                                   + " " * 100 + "x"])
def test_anything_else_is_ignored_and_the_normal_backoff_applies(value: str) -> None:
    assert retry_after(value, NOW) is None


def test_a_date_far_ahead_is_capped_and_one_in_the_past_is_now() -> None:
    assert retry_after("Fri, 31 Dec 9999 23:59:59 GMT", NOW) == MAX_RETRY_AFTER_SECONDS
    assert retry_after("Thu, 01 Jan 1970 00:00:00 GMT", NOW) == 0.0


@FEW
@given(moment=st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 1, 1)))
def test_every_imf_fixdate_reads_back_to_its_moment(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=UTC)
    text = moment.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert http_date(text) == moment
    seconds = retry_after(text, NOW)
    assert seconds is not None and 0 <= seconds <= MAX_RETRY_AFTER_SECONDS
    if NOW <= moment <= NOW + timedelta(minutes=30):
        assert seconds == (moment - NOW).total_seconds()


@pytest.mark.parametrize(("item", "where"), [
    ({"code": "1.001193", "name": "Khai sinh\ud800"}, "items[0].name"),
    ({"code": "1.001193", "fields": [{"label": "A\x00"}]}, "items[0].fields[0].label"),
    ({"code": "1.001193", "x\udfff": 1}, "items[0]"),
    ({"code": "1.001193", "deep": [[[[[[[[[[[[[[1]]]]]]]]]]]]]]}, None),
])
def test_a_procedure_holding_text_that_cannot_be_stored_is_refused_with_its_page(
    item: dict[str, Any], where: str | None,
) -> None:
    with pytest.raises(BadAnswer) as refused:
        answers.parse_procedures({"now": "20261124093000", "items": [item]})
    assert where is None or refused.value.where == where
