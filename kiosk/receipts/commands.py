"""``kiosk receipt CODE --out FILE [--print]``: reprint a slip from the command line.

Pure of Qt: printing arrives as a callable the composition root builds (see
``kiosk.ui.printing.make_printer``), so this module and its tests need no
printer and no display.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from kiosk.config import Config
from kiosk.domain.errors import DomainError
from kiosk.receipts.layout import receipt_from_dossier, render_pdf
from kiosk.store.records import DossierDetail

EXIT_OK = 0
EXIT_FAILED = 1

Printer = Callable[[bytes], None]

MESSAGES: dict[str, str] = {
    "unknown": "Không tìm thấy hồ sơ có mã {code} trên kiosk này.",
    "nothing_to_do": "Không có việc gì để làm: xin cho --out TỆP hoặc --print.",
    "written": "Đã ghi phiếu tiếp nhận hồ sơ {code} vào {path}.",
    "write_failed": "Không ghi được tệp {path}: {reason}.",
    "printed": "Đã gửi phiếu tiếp nhận hồ sơ {code} tới máy in.",
    "print_failed": "Không in được phiếu: {reason}",
    "no_printer": "Kiosk này chưa cấu hình máy in.",
}


def receipt_command(
    detail: DossierDetail | None,
    code: str,
    config: Config,
    out_file: Path | None,
    do_print: bool,
    out: TextIO,
    printer: Printer | None = None,
) -> int:
    """Write the slip of ``detail`` to ``out_file`` and/or print it; say what happened on ``out``.

    ``detail`` is what the queue found for ``code`` (None: unknown code).
    """
    if detail is None:
        return _fail(out, "unknown", code=code)
    if out_file is None and not do_print:
        return _fail(out, "nothing_to_do")
    pdf = render_pdf(receipt_from_dossier(detail, config), config.printer.paper)
    shown = detail.dossier.code
    status = EXIT_OK
    if out_file is not None:
        status = max(status, _write(pdf, out_file, shown, out))
    if do_print:
        status = max(status, _print(pdf, printer, shown, out))
    return status


def _write(pdf: bytes, path: Path, code: str, out: TextIO) -> int:
    # Written beside the target and moved into place: a half-written slip
    # never stands where a finished one is expected.
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(pdf)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        return _fail(out, "write_failed", path=path, reason=exc.strerror or exc)
    print(MESSAGES["written"].format(code=code, path=path), file=out)
    return EXIT_OK


def _print(pdf: bytes, printer: Printer | None, code: str, out: TextIO) -> int:
    if printer is None:
        return _fail(out, "no_printer")
    try:
        printer(pdf)
    except DomainError as exc:
        return _fail(out, "print_failed", reason=exc.message)
    print(MESSAGES["printed"].format(code=code), file=out)
    return EXIT_OK


def _fail(out: TextIO, key: str, **params: object) -> int:
    print(MESSAGES[key].format(**params), file=out)
    return EXIT_FAILED
