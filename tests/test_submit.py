"""``kiosk submit``: every shipped example seals; hostile drafts are refused, nothing queued."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.domain.states import DossierState
from kiosk.draft_file import read_draft_file, submit_command
from kiosk.services import Runtime, build_queue, open_database, shipped_catalogue

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


def runtime(tmp_path: Path) -> Runtime:
    return Runtime(load_config(EXAMPLES / "demo.toml"), tmp_path / "data")


def submit(rt: Runtime, path: Path) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = submit_command(rt, path, NOW, out, err)
    return code, out.getvalue(), err.getvalue()


def queued(rt: Runtime) -> list[str]:
    db = open_database(rt)
    try:
        return [q.code for q in build_queue(rt, db).recent()]
    finally:
        db.dispose()


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_every_example_seals_a_pending_dossier(tmp_path: Path, example: str) -> None:
    rt = runtime(tmp_path)
    code, out, err = submit(rt, EXAMPLES / example)
    assert code == 0, err
    assert out.strip() == "000.00.00.H23-261124-1000"
    assert "hẹn trả kết quả" in err
    db = open_database(rt)
    try:
        detail = build_queue(rt, db).find(out.strip())
    finally:
        db.dispose()
    assert detail is not None and detail.dossier.state is DossierState.PENDING
    assert detail.attachments


def test_there_is_one_example_per_catalogue_procedure() -> None:
    codes = {json.loads(p.read_text(encoding="utf-8"))["procedure"]
             for p in EXAMPLES.glob("*.json")}
    assert codes == {p.code for p in shipped_catalogue()}


def test_the_cccd_qr_fills_the_applicant(tmp_path: Path) -> None:
    result = read_draft_file(EXAMPLES / "khai-sinh.json", shipped_catalogue(), NOW)
    assert result.draft is not None
    assert result.draft.applicant.full_name == "Nguyễn Thị Ánh"
    assert result.draft.applicant.personal_id == "030195012345"


def test_a_certified_copy_is_charged_by_pages_and_copies(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    _, out, _ = submit(rt, EXAMPLES / "chung-thuc-ban-sao.json")
    db = open_database(rt)
    try:
        fees = build_queue(rt, db).find(out.strip()).payload["DanhSachLePhi"]
    finally:
        db.dispose()
    assert [f["Gia"] for f in fees] == [6000]  # 1 page × 2.000 đ × 3 copies


def hostile(tmp_path: Path, change: dict[str, object] | None = None, text: str | None = None
            ) -> Path:
    shutil.copytree(EXAMPLES / "files", tmp_path / "files")
    path = tmp_path / "draft.json"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    else:
        body = json.loads((EXAMPLES / "khai-sinh.json").read_text(encoding="utf-8"))
        path.write_text(json.dumps(body | (change or {}), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "text", "expected"), [
    (None, "", "không phải JSON"),
    (None, "{\"procedure\": ", "không phải JSON"),
    (None, "[1, 2]", "đối tượng JSON"),
    ({"procedure": "9.999999"}, None, "9.999999"),
    ({"procedure": 42}, None, "procedure"),
    ({"applicant": {"so_dien_thoai": "0123"}}, None, "điện thoại"),
    ({"cccd_qr": "030195012345,,Nguyễn Thị Ánh"}, None, "căn cước"),
    ({"form": {"ho_ten_tre": "Trần Minh Đức", "ngay_sinh": "31/02/2026"}}, None, "ngày"),
    ({"documents": []}, None, "Còn thiếu giấy tờ bắt buộc"),
    ({"documents": [{"component": "TK", "file": "../../etc/passwd"}]}, None, "passwd"),
    ({"documents": [{"component": "TK", "file": "files/nope.pdf"}]}, None, "nope.pdf"),
    ({"documents": "to-khai.pdf"}, None, "documents"),
    ({"delivery": "post"}, None, "địa chỉ nhận kết quả"),
    ({"delivery": "drone"}, None, "delivery"),
    ({"declaration": False}, None, "chịu trách nhiệm"),
])
def test_a_hostile_draft_is_refused_with_a_vietnamese_reason_and_nothing_is_queued(
    tmp_path: Path, change: dict[str, object] | None, text: str | None, expected: str
) -> None:
    rt = runtime(tmp_path)
    code, out, err = submit(rt, hostile(tmp_path, change, text))
    assert code == 1
    assert out == ""
    assert expected in err
    assert "Traceback" not in err
    assert queued(rt) == []


def test_a_renamed_text_file_is_not_accepted_as_a_pdf(tmp_path: Path) -> None:
    path = hostile(tmp_path, {"documents": [{"component": "TK", "file": "files/fake.pdf"},
                                            {"component": "GCS", "file": "files/fake.pdf"}]})
    (tmp_path / "files" / "fake.pdf").write_text("just text", encoding="utf-8")
    code, _, err = submit(runtime(tmp_path), path)
    assert code == 1 and "fake.pdf" in err
