"""PDFs made on several threads at once are the very bytes made one at a time.

reportlab's TrueType face reads its glyphs through one shared cursor; two
threads embedding the bundled fonts at once read each other's glyphs. In the
soak run a resident's seal (tờ khai on the runner thread) met the previous
slip's printing and died with an IndexError in makeSubset; a luckier race
prints a wrong glyph without a word. Both are caught here: every PDF made
beside the others must equal, byte for byte, the same PDF made alone
(``invariant=True`` makes them reproducible).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from kiosk.declarations.service import render_declaration
from kiosk.declarations.values import DeclarationInput
from kiosk.receipts.layout import receipt_from_dossier, render_pdf

from . import samples

THREADS = 4
ROUNDS = 6
# Stacked diacritics are composite glyphs in Noto Sans: subsetting them is
# where the face's cursor moves between reads.
NAMES = ["Nguyễn Thị Ánh", "Trần Quốc Tuấn", "Lê Thị Ngọc Hường", "Phạm Đức Thắng",
         "Hoàng Ỷ Lan", "Đặng Thùy Trâm", "Vũ Trọng Phụng", "Bùi Xuân Phái"]


def declaration(name: str) -> Callable[[], bytes]:
    requester = {"ho_ten": name, "dia_chi": "Thôn Cộng Lạc, xã Cộng Lạc",
                 "so_dinh_danh": "030195012345", "ngay_sinh": "1995-03-08", "gioi_tinh": "Nữ"}
    form = {"ho_ten_nguoi_chet": name, "ngay_chet": "2026-11-20", "noi_chet": "Trạm y tế xã",
            "nguyen_nhan_chet": "Tuổi già, bệnh phổi", "quan_he_nguoi_khai": "Con"}
    source = DeclarationInput("1.000656", requester, form, "UBND xã Cộng Lạc",
                              "Thành phố Hải Phòng", date(2026, 11, 24), None)
    return lambda: render_declaration(source)


def slip(name: str, paper: str) -> Callable[[], bytes]:
    dossier = samples.detail(ChuHoSo={
        "HoTen": name, "SoDinhDanh": samples.FULL_ID, "NgaySinh": "01011990",
        "GioiTinh": "Nữ", "DiaChi": "Thôn Cộng Lạc", "SoDienThoai": None, "Email": None})
    data = receipt_from_dossier(dossier, samples.config(True))
    return lambda: render_pdf(data, paper)


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Threads hand over the interpreter every microsecond: races show up."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def test_declarations_and_slips_made_at_once_equal_those_made_alone(fast_switching: None
                                                                    ) -> None:
    jobs = [declaration(name) for name in NAMES]
    jobs += [slip(name, paper) for name in NAMES for paper in ("80mm", "a5")]
    alone = [job() for job in jobs]
    start = threading.Barrier(THREADS)
    results: dict[tuple[int, int, int], bytes] = {}
    failures: list[BaseException] = []

    def worker(number: int) -> None:
        start.wait()
        for round_ in range(ROUNDS):
            # Each thread walks the jobs from its own place, so different
            # documents (different glyph subsets) are embedded side by side.
            for step in range(len(jobs)):
                index = (step + number * 5 + round_) % len(jobs)
                try:
                    results[(number, round_, index)] = jobs[index]()
                except BaseException as error:  # reported below
                    failures.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, repr(failures[:3])
    wrong = [key for key, pdf in results.items() if pdf != alone[key[2]]]
    assert len(results) == THREADS * ROUNDS * len(jobs)
    assert not wrong, f"{len(wrong)} of {len(results)} PDFs differ from the one made alone"
