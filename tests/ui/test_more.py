"""«Xem thêm»'s text rules: a catalogue name's bracketed remark kept for behind the tap."""

from __future__ import annotations

import pytest

from kiosk.services import shipped_catalogue
from kiosk.ui.widgets.more import brief, joined, sentence


def test_a_closing_remark_in_brackets_becomes_a_sentence_of_its_own() -> None:
    assert brief("Văn bản ủy quyền (nếu nộp hồ sơ thay người khác)") == (
        "Văn bản ủy quyền", "Nếu nộp hồ sơ thay người khác.")
    assert brief("Giấy chứng sinh (hoặc văn bản của người làm chứng / giấy cam đoan)") == (
        "Giấy chứng sinh", "Hoặc văn bản của người làm chứng / giấy cam đoan.")


@pytest.mark.parametrize("name", [
    "Giấy tờ khác",
    "Giấy (bản chính) của cha",  # brackets inside the name are part of it
    "Giấy ()",  # nothing to say
    "(chỉ một ghi chú)",  # no name would be left
    "Giấy (a (b))",  # nested: left as it is
])
def test_a_name_without_a_closing_remark_is_left_whole(name: str) -> None:
    assert brief(name) == (name, "")


def test_every_shipped_paper_keeps_a_name_and_loses_no_word() -> None:
    for procedure in shipped_catalogue():
        for document in procedure.documents:
            name, aside = brief(document.name)
            assert name.strip() and len(name) <= len(document.name)
            assert name in document.name
            assert aside[:-1].lower() in document.name.lower()  # the remark, less its stop


def test_notes_join_as_sentences_and_empty_ones_are_dropped() -> None:
    assert sentence("  đỏ  ") == "Đỏ."
    assert sentence("Đã xong!") == "Đã xong!"
    assert joined("nếu có", "", "Mang bản chính.") == "Nếu có. Mang bản chính."
    assert joined("", " ") == ""
