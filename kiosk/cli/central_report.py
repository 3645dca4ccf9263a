"""`kiosk central report annual`: section 三 of the annual report (国办公开办函〔2021〕30号) from the
intake database, as JSON, CSV or PDF, with the format's cross-check."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.central.console import report, settings
from kiosk.cli.base import emit, json_option
from kiosk.cli.central import central_group
from kiosk.cli.central_intake import _open, db_option


@central_group.group("report")
def report_group() -> None:
    """Reports of the disclosure office."""


@report_group.command("annual")
@click.option("--year", type=click.IntRange(2000, 2999), required=True, help="The report's year.")
@click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write CSV here."
)
@click.option(
    "--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write PDF here."
)
@db_option
@json_option
def annual_cmd(year: int, csv_path: Path | None, pdf_path: Path | None, db_url: str | None, as_json: bool) -> None:
    """收到和处理政府信息公开申请情况 for a year; checks 一 + 二 = 三(七) + 四 per column."""
    _open(db_url)
    table = report.annual_report(year)
    if csv_path:
        csv_path.write_text(report.as_csv(table), encoding="utf-8")
    if pdf_path:
        pdf_path.write_bytes(report.as_pdf(table, settings.office()["name"]))
    emit(report.as_json(table), as_json, _human)


def _human(data: dict) -> str:
    lines = [
        f"{data['year']}年 收到和处理政府信息公开申请情况",
        "项目".ljust(10) + " ".join(c[:4].rjust(6) for c in data["columns"]),
    ]
    for row in data["rows"]:
        lines.append(f"{row['key']:<10}" + " ".join(str(n).rjust(6) for n in row["counts"]) + f"  {row['label'][:20]}")
    lines.append("核对 一+二=三(七)+四：" + ("平衡" if data["balanced"] else "不平衡"))
    return "\n".join(lines)
