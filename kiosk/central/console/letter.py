"""The reply letter (政府信息公开申请答复告知书) as a PDF, with the office's details and the Art. 36
outcome, in the project's CJK font. Applicant details come from the unsealed application."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from kiosk.central.console.outcomes import BY_KEY, outcome_label

# What each outcome tells the applicant (条例 Art. 36), in the letter's words.
_BODY = {
    "三(一)": "经审查，您申请获取的政府信息属于公开范围，本机关予以公开，现将有关信息提供给您。",
    "三(二)": "经审查，您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。"
    "本机关依据《中华人民共和国政府信息公开条例》第三十七条，向您提供可以公开的部分。",
    "三(三)": "经审查，您申请获取的政府信息依法不予公开，理由为：{reason}。",
    "三(四)": "经审查，本机关无法提供您申请获取的政府信息，理由为：{reason}。",
    "三(五)": "经审查，您的申请本机关不予处理，理由为：{reason}。",
    "三(六)": "您的申请本机关不再处理，理由为：{reason}。",
}
APPEAL = "如对本答复不服，可以在收到本告知书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"


def letter_pdf(app: dict[str, Any], office: dict[str, str], today: date) -> bytes:
    """`app`: the console's application view (with `application` unsealed, or None once purged)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from kiosk.printing.fonts import cjk_font

    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, firstLineIndent=24)
    plain = ParagraphStyle("plain", fontName=font, fontSize=12, leading=20)
    right = ParagraphStyle("right", fontName=font, fontSize=12, leading=20, alignment=2)
    outcome = app["outcome"] or ""
    group = outcome[:4] if outcome.startswith("三(") else outcome
    reason = BY_KEY[outcome].label if outcome in BY_KEY and BY_KEY[outcome].level == 2 else outcome_label(outcome)
    text = _BODY.get(group, "本机关已对您的申请作出处理。").format(reason=reason)
    personal = app.get("application") or {}
    # Paragraphs read markup: whatever a resident or an office typed is escaped.
    applicant = escape(personal.get("name") or app["applicant_masked"])
    office = {k: escape(v) for k, v in office.items()}
    description = escape(personal.get("description") or app["description"])
    received = app["received"]
    story = [
        Paragraph(office.get("name") or "政府信息公开工作机构", title),
        Paragraph("政府信息公开申请答复告知书", title),
        Spacer(1, 8),
        Paragraph(f"查询号：{app['tracking']}", right),
        Paragraph(f"{applicant}：", plain),
        Paragraph(
            f"本机关于{received[:4]}年{int(received[5:7])}月{int(received[8:10])}日收到您提出的政府信息公开申请"
            f"（所需信息：{description}）。",
            body,
        ),
        Paragraph(text, body),
        Paragraph(f"答复类型：{outcome_label(outcome)}", body),
        Paragraph(APPEAL, body),
        Spacer(1, 24),
        Paragraph(office.get("name") or "", right),
        Paragraph(f"{today.year}年{today.month}月{today.day}日", right),
        Spacer(1, 24),
        Paragraph(f"地址：{office.get('address', '')}", plain),
        Paragraph(f"联系电话：{office.get('phone', '')}", plain),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="政府信息公开申请答复告知书").build(story)
    return buffer.getvalue()
