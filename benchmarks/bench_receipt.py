"""Receipt slip rendering against a bare reportlab slip, in the same run.

    python -m benchmarks.bench_receipt [--runs N] [--json]

The anchor (issue 13) is a bare reportlab slip: the same fonts and the same
lines of text as plain platypus paragraphs in one style, and one QR code from
reportlab's own widget, on an 80 mm page.  Ours is the real
80 mm slip, both QR codes included.  The two are rendered alternately, so a
busy machine slows both alike; the ratio is what counts.  Then the A5 and A4
sheets, and the ESC/POS raster of the roll (which adds a pdftoppm subprocess).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from kiosk.domain.dates import VIETNAM_TZ
from kiosk.receipts.data import DocumentLine, FeeLine, ReceiptData
from kiosk.receipts.escpos import render_escpos_raster
from kiosk.receipts.layout import render_pdf
from kiosk.receipts.paper import BOLD, REGULAR, register_fonts

TARGET_MS = 30.0


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


def bare_slip(data: ReceiptData) -> bytes:
    """The anchor: the slip's text as plain paragraphs in one style, with one reportlab QR."""
    register_fonts()
    style = ParagraphStyle("plain", fontName=REGULAR, fontSize=9, leading=11.7)
    bold = ParagraphStyle("bold", parent=style, fontName=BOLD, alignment=TA_CENTER)
    widget = QrCodeWidget(data.code, barLevel="M", barWidth=32 * mm, barHeight=32 * mm)
    drawing = Drawing(32 * mm, 32 * mm)
    drawing.add(widget)
    lines: list[str | None] = [data.office, data.title, data.procedure_name, data.applicant_name,
             data.applicant_id_masked, *(doc.name for doc in data.documents),
             *(fee.name for fee in data.fees), data.delivery, data.portal_address,
             data.kiosk_id, data.assisted_by]
    story = [Paragraph(escape(data.authority.upper()), bold), Paragraph(data.code, bold),
             drawing, *(Paragraph(escape(line), style) for line in lines if line)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=(72 * mm, 200 * mm), leftMargin=2 * mm,
                      rightMargin=2 * mm, topMargin=3 * mm, bottomMargin=3 * mm,
                      invariant=True).build(story)
    return buffer.getvalue()


def timed(render: Callable[[], object]) -> float:
    start = time.perf_counter()
    render()
    return (time.perf_counter() - start) * 1000


def alternate(renders: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median milliseconds of each render, called in turn, after one warm-up call each."""
    for render in renders.values():
        render()  # warm-up: font registration and first imports are one-off
    times: dict[str, list[float]] = {name: [] for name in renders}
    for _ in range(runs):
        for name, render in renders.items():
            times[name].append(timed(render))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    data = sample()
    medians = alternate({"anchor_bare_one_qr_ms": lambda: bare_slip(data),
                         "slip_80mm_ms": lambda: render_pdf(data, "80mm")}, args.runs)
    sheets = alternate({"slip_a5_ms": lambda: render_pdf(data, "a5"),
                        "slip_a4_ms": lambda: render_pdf(data, "a4")}, args.runs)
    pdf = render_pdf(data, "80mm")
    raster = alternate({"escpos_raster_ms": lambda: render_escpos_raster(pdf)},
                       max(10, args.runs // 5))
    figures = {**medians, "ratio_to_anchor": medians["slip_80mm_ms"]
               / medians["anchor_bare_one_qr_ms"], "target_ms": TARGET_MS,
               "target_met": medians["slip_80mm_ms"] <= TARGET_MS, **sheets, **raster,
               "pdf_80mm_bytes": len(pdf), "runs": args.runs}
    if args.json:
        print(json.dumps(figures))
        return
    print(f"median of {args.runs} renders each, slip and anchor alternated")
    print(f"  anchor: bare reportlab slip, one QR   {figures['anchor_bare_one_qr_ms']:7.1f} ms")
    print(f"  ours: 80 mm slip, both QR codes       {figures['slip_80mm_ms']:7.1f} ms"
          f"  ({figures['ratio_to_anchor']:.2f}× the anchor; target ≤ {TARGET_MS:.0f} ms:"
          f" {'met' if figures['target_met'] else 'NOT met'})")
    print(f"  A5 / A4 sheets                        {figures['slip_a5_ms']:7.1f} /"
          f" {figures['slip_a4_ms']:.1f} ms")
    print(f"  ESC/POS raster of the roll (pdftoppm) {figures['escpos_raster_ms']:7.1f} ms")
    print(f"  80 mm PDF                             {len(pdf):7d} bytes")


if __name__ == "__main__":
    main()
