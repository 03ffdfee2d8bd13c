"""The slip as printed: text read back from the PDF, codes decoded from a 300 dpi raster."""

from __future__ import annotations

import re
import subprocess

import pytest
from reportlab.lib.units import mm

from kiosk.domain.errors import ValidationError
from kiosk.domain.vietqr import parse_vietqr
from kiosk.receipts.data import ReceiptData
from kiosk.receipts.layout import receipt_from_dossier, render_pdf
from kiosk.receipts.paper import PAPERS

from . import samples
from .pdftools import Word, decode_codes, needs_poppler, pdf_text, pdf_words

pytestmark = needs_poppler
PAPER_NAMES = ["80mm", "a5", "a4"]


def slip(paper: str = "80mm", bank: bool = True, **changes: object) -> bytes:
    return render_pdf(receipt_from_dossier(samples.detail(**changes), samples.config(bank)),
                      paper)


def page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    found = re.search(rb"Pages:\s+(\d+)", info.stdout)
    assert found is not None
    return int(found[1])


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_the_text_of_the_slip_reads_back_with_its_diacritics(paper: str) -> None:
    helper = {"HoTen": "Phạm Thị Hường", "MaCanBo": "CB07"}
    text = flat(pdf_text(slip(paper, NguoiHoTro=helper)))
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", samples.CODE, "Nguyễn Thị Ánh",
                     "Phạm Thị Hường", "Bộ phận Một cửa UBND xã Cộng Lạc", "UBND XÃ CỘNG LẠC",
                     "09:30 24/11/2026", "27/11/2026", "17:00", "2.000815",
                     "Bản sao cần chứng thực — 3 trang", "6.000 đồng",
                     "dichvucong.haiphong.gov.vn", "KIOSK-01"):
        assert expected in text, expected


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_the_id_is_printed_masked_and_never_in_full(paper: str) -> None:
    text = pdf_text(slip(paper))
    assert "********2345" in text
    assert samples.FULL_ID not in text.replace(" ", "")


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_the_qr_and_the_barcode_decode_to_the_dossier_code(paper: str) -> None:
    codes = decode_codes(slip(paper, bank=False))
    assert sorted(codes) == [("Code128", samples.CODE), ("QRCode", samples.CODE)]


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_an_online_fee_prints_a_vietqr_with_a_valid_crc(paper: str) -> None:
    payments = [text for fmt, text in decode_codes(slip(paper)) if text != samples.CODE]
    assert len(payments) == 1
    payload = parse_vietqr(payments[0])
    assert (payload.bill_number, payload.amount) == (samples.CODE, 6000)


def test_no_vietqr_is_printed_without_a_bank_account() -> None:
    pdf = slip(bank=False)
    assert all(text == samples.CODE for _, text in decode_codes(pdf))
    assert "VIETQR" not in pdf_text(pdf)


def test_a_re_keyed_dossier_prints_the_portal_code_too() -> None:
    text = flat(pdf_text(slip(official_code="000.00.00.H23-261124-0042")))
    assert "000.00.00.H23-261124-0042" in text and samples.CODE in text


def test_the_long_procedure_sample_is_200_characters() -> None:
    assert len(samples.LONG_PROCEDURE) >= 200


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_a_200_character_procedure_name_wraps_and_stays_on_the_paper(paper: str) -> None:
    long_name = "Tôn Nữ Thị Phương Hoàng Bảo Ngọc Khánh Linh Nguyễn Phước Vĩnh Hằng"
    pdf = slip(paper, TenTTHC=samples.LONG_PROCEDURE,
               ChuHoSo={"HoTen": long_name, "SoDinhDanh": samples.FULL_ID})
    words = pdf_words(pdf)
    printed = {w.text.strip(",.()") for w in words}
    for word in (samples.LONG_PROCEDURE + " " + long_name).split():
        assert word.strip(",.()") in printed, word
    assert_inside_margins(words, PAPERS[paper].margin_x)


def test_a_name_without_spaces_is_broken_rather_than_cut() -> None:
    unbroken = "Nguyễn" * 12
    pdf = slip(ChuHoSo={"HoTen": unbroken, "SoDinhDanh": samples.FULL_ID})
    assert unbroken in re.sub(r"\s+", "", pdf_text(pdf))
    assert_inside_margins(pdf_words(pdf), PAPERS["80mm"].margin_x)


def assert_inside_margins(words: list[Word], margin: float) -> None:
    # Half a millimetre of tolerance for glyph side bearings.
    slack = 0.5 * mm
    outside = [w.text for w in words
               if w.x_min < margin - slack or w.x_max > w.page_width - margin + slack]
    assert outside == []


def test_markup_characters_in_names_print_as_typed() -> None:
    name = "Lê Văn A & <Bé> Tí"
    text = flat(pdf_text(slip(ChuHoSo={"HoTen": name, "SoDinhDanh": samples.FULL_ID})))
    assert name in text


def test_the_roll_slip_is_one_page_as_tall_as_its_content() -> None:
    short, long = slip(), slip(TenTTHC=samples.LONG_PROCEDURE)
    assert page_count(short) == page_count(long) == 1
    assert page_size(long)[1] > page_size(short)[1]
    assert page_size(short)[0] == pytest.approx(72 * mm, abs=0.01)


@pytest.mark.parametrize(("paper", "size_mm"), [("a5", (148, 210)), ("a4", (210, 297))])
def test_sheet_slips_are_one_page_of_their_paper(paper: str, size_mm: tuple[int, int]) -> None:
    pdf = slip(paper)
    assert page_count(pdf) == 1
    width, height = page_size(pdf)
    assert (round(width / mm), round(height / mm)) == size_mm


def page_size(pdf: bytes) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    found = re.search(rb"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    assert found is not None
    return float(found[1]), float(found[2])


def test_body_text_on_the_roll_is_at_least_8_points() -> None:
    spec = PAPERS["80mm"]
    assert min(spec.body, spec.small, spec.heading) >= 8


def test_an_unknown_paper_is_refused_in_vietnamese() -> None:
    data = receipt_from_dossier(samples.detail(), samples.config())
    with pytest.raises(ValidationError, match="Khổ giấy"):
        render_pdf(data, "letter")


def test_rendering_is_deterministic() -> None:
    data: ReceiptData = receipt_from_dossier(samples.detail(), samples.config())
    assert render_pdf(data, "80mm") == render_pdf(data, "80mm")
