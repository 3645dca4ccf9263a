"""The receipt of a disclosure application, on A4 or on 80 mm thermal paper: the rows of
kiosk.applications.receipt.receipt_rows laid out, so paper says what the screen says."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table
from reportlab.platypus.flowables import HRFlowable

from kiosk.applications.receipt import TRACKING_LABEL, receipt_rows
from kiosk.config import Config
from kiosk.printing.flowables import CJKParagraph, QRCode, TextStyle, table_style
from kiosk.printing.fonts import cjk_font, text_width
from kiosk.printing.pdf import PdfFile

THERMAL_WIDTH = 80 * mm
THERMAL_MARGIN = 4 * mm  # 72 mm printable: 576 dots at 203 dpi
FORMS = ("a4", "thermal")


@dataclass(frozen=True)
class Office:
    zone_name: str
    name: str
    phone: str
    address: str

    @classmethod
    def from_config(cls, config: Config) -> Office:
        return cls(config.zone_name, config.office_name, config.office_phone, config.office_address)


def follow_up_lines(data: dict[str, Any], office: Office) -> list[str]:
    follow_up = data.get("follow_up")
    if isinstance(follow_up, str):
        lines = [line.strip() for line in follow_up.split("\n") if line.strip()]
    else:
        lines = [str(line) for line in follow_up or []]
    if not lines:
        lines = [f"{office.name or '办理机关'}将在答复期限内，按您选择的获取方式答复。"]
    return lines


def status_check_text(office: Office) -> str:
    text = "在本终端首页点击“申请进度查询”，输入查询号或扫描本回执上的二维码"
    if office.phone:
        text += f"；也可致电 {office.phone} 查询"
    return text + "。"


@dataclass(frozen=True)
class _Look:
    title: float
    tracking: float
    body: float
    small: float
    qr: float
    barcode: bool


_A4 = _Look(title=20, tracking=22, body=12, small=10, qr=38 * mm, barcode=True)
_THERMAL = _Look(title=13, tracking=16, body=9.5, small=8, qr=32 * mm, barcode=False)


def _flowables(data: dict[str, Any], office: Office, printed_at: datetime, look: _Look, width: float) -> list[Flowable]:
    body = TextStyle(size=look.body, leading_ratio=1.5, align="left")
    small = body.but(size=look.small, color=colors.Color(0.25, 0.25, 0.25))
    heading = body.but(bold=True, space_before=look.body * 0.6, space_after=2)
    center = body.but(align="center")
    tracking = str(data["tracking"])  # the codes carry the bare number a scanner types back
    rows = receipt_rows(data)
    shown_tracking = next(row.value for row in rows if row.key == "tracking")
    out: list[Flowable] = [
        CJKParagraph(office.zone_name, center.but(size=look.small)),
        CJKParagraph("政府信息公开申请回执", center.but(size=look.title, bold=True, space_after=look.body * 0.5)),
        CJKParagraph(TRACKING_LABEL, center.but(size=look.small)),
        CJKParagraph(shown_tracking, center.but(size=look.tracking, bold=True, leading_ratio=1.35)),
    ]
    codes: list[Flowable] = [QRCode(tracking, look.qr)]
    if look.barcode and tracking.isascii():
        barcode = Code128(tracking, barHeight=12 * mm, barWidth=0.9, humanReadable=False)
        barcode.hAlign = "CENTER"
        codes.append(barcode)
    table = Table([[code] for code in codes], colWidths=[width])
    table.setStyle(table_style(("ALIGN", (0, 0), (-1, -1), "CENTER"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)))
    out.append(table)
    out.append(HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceBefore=4, spaceAfter=4))
    details_rows = [row for row in rows if row.key != "tracking"]
    label_style = body.but(color=colors.Color(0.3, 0.3, 0.3))
    cells = [
        [CJKParagraph(row.label + "：", label_style), CJKParagraph(row.value, body.but(bold=row.key == "due"))]
        for row in details_rows
    ]
    if cells:
        label_width = max(text_width(row.label + "：", look.body) for row in details_rows) + 2
        details = Table(cells, colWidths=[label_width, width - label_width])
        details.setStyle(
            table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            )
        )
        out.append(details)
    if data.get("due") and not data.get("calendar_complete", True):
        out.append(
            CJKParagraph(
                "答复期限按工作日计算；相关节假日安排尚未公布，实际期限可能顺延，以办理机关的书面告知为准。",
                small.but(space_before=2),
            )
        )
    out.append(CJKParagraph("后续办理", heading))
    out.extend(CJKParagraph(line, body) for line in follow_up_lines(data, office))
    out.append(CJKParagraph("查询进度", heading))
    out.append(CJKParagraph(status_check_text(office), body))
    out.append(CJKParagraph("办理机关", heading))
    for line in (office.name, f"电话：{office.phone}" if office.phone else "", office.address):
        if line:
            out.append(CJKParagraph(line, body))
    out.append(HRFlowable(width="100%", thickness=0.4, color=colors.grey, spaceBefore=6, spaceAfter=3))
    out.append(CJKParagraph(f"打印时间：{printed_at:%Y年%m月%d日 %H:%M}　请妥善保管本回执。", small))
    return out


def _total_height(flowables: list[Flowable], width: float) -> float:
    height = 0.0
    for flowable in flowables:
        height += flowable.getSpaceBefore() + flowable.wrap(width, 10_000)[1] + flowable.getSpaceAfter()
    return height


def receipt_pdf(data: dict[str, Any], office: Office, *, printed_at: datetime, form: str = "a4") -> PdfFile:
    """One page: A4, or an 80 mm strip exactly as long as its content (`form` is 'a4' or 'thermal')."""
    missing = [key for key in ("tracking",) if not data.get(key)]
    if missing:
        raise ValueError(f"receipt data lacks {missing}")  # a bug in the caller, not a resident's error
    font = cjk_font()
    if form == "thermal":
        look, margin = _THERMAL, THERMAL_MARGIN
        width = THERMAL_WIDTH - 2 * margin
        flowables = _flowables(data, office, printed_at, look, width)
        # Measure first, then make the strip that long (+ slack for table rounding), so it is one page.
        pagesize = (THERMAL_WIDTH, _total_height(flowables, width) + 2 * margin + 6 * mm)
        flowables = _flowables(data, office, printed_at, look, width)
    elif form == "a4":
        look, margin = _A4, 20 * mm
        pagesize = A4
        width = A4[0] - 2 * margin
        flowables = _flowables(data, office, printed_at, look, width)
    else:
        raise ValueError(f"unknown receipt form {form!r}")
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title="政府信息公开申请回执",
        creator="disclosure kiosk",
        invariant=True,
        initialFontName=font,
    )
    frame = Frame(margin, margin, pagesize[0] - 2 * margin, pagesize[1] - 2 * margin, 0, 0, 0, 0, id="receipt")
    template.addPageTemplates([PageTemplate(id="receipt", frames=[frame])])
    template.build(flowables)
    return PdfFile(buffer.getvalue(), template.page, "政府信息公开申请回执")
