"""Draft files are checked against a strict schema: unknown keys and wrong types are
refused with the key named, size and nesting are bounded; random drafts never end in
a traceback, always in an exit code and a Vietnamese message."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import load_config
from kiosk.draft_file import read_draft_file, submit_command
from kiosk.services import Runtime, shipped_catalogue

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
BASE: dict[str, Any] = json.loads((EXAMPLES / "khai-sinh.json").read_text(encoding="utf-8"))
CATALOGUE = shipped_catalogue()


def draft_at(folder: Path, body: object = None, text: str | None = None) -> Path:
    if not (folder / "files").exists():
        shutil.copytree(EXAMPLES / "files", folder / "files")
    path = folder / "draft.json"
    path.write_text(text if text is not None else json.dumps(body), encoding="utf-8")
    return path


def first_problem(path: Path) -> tuple[str, str | None, str]:
    result = read_draft_file(path, CATALOGUE, NOW)
    assert result.draft is None
    error = result.problems.errors[0]
    return error.code, error.field, error.message


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"delivery": []}, "wrong_type", "delivery"),
    ({"payment": {"online": True}}, "wrong_type", "payment"),
    ({"fees": -1}, "unknown_key", "fees"),
    ({"declaration": "yes"}, "wrong_type", "declaration"),
    ({"procedure": 42}, "wrong_type", "procedure"),
    ({"applicant": {"so_dien_thoai": 912345678}}, "wrong_type", "applicant.so_dien_thoai"),
    ({"applicant": {"luong": "1"}}, "unknown_key", "applicant.luong"),
    ({"form": {"khong_co": "x"}}, "unknown_key", "form.khong_co"),
    ({"form": {"ho_ten_tre": ["a"]}}, "wrong_type", "form.ho_ten_tre"),
    ({"documents": [{"component": "TK", "file": "files/a\x00.pdf"}]}, "bad_path",
     "documents[0].file"),
    ({"documents": [{"component": "TK", "file": "files/" + "a" * 300 + ".pdf"}]}, "bad_path",
     "documents[0].file"),
    ({"documents": [{"component": "TK", "file": "/etc/passwd"}]}, "bad_path",
     "documents[0].file"),
    ({"documents": [{"component": "TK"}]}, "missing_key", "documents[0].file"),
    ({"documents": [{"component": "TK", "file": "x.pdf", "size": 1}]}, "unknown_key",
     "documents[0].size"),
    ({"documents": [None]}, "wrong_type", "documents[0]"),
    ({"assisted_by": {"name": "Cán bộ \ud800"}}, "bad_text", "assisted_by.name"),
    ({"assisted_by": {"name": "A", "role": "x"}}, "unknown_key", "assisted_by.role"),
    ({"cccd_qr": "x" * 5000}, "too_long", "cccd_qr"),
])
def test_a_draft_off_the_schema_is_refused_with_its_key_named(
    tmp_path: Path, change: dict[str, object], code: str, field: str
) -> None:
    found = first_problem(draft_at(tmp_path, BASE | change))
    assert found[:2] == (code, field)
    assert field.split(".")[0].split("[")[0] in found[2]


@pytest.mark.parametrize(("text", "code"), [
    ("[" * 100_000 + "]" * 100_000, "too_deep"),
    ('{"a": ' * 5000 + "1" + "}" * 5000, "too_deep"),
    ('{"procedure": NaN}', "bad_number"),
    ('{"procedure": "1", "x": Infinity}', "bad_number"),
    ('{"procedure": ' + "9" * 5000 + "}", "bad_number"),
    ('{"procedure": "a", "procedure": "b"}', "duplicate_key"),
    ('{"form": {}}', "missing_key"),
])
def test_a_hostile_text_is_refused_before_it_reaches_the_checks(
    tmp_path: Path, text: str, code: str
) -> None:
    assert first_problem(draft_at(tmp_path, text=text))[0] == code


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    body = BASE | {"delivery_address": "[[[[[[{{{{{{ \\\" ]]]]"}
    result = read_draft_file(draft_at(tmp_path, body), CATALOGUE, NOW)
    assert result.draft is not None, result.problems


def test_a_fifo_or_a_folder_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "draft.json"
    os.mkfifo(fifo)
    assert first_problem(fifo)[0] == "not_regular"
    assert first_problem(tmp_path)[0] == "not_regular"


def test_a_link_to_a_draft_is_read_and_a_link_to_a_fifo_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(draft_at(tmp_path, BASE))  # a technician's own file may be a link
    assert read_draft_file(link, CATALOGUE, NOW).draft is not None
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    to_fifo = tmp_path / "to-fifo.json"
    to_fifo.symlink_to(fifo)
    assert first_problem(to_fifo)[0] == "not_regular"


def test_a_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = draft_at(tmp_path, BASE | {"delivery_address": " " * (1024 * 1024)})
    assert first_problem(path)[0] == "too_large"


def test_an_attachment_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    (tmp_path / "folder.pdf").mkdir()
    body = BASE | {"documents": [{"component": "TK", "file": "folder.pdf"}]}
    _code, field, message = first_problem(draft_at(tmp_path, body))
    assert field == "documents"
    assert "folder.pdf" in message


# ------------------------------------------------------------------ random drafts

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12)
KEYS = st.sampled_from([*BASE, "assisted_by", "delivery_address", "cccd_qr", "fees", ""])


@st.composite
def drafts(draw: st.DrawFn) -> object:
    if draw(st.booleans()):
        return draw(JSON)
    body = dict(BASE)
    for key in draw(st.lists(KEYS, max_size=4)):
        if draw(st.booleans()):
            body.pop(key, None)
        else:
            body[key] = draw(JSON)
    return body


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=drafts())
def test_a_random_draft_ends_in_an_exit_code_and_vietnamese_words(
    tmp_path: Path, body: object
) -> None:
    runtime = Runtime(load_config(EXAMPLES / "demo.toml"), tmp_path / "data")
    out, err = StringIO(), StringIO()
    code = submit_command(runtime, draft_at(tmp_path, body), NOW, out, err)
    if code == 0:
        assert out.getvalue().strip()
        return
    assert code == 1
    assert err.getvalue().startswith("Hồ sơ chưa được nộp vì:") or "Lưu ý" in err.getvalue()
    assert "Traceback" not in err.getvalue()


@pytest.mark.parametrize("name", ["d" * 300 + ".json", "nul\x00.json"])
def test_a_draft_path_the_system_refuses_is_unreadable_not_a_traceback(
    tmp_path: Path, name: str
) -> None:
    assert first_problem(tmp_path / name)[0] == "unreadable"


JSON_CHARACTERS = list('{}[]",:0123456789.eE-+ \\nulltruefalsNaIfiy"\x00é')
JSONISH = st.text(alphabet=st.sampled_from(JSON_CHARACTERS), max_size=200)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=JSONISH)
def test_any_text_is_read_into_a_draft_or_typed_problems_never_an_exception(
    tmp_path: Path, text: str
) -> None:
    result = read_draft_file(draft_at(tmp_path, text=text), CATALOGUE, NOW)
    assert result.draft is None
    assert result.problems.errors and all(e.message for e in result.problems.errors)
