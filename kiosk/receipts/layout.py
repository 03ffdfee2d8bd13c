"""The receipt slip as a PDF (reportlab platypus), for an 80 mm roll or A5/A4 sheets.

Every piece of text is a Paragraph, so long names and 200-character procedure
titles wrap instead of running off the paper; the dossier code is set as
large as the width allows.  A roll has no fixed length: the flowables are
measured first and the page is made exactly as tall as they need.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from kiosk.domain.dates import format_date
from kiosk.receipts import texts
from kiosk.receipts.data import ReceiptData as ReceiptData
from kiosk.receipts.data import receipt_from_dossier as receipt_from_dossier
from kiosk.receipts.paper import (
    BOLD,
    EMBEDDING,
    REGULAR,
    PaperSpec,
    paper_spec,
    register_fonts,
)
from kiosk.receipts.qr import QrFlowable

__all__ = ["ReceiptData", "receipt_from_dossier", "render_pdf"]

L = texts.LABELS
# Extra room on a roll's measured height, against rounding: a slip one hair
# too tall for its page would spill its last line onto a second page.
_ROLL_SLACK = 2 * mm
_MIN_CODE_SIZE = 9.0
_QR_GAP: float = 4 * mm  # between a QR and the text beside it


def render_pdf(data: ReceiptData, paper: str) -> bytes:
    """The slip for ``data`` as PDF bytes on "80mm", "a5" or "a4" paper."""
    register_fonts()
    spec = paper_spec(paper)
    story = build_story(data, spec)
    height = spec.height if spec.height is not None else _measure(story, spec)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=(spec.width, height), leftMargin=spec.margin_x,
        rightMargin=spec.margin_x, topMargin=spec.margin_y, bottomMargin=spec.margin_y,
        title=f"{texts.TITLE} {data.code}", author=data.office, subject=data.code,
        creator="commune-kiosk", invariant=True,
    )
    # No frame padding: the margins above are the whole border, so the width
    # the story was measured for is the width it is drawn in.
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="slip",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="slip", frames=[frame])])
    with EMBEDDING:  # build() ends by writing the PDF, fonts and all
        doc.build(list(story))
    return buffer.getvalue()


def build_story(data: ReceiptData, spec: PaperSpec) -> list[Flowable]:
    """The slip's flowables, top to bottom."""
    styles = _Styles(spec)
    story: list[Flowable] = [*_header(data, styles), _rule(spec)]
    story += _identity_block(data, spec, styles)
    story += [_rule(spec), *_details(data, styles), _rule(spec)]
    story += _documents(data, styles)
    story += _fees(data, spec, styles)
    story += [_rule(spec), *_follow_up(data, styles)]
    return story


def _measure(story: Sequence[Flowable], spec: PaperSpec) -> float:
    """The page height that holds ``story`` on one roll page.

    Spacing is counted as platypus's Frame applies it: nothing before the first
    flowable, and a flowable's space before is reduced by the space after the
    previous one.
    """
    total = 2 * spec.margin_y + _ROLL_SLACK
    scratch = Canvas(io.BytesIO())  # some flowables measure text on a canvas
    after: float | None = None
    for flowable in story:
        _, height = flowable.wrapOn(scratch, spec.frame_width, 10_000 * mm)
        before = 0.0 if after is None else max(flowable.getSpaceBefore() - after, 0.0)
        after = flowable.getSpaceAfter()
        total += height + before + after
    return float(total)


class _Styles:
    """The paragraph styles of one paper size."""

    def __init__(self, spec: PaperSpec) -> None:
        lead = 1.3
        self.body = ParagraphStyle("body", fontName=REGULAR, fontSize=spec.body,
                                   leading=spec.body * lead, spaceAfter=spec.body * 0.25)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=spec.small,
                                    leading=spec.small * lead)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.center_small = ParagraphStyle("center_small", parent=self.small,
                                           alignment=TA_CENTER)
        self.heading = ParagraphStyle("heading", parent=self.body, fontName=BOLD,
                                      fontSize=spec.heading, leading=spec.heading * lead,
                                      spaceBefore=spec.body * 0.3)
        self.title = ParagraphStyle("title", parent=self.center, fontName=BOLD,
                                    fontSize=spec.title, leading=spec.title * 1.25,
                                    spaceBefore=spec.body * 0.4, spaceAfter=spec.body * 0.4)
        self.authority = ParagraphStyle("authority", parent=self.center, fontName=BOLD)

    def code(self, size: float) -> ParagraphStyle:
        return ParagraphStyle("code", parent=self.center, fontName=BOLD, fontSize=size,
                              leading=size * 1.25, spaceAfter=size * 0.2)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Names come from residents and scanned cards: "&" or "<" must print as typed.
    return Paragraph(escape(text), style)


def _field(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", style)


def _rule(spec: PaperSpec) -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.6, color=colors.black, dash=(2, 2),
                      spaceBefore=spec.body * 0.4, spaceAfter=spec.body * 0.5)


def _header(data: ReceiptData, styles: _Styles) -> list[Flowable]:
    return [
        _p(data.authority.upper(), styles.authority),
        _p(data.office, styles.center_small),
        _p(data.title, styles.title),
    ]


def _identity_block(data: ReceiptData, spec: PaperSpec, styles: _Styles) -> list[Flowable]:
    """The code in words, as a QR and as a Code128 barcode: the key to follow-up."""
    qr = _qr(data.code, spec.qr_size)
    if spec.wide:
        room = spec.frame_width - _qr_column(qr)
        words = [*_code_words(data, room, spec, styles), _barcode(data.code, spec, room)]
        return [_beside(words, qr, spec)]
    words = _code_words(data, spec.frame_width, spec, styles)
    barcode = _barcode(data.code, spec, spec.width)
    return [*words, _centered(qr), barcode, _p(L["scan_code"], styles.center_small)]


def _code_words(
    data: ReceiptData, room: float, spec: PaperSpec, styles: _Styles
) -> list[Flowable]:
    words: list[Flowable] = [
        _p(L["code"], styles.center),
        _p(data.code, styles.code(_fit_size(data.code, room, spec.code_max))),
    ]
    if data.official_code:
        words.append(_field(L["official_code"], data.official_code, styles.center))
    return words


def _fit_size(text: str, room: float, largest: float) -> float:
    """The largest bold size, up to ``largest``, at which ``text`` fits on one line."""
    width_at_one = stringWidth(text, BOLD, 1) or 1.0
    # Below the floor the code wraps instead (splitLongWords): still legible, never cut.
    return max(_MIN_CODE_SIZE, min(largest, room * 0.97 / width_at_one))


def _qr(value: str, size: float) -> QrFlowable:
    return QrFlowable(value, size, level="M")


def _qr_column(qr: QrFlowable) -> float:
    return float(qr.width) + _QR_GAP


def _centered(qr: QrFlowable) -> QrFlowable:
    qr.hAlign = "CENTER"  # the frame centres it: no one-cell table around it
    return qr


def _barcode(value: str, spec: PaperSpec, room: float) -> Code128:
    """A Code128 of ``value`` as wide as ``room`` allows, modules snapped to printer dots."""
    modules = Code128(value, barWidth=1, quiet=0).width  # one point per module
    # A roll's barcode spans the whole printable width: the roll's unprinted
    # edges are its quiet zone.  On a sheet it keeps 10 modules each side.
    quiet_modules = 0 if spec.barcode_full_width else 20
    module = min(0.33 * mm, room / (modules + quiet_modules))
    if spec.dot is not None and module >= 2 * spec.dot:
        # Whole dots keep every bar the same width on a thermal head.
        module = (module // spec.dot) * spec.dot
    barcode = Code128(value, barWidth=module, barHeight=spec.barcode_height,
                      quiet=not spec.barcode_full_width, humanReadable=False)
    barcode.hAlign = "CENTER"
    return barcode


def _details(data: ReceiptData, styles: _Styles) -> list[Flowable]:
    procedure = f"{data.procedure_name} ({data.procedure_code})"
    items: list[Flowable] = [
        _field(L["procedure"], procedure, styles.body),
        _field(L["applicant"], data.applicant_name, styles.body),
        _field(L["id_number"], data.applicant_id_masked, styles.body),
        _field(L["received"], _date_time(data.received_at), styles.body),
        _due(data.due_at, styles),
    ]
    if data.delivery:
        items.append(_field(L["delivery"], data.delivery, styles.body))
    return items


def _due(due: datetime, styles: _Styles) -> Paragraph:
    """The appointment, the line a resident looks for: bold and larger."""
    before = L["due_before"].format(time=due.strftime("%H:%M"))
    text = (f"<b>{escape(L['due'])}:</b> "
            f"<font size='{styles.heading.fontSize * 1.25:.1f}'><b>{format_date(due)}</b></font>"
            f" ({escape(before)})")
    return Paragraph(text, ParagraphStyle("due", parent=styles.body,
                                          leading=styles.heading.fontSize * 1.6))


def _date_time(moment: datetime) -> str:
    return f"{moment.strftime('%H:%M')} {format_date(moment)}"


def _documents(data: ReceiptData, styles: _Styles) -> list[Flowable]:
    items: list[Flowable] = [_p(L["documents"] + ":", styles.heading)]
    for number, doc in enumerate(data.documents, start=1):
        pages = L["pages"].format(count=doc.pages) if doc.pages > 0 else ""
        line = f"{number}. {doc.name}" + (f" — {pages}" if pages else "")
        items.append(_p(line, styles.body))
    if not data.documents:
        items.append(_p(L["no_documents"], styles.body))
    return items


def _fees(data: ReceiptData, spec: PaperSpec, styles: _Styles) -> list[Flowable]:
    items: list[Flowable] = [_p(L["fees"] + ":", styles.heading)]
    for fee in data.fees:
        how = texts.PAYMENT_METHODS.get(fee.payment_method, "")
        amount = money(fee.amount) if fee.amount > 0 else L["free"]
        items.append(_p(f"{fee.name}: {amount}" + (f" — {how}" if how and fee.amount else ""),
                        styles.body))
    if len(data.fees) != 1:
        total = money(data.fee_total) if data.fee_total else L["free"]
        items.append(_field(L["fee_total"], total, styles.body))
    if data.vietqr:
        items += _payment_block(data, spec, styles)
    return items


def _payment_block(data: ReceiptData, spec: PaperSpec, styles: _Styles) -> list[Flowable]:
    assert data.vietqr is not None
    align = styles.body if spec.wide else styles.center_small
    words: list[Flowable] = [
        _p(L["vietqr"], ParagraphStyle("vq", parent=styles.heading, alignment=align.alignment)),
        _p(L["vietqr_hint"].format(amount=money(data.online_fee_total)), align),
    ]
    if data.payee_name:
        words.append(_p(L["vietqr_payee"].format(name=data.payee_name), align))
    qr = _qr(data.vietqr, spec.qr_size * (1.0 if spec.wide else 1.1))
    if spec.wide:
        return [_beside(words, qr, spec)]
    return [Spacer(1, spec.body * 0.4), words[0], _centered(qr), *words[1:]]


def _beside(words: list[Flowable], drawing: Flowable, spec: PaperSpec) -> Table:
    """Text on the left, a QR on the right: sheets are wide enough, a roll is not."""
    qr_width = _qr_column(drawing)
    table = Table([[words, drawing]], colWidths=[spec.frame_width - qr_width, qr_width])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _follow_up(data: ReceiptData, styles: _Styles) -> list[Flowable]:
    how = (L["follow_up_text"].format(portal=data.portal_address) if data.portal_address
           else L["follow_up_no_portal"])
    items: list[Flowable] = [
        _p(L["follow_up"] + ":", styles.heading),
        _p(how, styles.body),
        _p(L["keep_slip"], styles.body),
    ]
    taken = L["kiosk"].format(kiosk=data.kiosk_id)
    if data.assisted_by:
        taken += " · " + L["assisted"].format(name=data.assisted_by)
    return [*items, _p(taken, styles.small)]


def money(amount: int) -> str:
    """Vietnamese money: "200.000 đồng"."""
    return f"{amount:,}".replace(",", ".") + f" {texts.CURRENCY}"
