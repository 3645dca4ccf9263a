"""The annual report's section 三 computed from the intake database for one year, with the format's
own cross-check 一 + 二 = 三(七) + 四 per column; as a dict (JSON, HTML), CSV and PDF."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from kiosk.central.console.outcomes import COLUMNS, OUTCOME_KEYS, ROWS, column_of
from kiosk.central.intake_models import IntakeApplication


@dataclass(frozen=True)
class Case:
    """What the report needs to know about one application, and nothing personal."""

    column: int
    received: str  # YYYY-MM-DD, the day of receipt
    closed: str | None  # YYYY-MM-DD, answered or withdrawn
    outcome: str | None


def cases() -> list[Case]:
    query = IntakeApplication.select(
        IntakeApplication.applicant_type,
        IntakeApplication.organization_kind,
        IntakeApplication.received_at,
        IntakeApplication.closed_at,
        IntakeApplication.outcome,
    )
    return [
        Case(
            column_of(a.applicant_type, a.organization_kind),
            a.received_at[:10],
            a.closed_at[:10] if a.closed_at else None,
            a.outcome,
        )
        for a in query
    ]


def compute(year: int, items: list[Case]) -> dict[str, Any]:
    """The table for `year` (pure: tested with plain values). An application counts under 一 in the
    year of receipt, under 二 when open on 1 January, under 三 in the year it was closed and under 四
    when still open on 31 December."""
    start, end = f"{year:04d}-01-01", f"{year:04d}-12-31"
    counts = {row.key: [0] * len(COLUMNS) for row in ROWS}

    def add(key: str, column: int) -> None:
        counts[key][column] += 1
        counts[key][-1] += 1

    for case in items:
        if case.received > end:
            continue
        if case.received >= start:
            add("一", case.column)
        elif case.closed is None or case.closed >= start:
            add("二", case.column)
        else:
            continue  # closed before this year
        if case.closed is not None and start <= case.closed <= end:
            # An answer recorded without a known outcome still has to be counted somewhere.
            key = case.outcome if case.outcome in OUTCOME_KEYS else "三(六)3"
            add(key, case.column)
            if len(key) > 4:
                add(key[:4], case.column)  # the group row (三) … (六) is the sum of its reasons
            add("三(七)", case.column)
        elif case.closed is None or case.closed > end:
            add("四", case.column)
    counts["三"] = counts["三(七)"]
    left = [a + b for a, b in zip(counts["一"], counts["二"], strict=True)]
    right = [a + b for a, b in zip(counts["三(七)"], counts["四"], strict=True)]
    rows = [{"key": row.key, "label": row.label, "level": row.level, "counts": counts[row.key]} for row in ROWS]
    return {"year": year, "columns": list(COLUMNS), "rows": rows, "balanced": left == right}


def annual_report(year: int) -> dict[str, Any]:
    return compute(year, cases())


def as_json(report: dict[str, Any]) -> dict[str, Any]:
    """The shape `kiosk central report annual --json` promises: year, columns, rows of key/label/counts,
    balanced. The heading row 三 carries no counts of its own in the format and is left out."""
    return {
        "year": report["year"],
        "columns": report["columns"],
        "rows": [{k: row[k] for k in ("key", "label", "counts")} for row in report["rows"] if row["key"] != "三"],
        "balanced": report["balanced"],
    }


def as_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["项目", "名称", *report["columns"]])
    for row in report["rows"]:
        writer.writerow([row["key"], row["label"], *([""] * 7 if row["key"] == "三" else row["counts"])])
    writer.writerow(["核对", "一+二=三(七)+四", "平衡" if report["balanced"] else "不平衡"])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel, which offices open CSVs with, read UTF-8


def as_pdf(report: dict[str, Any], office: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from kiosk.printing.fonts import cjk_font

    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10)
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=f"{report['year']}年政府信息公开工作年度报告（三）")
    data: list[list[Any]] = [["", "申请人情况", "", "", "", "", "", ""]]
    data.append(["", "自然人", "法人或其他组织", "", "", "", "", "总计"])
    data.append(["", "", *report["columns"][1:6], ""])
    for row in report["rows"]:
        label = f"{row['key']} {row['label']}" if row["level"] < 2 else f"    {row['key'][-1]}. {row['label']}"
        counts = [""] * 7 if row["key"] == "三" else [str(c) for c in row["counts"]]
        data.append([Paragraph(label, body), *counts])
    table = Table(data, colWidths=[300, 50, 55, 55, 65, 65, 45, 45], repeatRows=3)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("SPAN", (1, 0), (7, 0)),
                ("SPAN", (2, 1), (6, 1)),
                ("SPAN", (1, 1), (1, 2)),
                ("SPAN", (7, 1), (7, 2)),
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    check = "一 + 二 = 三(七) + 四：" + ("各列均平衡" if report["balanced"] else "不平衡，请核查")
    story = [
        Paragraph(f"{office} {report['year']}年政府信息公开工作年度报告", title),
        Paragraph("三、收到和处理政府信息公开申请情况", title),
        Spacer(1, 6),
        table,
        Spacer(1, 6),
        Paragraph(check, body),
    ]
    doc.build(story)
    return buffer.getvalue()
