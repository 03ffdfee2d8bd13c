"""The catalogue's text check, on hostile strings: a control character (Unicode category
Cc: C0, DEL, C1), a newline aside, is refused with its Vietnamese message; anything else
(Vietnamese, emoji, lone surrogates, other invisible characters, newlines) is accepted."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kiosk.domain.catalogue_json import parse_procedure
from kiosk.domain.errors import DataError


def procedure_named(name: str) -> dict[str, Any]:
    return {
        "code": "1.001193",
        "name": name,
        "field": "Hộ tịch",
        "level": "4",
        "time_limit": {"working_days": 3},
        "fees": [{"name": "Lệ phí", "kind": "free"}],
        "documents": [{"code": "TK", "name": "Tờ khai"}],
        "fields": [{"name": "ho_ten", "label": "Họ tên", "type": "text"}],
        "result": "Giấy khai sinh",
    }


def is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and char != "\n"


# Mostly the characters near the edges of the refused ranges, plus anything at all.
EDGES = "".join(map(chr, [*range(0x00, 0x21), *range(0x7E, 0xA1), 0x2028, 0x200B, 0xFEFF]))
CHARS = st.one_of(st.sampled_from(EDGES), st.characters())


@settings(max_examples=400, deadline=None)
@given(st.text(CHARS, max_size=40))
@example("\n")
@example("\x7f")
@example("\x9f")
@example("\xa0")
@example("\x1f")
@example("\ud800")
def test_a_control_character_is_refused_and_nothing_else(text: str) -> None:
    name = f"Đăng ký {text} khai sinh"
    if any(map(is_control, text)):
        with pytest.raises(DataError) as caught:
            parse_procedure(procedure_named(name))
        assert "ký tự điều khiển" in caught.value.message
        assert caught.value.message.startswith("procedure.name")
    else:
        assert parse_procedure(procedure_named(name)).name == name
