"""``kiosk receipt CODE --out FILE [--print]`` as a pure function with a fake printer."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from kiosk.config import PrinterConfig
from kiosk.receipts.commands import EXIT_FAILED, EXIT_OK, receipt_command
from kiosk.receipts.errors import print_error

from . import samples
from .pdftools import needs_poppler, pdf_text


class FakePrinter:
    def __init__(self, fail: bool = False) -> None:
        self.jobs: list[bytes] = []
        self.fail = fail

    def __call__(self, pdf: bytes) -> None:
        if self.fail:
            raise print_error("printer_refused", name="Quầy 1")
        self.jobs.append(pdf)


def run(out_file: Path | None, do_print: bool, printer: FakePrinter | None = None,
        known: bool = True, paper: str = "80mm") -> tuple[int, str]:
    out = io.StringIO()
    config = replace(samples.config(), printer=PrinterConfig(paper=paper))
    detail = samples.detail() if known else None
    status = receipt_command(detail, samples.CODE, config, out_file, do_print, out,
                             printer=printer)
    return status, out.getvalue()


def test_an_unknown_code_says_so_in_vietnamese_and_fails(tmp_path: Path) -> None:
    status, said = run(tmp_path / "slip.pdf", False, known=False)
    assert status == EXIT_FAILED
    assert "Không tìm thấy hồ sơ" in said and samples.CODE in said
    assert not (tmp_path / "slip.pdf").exists()


@needs_poppler
def test_out_writes_the_slip_pdf(tmp_path: Path) -> None:
    target = tmp_path / "slip.pdf"
    status, said = run(target, False, paper="a5")
    assert status == EXIT_OK and str(target) in said
    assert samples.CODE in pdf_text(target.read_bytes())
    assert [p.name for p in tmp_path.iterdir()] == ["slip.pdf"]


def test_print_hands_the_same_pdf_to_the_printer(tmp_path: Path) -> None:
    printer = FakePrinter()
    target = tmp_path / "slip.pdf"
    status, said = run(target, True, printer)
    assert status == EXIT_OK and "máy in" in said
    assert printer.jobs == [target.read_bytes()]


def test_a_refusing_printer_fails_with_its_message_but_the_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "slip.pdf"
    status, said = run(target, True, FakePrinter(fail=True))
    assert status == EXIT_FAILED
    assert "Quầy 1" in said and "Không in được phiếu" in said
    assert target.exists()


def test_print_without_a_printer_fails_cleanly() -> None:
    status, said = run(None, True, None)
    assert status == EXIT_FAILED and "chưa cấu hình máy in" in said


def test_neither_out_nor_print_is_an_error() -> None:
    status, said = run(None, False)
    assert status == EXIT_FAILED and "--out" in said


def test_an_unwritable_out_file_fails_cleanly(tmp_path: Path) -> None:
    status, said = run(tmp_path / "missing-dir" / "slip.pdf", False)
    assert status == EXIT_FAILED and "Không ghi được tệp" in said
