"""The kiosk's receipt printer: to the configured printer, or as PDF files in "file" mode."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import Config, load_config
from kiosk.receipts.service import ReceiptPrinter

from . import samples

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_slip_goes_to_the_printer_function() -> None:
    sent: list[bytes] = []
    ReceiptPrinter(Config(), sent.append).print(samples.detail())
    assert len(sent) == 1 and sent[0].startswith(b"%PDF")


def test_file_mode_saves_the_slip_under_its_code_and_prints_nothing(tmp_path: Path) -> None:
    sent: list[bytes] = []
    detail = samples.detail()
    ReceiptPrinter(Config(), sent.append, tmp_path / "receipts").print(detail)
    saved = tmp_path / "receipts" / f"{detail.dossier.code}.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert sent == []


def test_the_demo_configuration_saves_slips_as_files() -> None:
    assert load_config(EXAMPLES / "demo.toml").printer.mode == "file"
