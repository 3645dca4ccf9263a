"""The A4 printout of a disclosed document: title block, 文号, dates, validity, body, attachments, QR code."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer, Table
from reportlab.platypus.flowables import HRFlowable

from kiosk.printing.flowables import CJKParagraph, QRCode, TextStyle, table_style
from kiosk.printing.fonts import cjk_font, text_width
from kiosk.printing.pdf import PagedCanvas, PdfFile

MARGIN_X = 22 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 22 * mm
RED = colors.Color(0.75, 0.05, 0.05)

# What a document that is no longer in force says on every page.
VALIDITY_NOTICES = {
    "失效": ("已失效", "本文件已失效，仅供查阅参考"),
    "废止": ("已废止", "本文件已废止，仅供查阅参考"),
    "修订": ("已修订", "本文件已被修订，请以修订后的文本为准"),
}


@dataclass(frozen=True)
class Sizes:
    body: float
    title: float
    heading: float
    meta: float
    margin_text: float  # header and footer
    qr: float


NORMAL = Sizes(body=12, title=20, heading=14, meta=10.5, margin_text=9, qr=30 * mm)
# Elderly mode: the body in 三号 (16 pt), the size of printed official documents (GB/T 9704).
LARGE = Sizes(body=16, title=24, heading=18, meta=14, margin_text=11, qr=36 * mm)


def validity_notice(validity: str | None) -> tuple[str, str] | None:
    """(short mark, sentence) for a document not in force, None for 有效."""
    if not validity or validity == "有效":
        return None
    return VALIDITY_NOTICES.get(validity, (validity, f"本文件有效性：{validity}"))


def chinese_date(value: str | date | None) -> str:
    """'2019-07-17' → '2019年7月17日'."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


# --- the body: official documents have a shape worth keeping -------------------------------------

_HEADING = re.compile(r"^[一二三四五六七八九十百]+、")
_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十百]+[)）]")
_DATE_LINE = re.compile(
    r"^(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)$"
)
_SPACES = re.compile(r"\s+")
# A short unpunctuated line ending like a document's name is the title of the text it introduces.
_DOC_KIND_END = re.compile(r"(?:通知|意见|办法|规定|方案|要点|安排|细则|决定|公告|通告|分解|报告|规划|条例|制度)$")
_PUNCTUATION = set("，。,;；:：、！？!?")


@dataclass(frozen=True)
class Block:
    kind: str  # heading, subheading, subtitle, plain (no indent), signature (right), para
    text: str


def body_blocks(body: str, *, title: str = "", issuer: str | None = None) -> list[Block]:
    """Split the body into paragraphs and tell headings, the addressee and the signature from text."""
    blocks: list[Block] = []
    bare_title = _SPACES.sub("", title)
    for raw in body.split("\n"):
        text = raw.strip()
        if not text:
            continue
        # A heading is short and is not a sentence or a list item (those end with 。；，).
        short = len(text) <= 40 and "。" not in text and text[-1] not in "；;，,、：:"
        if _HEADING.match(text) and short:
            kind = "heading"
        elif _SUBHEADING.match(text) and short:
            kind = "subheading"
        elif (bare_title and _SPACES.sub("", text) == bare_title) or (
            len(text) <= 40 and _DOC_KIND_END.search(text) and not _PUNCTUATION.intersection(text)
        ):
            kind = "subtitle"
        elif (issuer and text == issuer) or _DATE_LINE.match(text):
            kind = "signature"
        elif (not blocks and text[-1] in ":：" and len(text) <= 200) or (text.startswith("附件") and len(text) <= 60):
            kind = "plain"
        else:
            kind = "para"
        blocks.append(Block(kind, text))
    return blocks


def _block_flowable(block: Block, sizes: Sizes) -> Flowable:
    body = TextStyle(size=sizes.body, leading_ratio=1.75, indent_chars=2, space_after=sizes.body * 0.3)
    styles = {
        "heading": body.but(size=sizes.heading, indent_chars=0, bold=True, align="left", space_before=sizes.body * 0.6),
        "subheading": body.but(bold=True, align="left", space_before=sizes.body * 0.3),
        "subtitle": body.but(size=sizes.heading, indent_chars=0, bold=True, align="center", space_before=sizes.body),
        "plain": body.but(indent_chars=0),
        "signature": body.but(indent_chars=0, align="right", space_after=0),
        "para": body,
    }
    return CJKParagraph(block.text, styles[block.kind])


# --- page 1: the title block ---------------------------------------------------------------------


def _meta_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [
        ("发文机关", doc.get("issuer") or ""),
        ("成文日期", chinese_date(doc.get("issued"))),
        ("发布日期", chinese_date(doc.get("published"))),
        ("索引号", doc.get("index_no") or ""),
        ("主题分类", doc.get("category") or ""),
        ("有效性", doc.get("validity") or ""),
    ]
    return [(label, value) for label, value in rows if value]


def _title_block(doc: dict[str, Any], sizes: Sizes, width: float) -> list[Flowable]:
    title_style = TextStyle(
        size=sizes.title, leading_ratio=1.45, align="center", bold=True, space_after=sizes.body * 0.5
    )
    flowables: list[Flowable] = [CJKParagraph(doc["title"], title_style)]
    if doc.get("doc_number"):
        flowables.append(CJKParagraph(doc["doc_number"], TextStyle(size=sizes.body, align="center", space_after=6)))
    label_style = TextStyle(size=sizes.meta, leading_ratio=1.5, align="left", color=colors.Color(0.3, 0.3, 0.3))
    value_style = TextStyle(size=sizes.meta, leading_ratio=1.5, align="left")
    rows = _meta_rows(doc)
    notice = validity_notice(doc.get("validity"))
    label_width = text_width("主题分类：", sizes.meta) + 2
    qr_width = sizes.qr + 8 if doc.get("source_url") else 0
    value_width = width - label_width - qr_width
    data = [
        [
            CJKParagraph(label + "：", label_style),
            CJKParagraph(value, value_style.but(color=RED) if label == "有效性" and notice else value_style),
        ]
        for label, value in rows
    ]
    meta: Flowable
    if data:
        meta = Table(data, colWidths=[label_width, value_width], hAlign="LEFT")
        meta.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), *_TIGHT))
    else:
        meta = Spacer(1, 1)
    if doc.get("source_url"):
        caption = CJKParagraph("扫码查看原文", TextStyle(size=sizes.margin_text, align="center", leading_ratio=1.3))
        block = Table(
            [[meta, [QRCode(doc["source_url"], sizes.qr), caption]]],
            colWidths=[width - qr_width, qr_width],
            hAlign="LEFT",
        )
        block.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER"), *_TIGHT))
        flowables.append(block)
    else:
        flowables.append(meta)
    if notice:
        flowables.append(Spacer(1, 4))
        flowables.append(CJKParagraph(f"【{notice[0]}】{notice[1]}", TextStyle(size=sizes.body, color=RED, bold=True)))
    flowables.append(HRFlowable(width="100%", thickness=0.8, color=colors.black, spaceBefore=6, spaceAfter=10))
    return flowables


_TIGHT = [
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
]


def _attachment_flowables(attachments: list[dict[str, Any]], sizes: Sizes) -> list[Flowable]:
    if not attachments:
        return []
    heading = TextStyle(size=sizes.heading, bold=True, align="left", space_before=sizes.body, space_after=4)
    item = TextStyle(size=sizes.body, align="left", leading_ratio=1.6)
    flowables: list[Flowable] = [CJKParagraph("附件", heading)]
    for number, attachment in enumerate(attachments, start=1):
        kind = (attachment.get("media_type") or "").split("/")[-1].upper() or "文件"
        flowables.append(
            CJKParagraph(f"{number}. {attachment['name']}（{kind}，{human_size(attachment.get('size') or 0)}）", item)
        )
    flowables.append(
        CJKParagraph(
            "附件未随本文打印，可在本终端查看或扫描首页二维码获取。", item.but(size=sizes.meta, color=colors.grey)
        )
    )
    return flowables


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


# --- header and footer on every page ------------------------------------------------------------


def _fit(text: str, size: float, width: float) -> str:
    """`text` cut with … so it fits `width` (header titles and source URLs can be long)."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _decorator(doc: dict[str, Any], zone_name: str, printed_at: datetime, sizes: Sizes):
    font = cjk_font()
    notice = validity_notice(doc.get("validity"))
    page_width, page_height = A4
    inner = page_width - 2 * MARGIN_X
    size = sizes.margin_text
    source = doc.get("source_url") or "本终端政务公开目录"
    printed = f"打印时间：{printed_at:%Y年%m月%d日 %H:%M}"

    def decorate(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        if notice:
            # A large pale mark across the page: a repealed text must not pass for a valid one.
            canvas.saveState()
            canvas.setFillColor(RED)
            canvas.setFillAlpha(0.12)
            canvas.setFont(font, 96)
            canvas.translate(page_width / 2, page_height / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, -32, notice[0])
            canvas.restoreState()
        top = page_height - MARGIN_TOP + 8 * mm
        canvas.setFont(font, size)
        canvas.setFillColor(colors.black)
        canvas.drawString(MARGIN_X, top, _fit(zone_name, size, inner / 2))
        right = doc.get("doc_number") or doc["title"]
        if notice:
            canvas.setFillColor(RED)
            right = f"【{notice[0]}】" + right
        canvas.drawRightString(page_width - MARGIN_X, top, _fit(right, size, inner / 2 - 6))
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 3, page_width - MARGIN_X, top - 3)
        bottom = MARGIN_BOTTOM - 10 * mm
        canvas.line(MARGIN_X, bottom + size + 3, page_width - MARGIN_X, bottom + size + 3)
        canvas.setFillColor(colors.black)
        page_label = f"第 {number} 页 共 {total} 页"
        canvas.drawRightString(page_width - MARGIN_X, bottom, page_label)
        left_room = inner - text_width(page_label, size) - 12
        canvas.drawString(MARGIN_X, bottom, _fit(f"{printed}　来源：{source}", size, left_room))
        canvas.restoreState()

    return decorate


def document_pdf(doc: dict[str, Any], *, zone_name: str, printed_at: datetime, large: bool = False) -> PdfFile:
    """The whole document as an A4 PDF; `doc` is `document_to_dict(doc, with_body=True)`."""
    sizes = LARGE if large else NORMAL
    font = cjk_font()
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=doc["title"],
        author=doc.get("issuer") or "",
        subject=doc.get("doc_number") or "",
        creator="disclosure kiosk",
        invariant=True,  # the same document printed twice gives the same bytes (apart from the print time)
        initialFontName=font,
    )
    frame = Frame(
        MARGIN_X, MARGIN_BOTTOM, A4[0] - 2 * MARGIN_X, A4[1] - MARGIN_TOP - MARGIN_BOTTOM, 0, 0, 0, 0, id="body"
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    flowables = _title_block(doc, sizes, frame._width)
    blocks = body_blocks(doc.get("body") or "", title=doc["title"], issuer=doc.get("issuer"))
    flowables.extend(_block_flowable(block, sizes) for block in blocks)
    flowables.extend(_attachment_flowables(doc.get("attachments") or [], sizes))
    decorate = _decorator(doc, zone_name, printed_at, sizes)

    def canvas_maker(*args: Any, **kwargs: Any) -> PagedCanvas:
        return PagedCanvas(*args, decorate=decorate, **kwargs)

    template.build(flowables, canvasmaker=canvas_maker)
    data = buffer.getvalue()
    return PdfFile(data, template.page, doc["title"])
