"""§7 ratings on the real simulator over HTTP: acceptance, idempotency, every refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
from kiosk.demo.simulator_errors import PortalError
from kiosk.demo.simulator_ratings import validate_rating

CLIENT_ID, SECRET = next(iter(DEMO_CREDENTIALS.items()))
KEY = "6f1c2b1e-2f7a-4a8e-9d1e-0b7f2d9c1a11"


def good(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"MaKiosk": "KIOSK-01", "MaHoSo": "000.00.00.H23-261124-1001",
                            "ThoiDiem": "20261124093012", "MucDo": 2,
                            "LyDo": ["so_lan_di_lai", "khac"], "GopY": "Chờ lâu quá."}
    body.update(changes)
    return body


class Client:
    def __init__(self, url: str) -> None:
        self.url = url
        token = requests.post(f"{url}/api/v1/token", timeout=10,
                              json={"client_id": CLIENT_ID, "client_secret": SECRET})
        self.headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

    def post(self, body: object, key: str = KEY, raw: bytes | None = None,
             headers: dict[str, str] | None = None) -> requests.Response:
        data = raw if raw is not None else json.dumps(body).encode()
        all_headers = {**self.headers, "Idempotency-Key": key,
                       "Content-Type": "application/json", **(headers or {})}
        return requests.post(f"{self.url}/api/v1/ratings", data=data, headers=all_headers,
                             timeout=10)

    def held(self, kiosk: str = "KIOSK-01") -> list[dict[str, Any]]:
        answer = requests.get(f"{self.url}/_sim/ratings", params={"kiosk": kiosk}, timeout=10)
        assert answer.status_code == 200
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    def stats(self) -> dict[str, int]:
        stats: dict[str, int] = requests.get(f"{self.url}/_sim/stats", timeout=10).json()
        return stats


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    with PortalSimulator(tmp_path / "portal.sqlite3", step_seconds=60) as sim:
        yield Client(sim.url)


def fields(answer: requests.Response) -> set[str]:
    return {d["field"] for d in answer.json()["details"]}


def test_a_rating_is_accepted_and_kept(client: Client) -> None:
    answer = client.post(good())
    assert answer.status_code == 201
    rating_id = answer.json()["IdDanhGia"]
    assert isinstance(rating_id, str) and rating_id
    assert client.held() == [{"IdDanhGia": rating_id, **good()}]
    assert client.held("KIOSK-02") == []


def test_a_retry_with_the_same_key_and_body_is_answered_200_and_counted_once(
    client: Client,
) -> None:
    first = client.post(good())
    reordered = json.dumps(dict(reversed(list(good().items()))), indent=2).encode()
    again = client.post(None, raw=reordered)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(client.held()) == 1
    assert client.stats()["ratings"] == 1
    assert client.stats()["ratings_replayed"] == 1


def test_the_same_key_with_another_body_is_a_conflict(client: Client) -> None:
    assert client.post(good()).status_code == 201
    answer = client.post(good(MucDo=1))
    assert answer.status_code == 409
    assert answer.json()["error"] == "idempotency_conflict"
    assert [r["MucDo"] for r in client.held()] == [2]


def test_a_new_key_is_a_new_rating(client: Client) -> None:
    assert client.post(good()).status_code == 201
    assert client.post(good(), key="another-key").status_code == 201
    assert len(client.held()) == 2


def test_a_token_is_required(client: Client) -> None:
    answer = client.post(good(), headers={"Authorization": "Bearer nope"})
    assert answer.status_code == 401
    assert client.held() == []


def test_a_missing_idempotency_key_is_refused(client: Client) -> None:
    answer = client.post(good(), key="")
    assert answer.status_code == 400
    assert client.held() == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"MaKiosk": ""}, "MaKiosk"),
    ({"MaKiosk": 7}, "MaKiosk"),
    ({"MaKiosk": "K" * 65}, "MaKiosk"),
    ({"MaHoSo": 12}, "MaHoSo"),
    ({"MaHoSo": "x\x00y"}, "MaHoSo"),
    ({"ThoiDiem": "20260230093012"}, "ThoiDiem"),
    ({"ThoiDiem": "2026-11-24"}, "ThoiDiem"),
    ({"ThoiDiem": 20261124093012}, "ThoiDiem"),
    ({"MucDo": 0}, "MucDo"),
    ({"MucDo": 6}, "MucDo"),
    ({"MucDo": True}, "MucDo"),
    ({"MucDo": 2.0}, "MucDo"),
    ({"MucDo": "2"}, "MucDo"),
    ({"LyDo": "khac"}, "LyDo"),
    ({"LyDo": ["khac", "khac"]}, "LyDo[1]"),
    ({"LyDo": ["tot"]}, "LyDo[0]"),
    ({"LyDo": [1]}, "LyDo[0]"),
    ({"GopY": "a" * 501}, "GopY"),
    ({"GopY": 5}, "GopY"),
    ({"GopY": "bell\x07"}, "GopY"),
    ({"Extra": 1}, "Extra"),
    ({"HoTen": "Nguyễn Văn A"}, "HoTen"),  # no personal data slips through
])
def test_each_bad_field_is_refused_by_name(
    client: Client, changes: dict[str, Any], field: str,
) -> None:
    answer = client.post(good(**changes))
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid"
    assert field in fields(answer)
    assert client.held() == []


@pytest.mark.parametrize("name", ["MaKiosk", "MaHoSo", "ThoiDiem", "MucDo", "LyDo", "GopY"])
def test_each_missing_field_is_refused(client: Client, name: str) -> None:
    body = good()
    del body[name]
    answer = client.post(body)
    assert answer.status_code == 422
    assert fields(answer) == {name}


def test_reasons_at_level_four_are_refused(client: Client) -> None:
    answer = client.post(good(MucDo=4, LyDo=["khac"]))
    assert answer.status_code == 422
    assert fields(answer) == {"LyDo"}
    assert client.post(good(MucDo=4, LyDo=[])).status_code == 201


def test_a_501_character_comment_is_refused_and_500_accepted(client: Client) -> None:
    assert client.post(good(GopY="ạ" * 501)).status_code == 422
    assert client.post(good(GopY="ạ" * 500)).status_code == 201


def test_nulls_where_the_contract_allows_them(client: Client) -> None:
    assert client.post(good(MaHoSo=None, GopY=None, MucDo=5, LyDo=[])).status_code == 201


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1,2]", b'{"MucDo": NaN}',
                                 b'{"MucDo": 1, "MucDo": 2}', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(client: Client, raw: bytes) -> None:
    assert client.post(None, raw=raw).status_code == 422
    assert client.held() == []


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=600),
    lambda inner: st.lists(inner, max_size=8) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=8),
    max_leaves=40,
)
_field_values = st.fixed_dictionaries({}, optional={k: _json for k in good()})


@settings(max_examples=100, database=None, deadline=None)
@given(st.one_of(_json, _field_values, st.builds(lambda extra: {**good(), **extra},
                                                 _field_values)))
def test_hostile_bodies_are_refused_with_bounded_details_or_accepted_only_if_sound(
    body: object,
) -> None:
    try:
        validate_rating(body)
    except PortalError as error:
        assert error.status == 422
        assert 0 < len(error.details) <= 50
        assert all(len(d["field"]) <= 120 for d in error.details)
        return
    assert isinstance(body, dict) and set(body) == set(good())
    assert type(body["MucDo"]) is int and 1 <= body["MucDo"] <= 5
    assert body["LyDo"] == [] or body["MucDo"] <= 3
    assert body["GopY"] is None or len(body["GopY"]) <= 500


@settings(max_examples=50, database=None, deadline=None)
@given(st.integers(min_value=2, max_value=20_000))
def test_deep_nesting_is_refused_without_recursion_trouble(depth: int) -> None:
    nested: object = "khac"
    for _ in range(min(depth, 5_000)):
        nested = [nested]
    with pytest.raises(PortalError):
        validate_rating(good(LyDo=nested))
