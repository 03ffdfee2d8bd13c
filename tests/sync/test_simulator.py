"""The portal simulator, over real HTTP on 127.0.0.1 (PORTAL_API.md v1).

Time only moves when a test moves the injected clock: nothing here sleeps or
measures elapsed time.
"""

from __future__ import annotations

import hashlib
import io
import json
import signal
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
from kiosk.domain.dates import VIETNAM_TZ

START = datetime(2026, 11, 24, 9, 30, 0, tzinfo=VIETNAM_TZ)
STEP = 60
CODE = "000.00.00.H23-261124-1001"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
MiB = 1024 * 1024


class Clock:
    def __init__(self) -> None:
        self.now = START
        self.broken = False

    def __call__(self) -> datetime:
        if self.broken:
            raise RuntimeError("clock failure injected by a test")
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def wire(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "portal.sqlite3"


@pytest.fixture
def portal(db_path: Path, clock: Clock) -> Iterator[PortalSimulator]:
    with PortalSimulator(db_path, clock=clock, step_seconds=STEP) as simulator:
        yield simulator


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


class Api:
    """Small helpers over one session and one simulator."""

    def __init__(self, portal: PortalSimulator, http: requests.Session) -> None:
        self.portal, self.http = portal, http
        self.headers = {"Authorization": f"Bearer {self.token()}"}

    def token(self) -> str:
        answer = self.post("/api/v1/token", json=credentials(), auth=False)
        assert answer.status_code == 200
        return str(answer.json()["access_token"])

    def get(self, path: str, *, auth: bool = True, **kwargs: Any) -> requests.Response:
        return self.http.get(self.portal.url + path, headers=self._auth(auth), **kwargs)

    def post(self, path: str, *, auth: bool = True, **kwargs: Any) -> requests.Response:
        headers = {**self._auth(auth), **kwargs.pop("headers", {})}
        return self.http.post(self.portal.url + path, headers=headers, **kwargs)

    def _auth(self, auth: bool) -> dict[str, str]:
        return dict(self.headers) if auth else {}

    def upload(self, data: bytes, name: str = "to-khai.pdf", sha: str | None = None) -> Any:
        return self.post(
            "/api/v1/files",
            files={"file": (name, data, "application/pdf")},
            data={"sha256": sha or hashlib.sha256(data).hexdigest()},
        )

    def submit(self, body: Any, key: str = "key-1") -> requests.Response:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.post("/api/v1/dossiers", data=payload, headers={"Idempotency-Key": key})

    def stats(self) -> dict[str, int]:
        return dict(self.get("/_sim/stats", auth=False).json())


@pytest.fixture
def api(portal: PortalSimulator, http: requests.Session) -> Api:
    return Api(portal, http)


def credentials(secret: str = "demo-secret") -> dict[str, str]:
    return {"client_id": "kiosk-demo", "client_secret": secret}


def dossier(file_id: str | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "MaHoSo": CODE,
        "MaKiosk": "KIOSK-01",
        "MaTTHC": "1.001193",
        "TenTTHC": "Đăng ký khai sinh",
        "MucDo": "3",
        "KenhThucHien": 2,
        "NgayTiepNhan": "20261124093012",
        "NgayHenTra": "20261127170000",
        "ChuHoSo": {"HoTen": "Nguyễn Văn Ất", "SoDinhDanh": "030090012345", "Email": None},
        "TrichYeuHoSo": "Đăng ký khai sinh cho Nguyễn Văn B",
        "DuLieuBieuMau": {"ho_ten_tre": "Nguyễn Văn B", "can_nang": 3.2},
        "TaiLieuNop": [],
        "HinhThucNhanKetQua": 1,
        "DiaChiNhanKetQua": None,
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": 0, "HinhThucThanhToan": 1}],
        "CamKet": {"DongY": True, "ThoiDiem": "20261124093010"},
        "NguoiHoTro": None,
    }
    if file_id is not None:
        document = {"MaThanhPhanHoSo": "TK", "TenThanhPhan": "Tờ khai", "IdTepTin": file_id}
        body["TaiLieuNop"] = [document]
    body.update(changes)
    return body


def assert_error(answer: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], list)
    assert "Traceback" not in answer.text
    return dict(body)


# --- §1 token and authorization --------------------------------------------------------


def test_demo_credentials_get_a_bearer_token(portal: PortalSimulator, http: Any) -> None:
    answer = http.post(portal.url + "/api/v1/token", json=dict(credentials()))
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert len(body["access_token"]) >= 32
    assert DEMO_CREDENTIALS == {"kiosk-demo": "demo-secret"}


@pytest.mark.parametrize(
    "payload", [credentials("wrong"), {"client_id": "other", "client_secret": "demo-secret"}]
)
def test_bad_credentials_are_refused_with_401(
    portal: PortalSimulator, http: Any, payload: dict[str, str]
) -> None:
    assert_error(http.post(portal.url + "/api/v1/token", json=payload), 401, "invalid_client")


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'{"client_id": 5}', b"\xff\xfe"])
def test_a_malformed_token_request_is_a_400(portal: PortalSimulator, http: Any, raw: bytes) -> None:
    assert_error(http.post(portal.url + "/api/v1/token", data=raw), 400, "bad_request")


def test_a_secret_with_a_lone_surrogate_is_refused_not_crashed(
    portal: PortalSimulator, http: Any
) -> None:
    raw = b'{"client_id": "kiosk-demo", "client_secret": "\\ud800"}'
    assert_error(http.post(portal.url + "/api/v1/token", data=raw), 401, "invalid_client")


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic a2lvc2s6ZGVtbw=="])
def test_protected_endpoints_need_a_valid_token(api: Api, header: str | None) -> None:
    api.headers = {} if header is None else {"Authorization": header}
    answer = api.get("/api/v1/dossiers/" + CODE)
    assert_error(answer, 401, "unauthorized")
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_revoked_tokens_answer_401_and_a_new_token_works(api: Api) -> None:
    assert api.get("/api/v1/procedures").status_code == 200
    assert api.post("/_sim/revoke-tokens", auth=False).json() == {"revoked": 1}
    assert_error(api.get("/api/v1/procedures"), 401, "unauthorized")
    api.headers = {"Authorization": f"Bearer {api.token()}"}
    assert api.get("/api/v1/procedures").status_code == 200


def test_a_token_expires_by_the_portal_clock(api: Api, clock: Clock) -> None:
    clock.advance(3599)
    assert api.get("/api/v1/procedures").status_code == 200
    clock.advance(1)
    assert_error(api.get("/api/v1/procedures"), 401, "unauthorized")


def test_health_needs_no_token(api: Api) -> None:
    answer = api.get("/api/v1/health", auth=False)
    assert answer.json() == {"status": "ok", "now": wire(START)}


# --- §2 files ----------------------------------------------------------------------------


def test_a_new_file_is_201_and_the_same_bytes_again_are_200_with_the_same_body(api: Api) -> None:
    first = api.upload(PDF)
    assert first.status_code == 201
    body = first.json()
    assert body["HashTepTin"] == hashlib.sha256(PDF).hexdigest()
    assert body["KichThuoc"] == len(PDF) and body["IdTepTin"]
    again = api.upload(PDF, name="other-name.pdf")
    assert again.status_code == 200 and again.json() == body
    assert api.stats()["files_new"] == 1 and api.stats()["files_replayed"] == 1


def test_bytes_that_do_not_hash_to_sha256_are_refused(api: Api) -> None:
    answer = api.upload(PDF, sha=hashlib.sha256(b"other").hexdigest())
    assert_error(answer, 400, "hash_mismatch")
    assert api.stats()["files"] == 0


def test_a_text_file_renamed_pdf_is_415(api: Api) -> None:
    assert_error(api.upload(b"just some text\n", name="fake.pdf"), 415, "unsupported_type")


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        PDF,
        b"\xff\xd8\xff\xe0" + b"\x00" * 16,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16,
        _zip("[Content_Types].xml", "word/document.xml"),
        _zip("scan-1.jpg"),
    ],
    ids=["pdf", "jpeg", "png", "doc", "docx", "zip"],
)
def test_the_accepted_kinds_are_recognised_by_content(api: Api, data: bytes) -> None:
    assert api.upload(data, name="no-extension").status_code == 201


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04broken", b"GIF89a" + b"\x00" * 10])
def test_empty_broken_or_other_files_are_415(api: Api, data: bytes) -> None:
    assert_error(api.upload(data), 415, "unsupported_type")


def test_a_file_over_10_mib_is_413(api: Api) -> None:
    assert_error(api.upload(b"%PDF-" + b"0" * (10 * MiB - 4)), 413, "too_large")
    assert api.upload(b"%PDF-" + b"0" * (10 * MiB - 5)).status_code == 201  # exactly 10 MiB


def test_a_far_larger_upload_is_refused_and_the_client_still_reads_the_413(api: Api) -> None:
    assert_error(api.upload(b"%PDF-" + b"0" * (11 * MiB)), 413, "too_large")
    assert api.get("/api/v1/health").status_code == 200


def test_a_huge_upload_is_refused_from_its_content_length_without_reading_it(
    portal: PortalSimulator,
) -> None:
    host, port = portal.url.removeprefix("http://").split(":")
    head = (
        "POST /api/v1/files HTTP/1.1\r\nHost: portal\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {500 * MiB}\r\n\r\n"
    )
    # Not one byte of the body is sent: an answer proves the server did not wait for it.
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode())
        answer = _read_until_closed(sock)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413 ")  # the phrase differs by Python version
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["error"] == "too_large"


def _read_until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_file_name_in_another_encoding_is_stored_anyway(api: Api) -> None:
    raw = (
        b'--zzz\r\nContent-Disposition: form-data; name="sha256"\r\n\r\n'
        + hashlib.sha256(PDF).hexdigest().encode()
        + b'\r\n--zzz\r\nContent-Disposition: form-data; name="file"; filename="t\xf4.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n--zzz--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=zzz"}
    assert api.post("/api/v1/files", data=raw, headers=headers).status_code == 201


@pytest.mark.parametrize("length", ["\u00b2", "-1", "12abc", "99999999999999999999"])
def test_a_nonsense_content_length_is_a_400_and_the_connection_closes(
    portal: PortalSimulator, length: str
) -> None:
    host, port = portal.url.removeprefix("http://").split(":")
    head = f"POST /api/v1/token HTTP/1.1\r\nHost: portal\r\nContent-Length: {length}\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode("latin-1"))
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b'"error": "bad_request"' in answer


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("multipart/form-data; boundary=zzz", b"garbage without any boundary"),
        ("application/json", b'{"file": "x"}'),
        ("multipart/form-data", b"--zzz\r\n\r\nx\r\n--zzz--\r\n"),
        (
            "multipart/form-data; boundary=zzz",
            b'--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
            b"%PDF-1.4\r\n--zzz--\r\n",
        ),
        (
            "multipart/form-data; boundary=zzz",
            b'--zzz\r\nContent-Disposition: form-data; name="sha256"\r\n\r\n' + b"0" * 64 + b"\r\n"
            b'--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
            b"%PDF-1.4 truncated here",
        ),
    ],
    ids=["no-boundary-in-body", "not-multipart", "no-boundary-param", "no-sha256", "truncated"],
)
def test_malformed_multipart_is_a_400(api: Api, content_type: str, raw: bytes) -> None:
    answer = api.post("/api/v1/files", data=raw, headers={"Content-Type": content_type})
    assert_error(answer, 400, "bad_request")


# --- §3 dossiers ---------------------------------------------------------------------


@pytest.fixture
def file_id(api: Api) -> str:
    return str(api.upload(PDF).json()["IdTepTin"])


def test_a_new_dossier_is_201_with_its_official_code(api: Api, file_id: str) -> None:
    answer = api.submit(dossier(file_id))
    assert answer.status_code == 201
    assert answer.json() == {
        "MaHoSo": CODE,
        "MaHoSoKiosk": CODE,
        "TrangThaiHoSo": 1,
        "NgayHenTra": "20261127170000",
    }


def test_a_retry_with_the_same_key_and_body_is_200_with_the_first_answer(
    api: Api, file_id: str, clock: Clock
) -> None:
    first = api.submit(dossier(file_id))
    clock.advance(10 * STEP)  # the dossier moved on meanwhile; the answer does not
    body = dossier(file_id)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2).encode()
    for payload in (body, reordered):
        again = api.submit(payload)
        assert again.status_code == 200
        assert again.json() == first.json()
    stats = api.stats()
    assert (stats["dossiers"], stats["dossiers_new"], stats["dossiers_replayed"]) == (1, 1, 2)


def test_the_same_key_with_another_body_is_a_409(api: Api, file_id: str) -> None:
    api.submit(dossier(file_id))
    answer = api.submit(dossier(file_id, TrichYeuHoSo="Nội dung khác"))
    assert_error(answer, 409, "idempotency_conflict")
    assert api.stats()["dossiers"] == 1 and api.stats()["dossiers_conflicts"] == 1


def test_a_dossier_without_idempotency_key_is_a_400(api: Api) -> None:
    answer = api.post("/api/v1/dossiers", json=dossier())
    assert_error(answer, 400, "missing_idempotency_key")


def _without(key: str) -> dict[str, Any]:
    body = dossier()
    del body[key]
    return body


HOSTILE: list[tuple[str, Any, str]] = [
    ("not-json", b"{'MaHoSo': 1", "$"),
    ("not-utf8", b'{"MaHoSo": "\xff"}', "$"),
    ("json-array", b"[1, 2, 3]", "$"),
    ("json-string", b'"MaHoSo"', "$"),
    ("nan", b'{"Gia": NaN}', "$"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "$"),
    ("duplicate-key", b'{"MaHoSo": "a", "MaHoSo": "b"}', "$"),
    ("missing-code", _without("MaHoSo"), "MaHoSo"),
    ("missing-owner", _without("ChuHoSo"), "ChuHoSo"),
    ("missing-name", dossier(ChuHoSo={"SoDinhDanh": "030090012345"}), "ChuHoSo.HoTen"),
    ("code-number", dossier(MaHoSo=1001), "MaHoSo"),
    ("level-int", dossier(MucDo=3), "MucDo"),
    ("channel-text", dossier(KenhThucHien="2"), "KenhThucHien"),
    ("channel-bool", dossier(KenhThucHien=True), "KenhThucHien"),
    ("channel-float", dossier(KenhThucHien=2.0), "KenhThucHien"),
    ("huge-name", dossier(ChuHoSo={"HoTen": "A" * 200_000, "SoDinhDanh": "1"}), "ChuHoSo.HoTen"),
    ("control-chars", dossier(TenTTHC="Khai\x00sinh"), "TenTTHC"),
    ("impossible-date", dossier(NgayTiepNhan="20260230093012"), "NgayTiepNhan"),
    ("short-date", dossier(NgayHenTra="2026112717"), "NgayHenTra"),
    ("iso-date", dossier(NgayHenTra="2026-11-27T17:00"), "NgayHenTra"),
    ("post-no-address", dossier(HinhThucNhanKetQua=2), "DiaChiNhanKetQua"),
    ("post-blank", dossier(HinhThucNhanKetQua=2, DiaChiNhanKetQua=" "), "DiaChiNhanKetQua"),
    ("delivery-3", dossier(HinhThucNhanKetQua=3), "HinhThucNhanKetQua"),
    ("documents-not-list", dossier(TaiLieuNop={"IdTepTin": "x"}), "TaiLieuNop"),
    ("document-no-id", dossier(TaiLieuNop=[{"MaThanhPhanHoSo": "TK"}]), "TaiLieuNop[0].IdTepTin"),
    (
        "negative-fee",
        dossier(DanhSachLePhi=[{"TenPhiLePhi": "x", "Gia": -1, "HinhThucThanhToan": 1}]),
        "DanhSachLePhi[0].Gia",
    ),
    ("not-agreed", dossier(CamKet={"DongY": False, "ThoiDiem": "20261124093010"}), "CamKet.DongY"),
    ("unknown-key", dossier(MaHoSoo="typo"), "MaHoSoo"),
    ("form-too-deep", dossier(DuLieuBieuMau={"a": [[[[[[["x"]]]]]]]}), "DuLieuBieuMau"),
]


@pytest.mark.parametrize(("body", "field"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_bodies_are_422_invalid_with_details(api: Api, body: Any, field: str) -> None:
    error = assert_error(api.submit(body), 422, "invalid")
    assert field in [d["field"] for d in error["details"]]
    assert all(d["message"] for d in error["details"])
    assert api.stats()["dossiers"] == 0


def test_every_problem_of_a_body_is_listed(api: Api) -> None:
    body = dossier(MucDo=5, KenhThucHien="x", NgayHenTra="soon")
    del body["MaKiosk"]
    error = assert_error(api.submit(body), 422, "invalid")
    fields = {d["field"] for d in error["details"]}
    assert fields == {"MucDo", "KenhThucHien", "NgayHenTra", "MaKiosk"}


def test_a_body_over_one_mib_is_413(api: Api) -> None:
    body = dossier(TrichYeuHoSo="x" * (2 * MiB))
    assert_error(api.submit(body), 413, "too_large")


def test_a_file_never_uploaded_is_422_missing_file(api: Api, file_id: str) -> None:
    body = dossier(file_id)
    body["TaiLieuNop"].append(dict(body["TaiLieuNop"][0], IdTepTin="never-uploaded"))
    error = assert_error(api.submit(body), 422, "missing_file")
    assert [d["field"] for d in error["details"]] == ["TaiLieuNop[1].IdTepTin"]
    assert api.stats()["dossiers"] == 0


def test_a_document_whose_hash_differs_from_the_upload_is_refused(api: Api, file_id: str) -> None:
    body = dossier(file_id)
    body["TaiLieuNop"][0]["HashTepTin"] = "0" * 64
    error = assert_error(api.submit(body), 422, "missing_file")
    assert error["details"][0]["field"] == "TaiLieuNop[0].HashTepTin"


def test_a_taken_code_is_rekeyed_and_both_codes_are_kept(api: Api) -> None:
    assert api.submit(dossier(), key="first").json()["MaHoSo"] == CODE
    second = api.submit(dossier(MaKiosk="KIOSK-02"), key="second").json()
    assert second["MaHoSo"] == "000.00.00.H23-261124-9001"
    assert second["MaHoSoKiosk"] == CODE
    third = api.submit(dossier(MaKiosk="KIOSK-03"), key="third").json()
    assert third["MaHoSo"] == "000.00.00.H23-261124-9002"

    by_official = api.get("/api/v1/dossiers/000.00.00.H23-261124-9001").json()
    assert (by_official["MaHoSo"], by_official["MaHoSoKiosk"]) == (second["MaHoSo"], CODE)
    # The sent code names two dossiers now; it keeps naming the one that owns it officially.
    assert api.get("/api/v1/dossiers/" + CODE).json()["MaHoSo"] == CODE


def test_a_rekeyed_dossier_is_found_by_the_kiosk_code_it_was_sent_with(api: Api) -> None:
    api.submit(dossier(MaHoSo="000.00.00.H23-261124-9001"), key="squatter")
    answer = api.submit(dossier(MaHoSo="000.00.00.H23-261124-9001", MaKiosk="K2"), key="late")
    assert answer.json()["MaHoSo"] == "000.00.00.H23-261124-9002"
    api.submit(dossier(MaHoSo="ZZ-1"), key="other")
    looked_up = api.get("/api/v1/dossiers/ZZ-1").json()
    assert (looked_up["MaHoSo"], looked_up["MaHoSoKiosk"]) == ("ZZ-1", "ZZ-1")


def test_an_unknown_code_is_404(api: Api) -> None:
    assert_error(api.get("/api/v1/dossiers/000.00.00.H23-261124-7777"), 404, "not_found")


def test_concurrent_retries_of_one_dossier_create_it_exactly_once(
    portal: PortalSimulator, api: Api
) -> None:
    def send(_: int) -> int:
        with requests.Session() as session:
            headers = {**api.headers, "Idempotency-Key": "same-key"}
            answer = session.post(portal.url + "/api/v1/dossiers", json=dossier(), headers=headers)
            return answer.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(send, range(16)))
    assert statuses == [200] * 15 + [201]
    stats = api.stats()
    assert (stats["dossiers"], stats["dossiers_new"], stats["dossiers_replayed"]) == (1, 1, 15)


# --- §4 status -------------------------------------------------------------------------


def status_of(api: Api, code: str = CODE) -> dict[str, Any]:
    answer = api.get("/api/v1/dossiers/" + code)
    assert answer.status_code == 200
    return dict(answer.json())


def test_a_dossier_advances_one_step_per_period_with_scheduled_times(
    api: Api, clock: Clock
) -> None:
    api.submit(dossier())
    first = status_of(api)
    assert first["TrangThaiHoSo"] == 1 and first["NgayHenTra"] == "20261127170000"
    assert [e["TrangThai"] for e in first["QuaTrinhXuLy"]] == [1]
    clock.advance(STEP - 1)
    assert status_of(api)["TrangThaiHoSo"] == 1
    clock.advance(1)
    assert status_of(api)["TrangThaiHoSo"] == 2
    clock.advance(10 * STEP)  # one long jump still yields every step at its own time
    final = status_of(api)
    assert final["TrangThaiHoSo"] == 10
    steps = final["QuaTrinhXuLy"]
    assert [e["TrangThai"] for e in steps] == [1, 2, 4, 9, 10]
    assert [e["ThoiDiem"] for e in steps] == [
        wire(START + timedelta(seconds=STEP * i)) for i in range(5)
    ]
    assert all(e["NoiDung"] and e["DonVi"] for e in steps)


def test_an_official_status_stops_the_automatic_advance(api: Api, clock: Clock) -> None:
    api.submit(dossier())
    clock.advance(STEP)
    answer = api.post(
        f"/_sim/dossiers/{CODE}/status",
        json={"TrangThaiHoSo": 5, "NoiDung": "Bổ sung giấy chứng sinh bản chính."},
        auth=False,
    )
    assert answer.status_code == 200 and answer.json()["TrangThaiHoSo"] == 5
    clock.advance(10 * STEP)
    view = status_of(api)
    assert view["TrangThaiHoSo"] == 5
    assert [e["TrangThai"] for e in view["QuaTrinhXuLy"]] == [1, 2, 5]
    assert view["QuaTrinhXuLy"][-1]["NoiDung"] == "Bổ sung giấy chứng sinh bản chính."
    api.post(f"/_sim/dossiers/{CODE}/status", json={"TrangThaiHoSo": 4}, auth=False)
    assert status_of(api)["QuaTrinhXuLy"][-1] | {"ThoiDiem": ""} == {
        "ThoiDiem": "",
        "TrangThai": 4,
        "NoiDung": "Đang xử lý",
        "DonVi": "Bộ phận Một cửa UBND xã",
    }


@pytest.mark.parametrize("payload", [{"TrangThaiHoSo": 11}, {"TrangThaiHoSo": True}, [5], {}])
def test_a_bad_admin_status_is_422(api: Api, payload: Any) -> None:
    api.submit(dossier())
    answer = api.post(f"/_sim/dossiers/{CODE}/status", json=payload, auth=False)
    assert_error(answer, 422, "invalid")


def test_admin_status_of_an_unknown_dossier_is_404(api: Api) -> None:
    answer = api.post("/_sim/dossiers/nope/status", json={"TrangThaiHoSo": 5}, auth=False)
    assert_error(answer, 404, "not_found")


def changes(api: Api, since: str, kiosk: str = "KIOSK-01") -> dict[str, Any]:
    answer = api.get("/api/v1/dossiers", params={"kiosk": kiosk, "changed_since": since})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_changed_since_lists_what_changed_strictly_after_the_moment(api: Api, clock: Clock) -> None:
    api.submit(dossier())
    api.submit(dossier(MaHoSo="X-1", MaKiosk="KIOSK-02"), key="elsewhere")
    before = wire(START - timedelta(seconds=1))
    listed = changes(api, before)
    assert [i["MaHoSo"] for i in listed["items"]] == [CODE]
    assert listed["now"] == wire(START)
    assert listed["items"][0]["QuaTrinhXuLy"][0]["TrangThai"] == 1
    assert changes(api, listed["now"])["items"] == []  # acceptance is not after itself
    clock.advance(STEP)
    moved = changes(api, listed["now"])
    assert [i["TrangThaiHoSo"] for i in moved["items"]] == [2]
    assert changes(api, moved["now"])["items"] == []
    assert changes(api, before, kiosk="KIOSK-09")["items"] == []


def test_without_changed_since_everything_of_the_kiosk_is_listed(api: Api) -> None:
    api.submit(dossier())
    answer = api.get("/api/v1/dossiers", params={"kiosk": "KIOSK-01"})
    assert len(answer.json()["items"]) == 1


@pytest.mark.parametrize("since", ["2026-11-24", "20261340000000", "2026112409300", "x" * 14])
def test_a_bad_changed_since_is_400(api: Api, since: str) -> None:
    answer = api.get("/api/v1/dossiers", params={"kiosk": "K", "changed_since": since})
    assert_error(answer, 400, "bad_request")
    assert_error(api.get("/api/v1/procedures", params={"changed_since": since}), 400, "bad_request")


def test_listing_without_a_kiosk_is_400(api: Api) -> None:
    assert_error(api.get("/api/v1/dossiers"), 400, "bad_request")


# --- §5 catalogue, routing, failures ----------------------------------------------------


def test_the_shipped_catalogue_counts_as_changed_at_start(api: Api, clock: Clock) -> None:
    everything = api.get("/api/v1/procedures").json()
    codes = [item["code"] for item in everything["items"]]
    assert "1.001193" in codes and len(codes) == len(set(codes))
    assert {"name", "level", "time_limit", "fees", "documents", "fields"} <= set(
        everything["items"][0]
    )
    since_before = api.get("/api/v1/procedures", params={"changed_since": "20260101000000"})
    assert len(since_before.json()["items"]) == len(codes)
    clock.advance(1)
    later = api.get("/api/v1/procedures", params={"changed_since": wire(START)}).json()
    assert later == {"items": [], "now": wire(START + timedelta(seconds=1))}


def test_unknown_paths_are_404_and_wrong_methods_405(api: Api) -> None:
    assert_error(api.get("/api/v2/health"), 404, "not_found")
    wrong = api.http.delete(api.portal.url + "/api/v1/dossiers")
    assert_error(wrong, 405, "method_not_allowed")
    assert wrong.headers["Allow"] == "GET, POST"
    assert_error(api.http.options(api.portal.url + "/api/v1/health"), 501, "not_implemented")


@pytest.mark.logs_errors
def test_an_unexpected_failure_is_a_500_json_body_without_traceback(
    api: Api, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.broken = True
    answer = api.get("/api/v1/health")
    clock.broken = False
    assert_error(answer, 500, "internal_error")
    assert "clock failure injected" in caplog.text  # logged for the technician instead
    assert api.get("/api/v1/health").status_code == 200


# --- durability ------------------------------------------------------------------------


def test_a_restarted_portal_remembers_dossiers_and_files_but_not_tokens(
    db_path: Path, clock: Clock, http: requests.Session
) -> None:
    with PortalSimulator(db_path, clock=clock, step_seconds=STEP) as first:
        api = Api(first, http)
        file_id = api.upload(PDF).json()["IdTepTin"]
        accepted = api.submit(dossier(file_id)).json()
        old_headers = api.headers
    clock.advance(2 * STEP)
    with PortalSimulator(db_path, clock=clock, step_seconds=STEP * 100) as second:
        api = Api(second, http)
        stale = http.get(second.url + "/api/v1/procedures", headers=old_headers)
        assert_error(stale, 401, "unauthorized")
        assert api.upload(PDF).json()["IdTepTin"] == file_id
        replay = api.submit(dossier(file_id))
        assert (replay.status_code, replay.json()) == (200, accepted)
        # Each dossier keeps the step length it was accepted under.
        assert status_of(api)["TrangThaiHoSo"] == 4
        stats = api.stats()
    assert (stats["dossiers"], stats["dossiers_new"], stats["dossiers_replayed"]) == (1, 1, 1)
    assert (stats["files"], stats["files_new"], stats["files_replayed"]) == (1, 1, 1)


def test_stop_returns_while_a_client_keeps_an_idle_connection(
    db_path: Path, http: requests.Session
) -> None:
    simulator = PortalSimulator(db_path)
    simulator.start()
    assert http.get(simulator.url + "/api/v1/health").status_code == 200
    simulator.stop()  # the session still holds its keep-alive connection
    simulator.stop()  # and stopping twice is harmless
    with pytest.raises(RuntimeError):
        _ = simulator.url


def test_the_cli_serves_until_ctrl_c_and_prints_url_and_credentials(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from kiosk.demo.simulator import run_simulator_cli;"
        "sys.exit(run_simulator_cli('127.0.0.1', 0, Path(sys.argv[1]), 5.0))"
    )
    command = [sys.executable, "-c", script, str(tmp_path)]
    # Started with SIGINT ignored, as a shell's background job is: Ctrl+C must still stop it.
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)
                          ) as proc:
        assert proc.stdout is not None
        banner = [proc.stdout.readline() for _ in range(5)]
        url = banner[0].split()[-1]
        with requests.Session() as session:
            assert session.get(url + "/api/v1/health", timeout=10).status_code == 200
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=30)
            rest = "".join(banner) + rest
        finally:
            proc.kill()
        assert proc.returncode == 0
    assert url.startswith("http://127.0.0.1:")
    assert "kiosk-demo" in rest and "demo-secret" in rest
    assert (tmp_path / "portal-sim" / "portal.sqlite3").exists()
