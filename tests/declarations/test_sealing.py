"""Sealing attaches the kiosk's own tờ khai, once, under its component code."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from io import StringIO
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.declarations.service import sealed_declaration
from kiosk.domain.catalogue_json import parse_procedure, procedure_to_dict
from kiosk.domain.draft import check_documents
from kiosk.domain.errors import DataError
from kiosk.draft_file import submit_command
from kiosk.services import Runtime, build_queue, open_database, shipped_catalogue
from tests.support.kiosk import START, birth_draft, open_kiosk


def test_sealing_attaches_exactly_one_generated_tk_pdf(tmp_path: Path) -> None:
    kiosk = open_kiosk(tmp_path)
    dossier = kiosk.submitter.seal(birth_draft(kiosk.catalogue, START))  # also brings a TK file
    attachments = kiosk.queue.attachments(dossier.id)
    tk = [a for a in attachments if a.component_code == "TK"]
    assert len(tk) == 1
    assert tk[0].file_name == "to-khai.pdf" and tk[0].content_type == "application/pdf"


def test_every_tk_of_the_catalogue_is_generated_and_never_asked_for() -> None:
    for procedure in shipped_catalogue():
        for document in procedure.documents:
            assert document.generated == (document.code == "TK"), procedure.code
        assert "TK" not in {d.code for d in procedure.documents_to_bring}
        assert "TK" not in {d.code for d in procedure.required_documents}


def test_a_birth_without_a_tk_file_is_complete() -> None:
    procedure = shipped_catalogue().get("1.001193")
    draft = birth_draft(shipped_catalogue(), START)
    others = [d for d in draft.documents if d.component_code != "TK"]
    assert check_documents(procedure, others).ok


def test_the_generated_flag_round_trips_and_must_be_a_boolean() -> None:
    procedure = shipped_catalogue().get("1.001193")
    data = procedure_to_dict(procedure)
    assert parse_procedure(data) == procedure
    documents = data["documents"]
    assert isinstance(documents, list)
    documents[0]["generated"] = "yes"
    with pytest.raises(DataError):
        parse_procedure(data)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("example", ["khai-sinh.json", "ket-hon.json", "khai-tu.json"])
def test_kiosk_submit_seals_the_generated_tk_too(tmp_path: Path, example: str) -> None:
    rt = Runtime(load_config(EXAMPLES / "demo.toml"), tmp_path / "data")
    out, err = StringIO(), StringIO()
    assert submit_command(rt, EXAMPLES / example, START, out, err) == 0, err.getvalue()
    db = open_database(rt)
    try:
        queue = build_queue(rt, db)
        pdf = sealed_declaration(queue, out.getvalue().strip())
        detail = queue.find(out.getvalue().strip())
    finally:
        db.dispose()
    assert detail is not None
    assert [a.component_code for a in detail.attachments].count("TK") == 1
    assert pdf is not None
    (tmp_path / "tk.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "tk.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    form = json.loads((EXAMPLES / example).read_text(encoding="utf-8"))["form"]
    names = [v for k, v in form.items() if k.startswith("ho_ten")]
    assert "TỜ KHAI" in text and names
    for name in names:  # every person's name the example gives is on the form
        assert unicodedata.normalize("NFC", name) in unicodedata.normalize("NFC", text)


def test_a_dossier_without_a_tk_has_no_sealed_declaration(tmp_path: Path) -> None:
    kiosk = open_kiosk(tmp_path)
    assert sealed_declaration(kiosk.queue, "000.00.00.H23-261124-9999") is None
