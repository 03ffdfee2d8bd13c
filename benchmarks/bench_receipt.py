"""Receipt slip rendering: median time over 100 renders and the PDF's size, per paper,
plus the ESC/POS raster for the 80 mm roll (which adds a pdftoppm subprocess).

    python -m benchmarks.bench_receipt [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime

from kiosk.domain.dates import VIETNAM_TZ
from kiosk.receipts.data import DocumentLine, FeeLine, ReceiptData
from kiosk.receipts.escpos import render_escpos_raster
from kiosk.receipts.layout import render_pdf


def sample() -> ReceiptData:
    """A typical slip: two documents, one online fee with its VietQR, an assisting official."""
    return ReceiptData(
        authority="UBND xã Cộng Lạc", office="Bộ phận Một cửa UBND xã Cộng Lạc",
        code="000.00.00.H23-261124-1001", official_code=None,
        procedure_name="Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        procedure_code="2.000815", applicant_name="Nguyễn Thị Ánh",
        applicant_id_masked="********2345",
        received_at=datetime(2026, 11, 24, 9, 30, tzinfo=VIETNAM_TZ),
        due_at=datetime(2026, 11, 27, 17, 0, tzinfo=VIETNAM_TZ),
        documents=(DocumentLine("Bản chính giấy khai sinh", 1),
                   DocumentLine("Bản sao cần chứng thực", 3)),
        fees=(FeeLine("Phí chứng thực", 6000, 2),), delivery="Tại bộ phận một cửa",
        vietqr=("00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
                "5303704540460005802VN62500125000.00.00.H23-261124-10010817Le phi ho so 1001"
                "63046B4F"),
        payee_name="UBND XA CONG LAC", portal_address="dichvucong.haiphong.gov.vn",
        kiosk_id="KIOSK-01", assisted_by="Phạm Thị Hường (CB07)",
    )


def measure(render: Callable[[], bytes], runs: int) -> tuple[float, int]:
    """Median milliseconds per call and the size of the output, after one warm-up call."""
    size = len(render())  # warm-up: font registration and first imports are one-off
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    data = sample()
    print(f"{'output':28} {'median ms':>10} {'bytes':>10}   ({args.runs} renders each)")
    for paper in ("80mm", "a5", "a4"):
        median, size = measure(lambda p=paper: render_pdf(data, p), args.runs)  # type: ignore[misc]
        print(f"{'PDF ' + paper:28} {median:10.1f} {size:10d}")
    pdf = render_pdf(data, "80mm")
    median, size = measure(lambda: render_escpos_raster(pdf), args.runs)
    print(f"{'ESC/POS raster from PDF':28} {median:10.1f} {size:10d}")


if __name__ == "__main__":
    main()
