"""The tờ khai PDF: every filled value printed, hostile input laid out inside its boxes."""

from __future__ import annotations

import io
import struct
import subprocess
import unicodedata
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFile

from kiosk.declarations.forms import SPECS, keys_of
from kiosk.declarations.layout import BODY, LEADING, SMALL_LEADING, Page
from kiosk.declarations.service import declaration_pages, render_declaration
from kiosk.declarations.values import MAPS, DeclarationInput, declaration_values
from kiosk.paths import resource

REQUESTER = {"ho_ten": "Nguyễn Thị Ánh", "dia_chi": "Thôn Cộng Lạc, xã Cộng Lạc",
             "so_dinh_danh": "030195012345", "ngay_sinh": "1995-03-08", "gioi_tinh": "Nữ"}
BIRTH = {"ho_ten_tre": "Trần Minh Đức", "ngay_sinh": "2026-11-20", "gioi_tinh": "Nam",
         "noi_sinh": "Trạm y tế xã Cộng Lạc", "dan_toc": "Kinh", "quoc_tich": "Việt Nam",
         "que_quan": "xã Cộng Lạc, Thành phố Hải Phòng", "ho_ten_me": "Nguyễn Thị Ánh",
         "nam_sinh_me": "1995", "dan_toc_me": "Kinh", "quoc_tich_me": "Việt Nam",
         "noi_cu_tru_me": "Thôn Cộng Lạc", "ho_ten_cha": "Trần Văn Hùng", "nam_sinh_cha": "1993",
         "dan_toc_cha": "Tày", "quoc_tich_cha": "Lào", "noi_cu_tru_cha": "Bản Nà Phặc",
         "quan_he_nguoi_khai": "Mẹ", "so_ban_sao": "2"}
STACKED = "ẤẦẨẪẬẮẰẲẴẶẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰ"
HOSTILE = [
    "Nguyễn " * 28 + "Thị",  # ~200 characters with spaces
    "A" * 200,  # 200 letters, no space
    " ".join([STACKED] * 6),
    "NguyÃªn ThÃ¡Â»‹ Ã\x81nh\x00\u200b\ufeff",  # mojibake and control characters
    "",
]


def source(code: str, form: dict[str, object], signature: bytes | None = None
           ) -> DeclarationInput:
    return DeclarationInput(code, REQUESTER, form, "UBND xã Cộng Lạc", "Thành phố Hải Phòng",
                            date(2026, 11, 24), signature)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "tk.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return unicodedata.normalize("NFC", " ".join(out.split()))


def test_the_birth_form_prints_every_filled_value_and_the_date_in_words(tmp_path: Path) -> None:
    text = pdf_text(render_declaration(source("1.001193", BIRTH)), tmp_path)
    for value in BIRTH.values():
        if value not in ("2026-11-20",):
            assert value in text, value
    for printed in ("20/11/2026", "hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu",
                    "TỜ KHAI ĐĂNG KÝ KHAI SINH", "Kính gửi: (1) Ủy ban nhân dân xã Cộng Lạc",
                    "Số định danh cá nhân 030195012345", "Thôn Cộng Lạc, xã Cộng Lạc",
                    "Làm tại: xã Cộng Lạc, ngày 24 tháng 11 năm 2026", "Người yêu cầu",
                    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh", "(6) Đề nghị đánh dấu X"):
        assert printed in text, printed


@pytest.mark.parametrize("code", sorted(SPECS))
def test_every_form_prints_its_mapped_values(code: str, tmp_path: Path) -> None:
    shown = keys_of(SPECS[code])
    form: dict[str, object] = {name: f"Giá_trị_{i}." for i, (key, (name, _how))
                               in enumerate(MAPS[code].items())
                               if name != "so_ban_sao" and key in shown}
    text = pdf_text(render_declaration(source(code, form | {"so_ban_sao": "3"})), tmp_path)
    assert SPECS[code].title in text
    for value in form.values():
        assert value in text, (code, value)


def runs_inside_boxes(pages: list[Page]) -> None:
    for page in pages:
        for run in page.runs:
            width = pdfmetrics.stringWidth(run.text, run.font.name, run.font.size)
            assert run.x >= 0 and run.x + width <= run.right + 0.01, run
            assert 0 <= run.baseline <= 842, run


def glyph_extent(path: Path, text: str) -> tuple[float, float]:
    """The highest top and lowest bottom of ``text``'s glyphs, in ems, from the font's glyf."""
    data = path.read_bytes()
    tables = {}
    for i in range(struct.unpack(">H", data[4:6])[0]):
        tag, _sum, offset, _length = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        tables[tag.decode()] = offset
    em = struct.unpack(">H", data[tables["head"] + 18:tables["head"] + 20])[0]
    long_loca = struct.unpack(">h", data[tables["head"] + 50:tables["head"] + 52])[0]
    glyph_of = TTFontFile(str(path)).charToGlyph
    tops, bottoms = [], []
    for char in text:
        loca = tables["loca"] + glyph_of[ord(char)] * (4 if long_loca else 2)
        at = (struct.unpack(">I", data[loca:loca + 4])[0] if long_loca
              else struct.unpack(">H", data[loca:loca + 2])[0] * 2)
        _n, _x0, y0, _x1, y1 = struct.unpack(">hhhhh", data[tables["glyf"] + at:][:10])
        tops.append(y1 / em)
        bottoms.append(y0 / em)
    return max(tops), min(bottoms)


def test_line_pitch_clears_stacked_tone_capitals_and_descenders() -> None:
    pages = declaration_pages(source("1.001193", BIRTH | {"ho_ten_tre": STACKED}))
    for font in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        top, bottom = glyph_extent(resource("fonts", font), STACKED + "gjpqyỵỹ")
        assert top > 0.95  # the stacked marks really are measured
        assert top - bottom <= min(LEADING, SMALL_LEADING)
    for page in pages:
        body = sorted({r.baseline for r in page.runs if r.font == BODY}, reverse=True)
        gaps = [a - b for a, b in pairwise(body)]
        assert not gaps or min(gaps) >= BODY.size * LEADING - 0.01


@pytest.mark.parametrize("code", sorted(SPECS))
@pytest.mark.parametrize("hostile", HOSTILE, ids=["long", "nospace", "stacked", "mojibake",
                                                   "empty"])
def test_hostile_values_render_inside_their_boxes(code: str, hostile: str) -> None:
    form = {name: hostile for name, _how in MAPS[code].values()}
    src = DeclarationInput(code, {k: hostile for k in REQUESTER}, form, hostile, hostile,
                           date(2026, 11, 24), b"not a png")
    pages = declaration_pages(src)
    runs_inside_boxes(pages)
    assert render_declaration(src).startswith(b"%PDF")


def test_a_200_character_name_wraps_and_is_printed_whole(tmp_path: Path) -> None:
    name = "A" * 200
    text = pdf_text(render_declaration(source("1.001193", BIRTH | {"ho_ten_tre": name})),
                    tmp_path)
    assert text.replace(" ", "").count(name) >= 1


def test_empty_optional_fields_leave_dotted_blanks() -> None:
    values = declaration_values(source("1.001193", {"ho_ten_tre": "Trần Minh Đức"}))
    assert values["cha.ho_ten"] == "" and values["tre.ngay_sinh_chu"] == ""
    pages = declaration_pages(source("1.001193", {"ho_ten_tre": "Trần Minh Đức"}))
    assert len(pages[0].dots) > 15


def test_the_signature_is_placed_in_the_requesters_box(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (0, 0, 90)).save(buffer, "PNG")
    with_sig = render_declaration(source("1.001193", BIRTH, buffer.getvalue()))
    without = render_declaration(source("1.001193", BIRTH))
    assert b"/Subtype /Image" in with_sig and b"/Subtype /Image" not in without


@pytest.mark.parametrize("code", sorted(SPECS))
def test_a_typical_form_is_one_page(code: str) -> None:
    names = {name: "Nguyễn Thị Ánh" for _key, (name, _how) in MAPS[code].items()}
    form = BIRTH if code == "1.001193" else names | {"so_ban_sao": "1"}
    assert len(declaration_pages(source(code, form))) == 1


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(SPECS)), st.text(max_size=240), st.text(max_size=60))
@example(code="1.000656", value="¹", name="")  # "¹".isdigit() is true; int("¹") fails
def test_any_text_in_any_blank_stays_inside_its_box(code: str, value: str, name: str) -> None:
    form: dict[str, object] = {field: value for field, _how in MAPS[code].values()}
    requester = {k: name for k in REQUESTER}
    pages = declaration_pages(DeclarationInput(code, requester, form, name, value,
                                               date(2026, 11, 24)))
    runs_inside_boxes(pages)


def test_the_death_form_writes_the_day_of_death_and_leaves_the_hour_to_the_office() -> None:
    values = declaration_values(source("1.000656", {"ngay_chet": "2026-11-20",
                                                    "so_dinh_danh_nguoi_chet": "030040001234"}))
    assert values["chet.ngay_chet"] == "…… giờ …… phút, ngày 20 tháng 11 năm 2026"
    assert values["chet.giay_to"] == "Số định danh cá nhân 030040001234"


def test_the_parents_personal_numbers_are_on_the_birth_form(tmp_path: Path) -> None:
    form = BIRTH | {"so_dinh_danh_me": "030195012345", "so_dinh_danh_cha": "030093004321"}
    text = pdf_text(render_declaration(source("1.001193", form)), tmp_path)
    assert "Số định danh cá nhân 030093004321" in text
