"""`kiosk print …` and `kiosk printers`: print documents and receipts, see the printers and the print log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kiosk.cli.base import emit, get_env, json_option, main
from kiosk.printing import service
from kiosk.printing.printlog import read_print_log
from kiosk.sync.startup import open_catalog

PRINTER_HELP = (
    "Printer: folder, folder:DIR, cups:QUEUE[@HOST:PORT], escpos:DEVICE or a CUPS queue name (default: from config)."
)
WAIT_HELP = "Seconds to follow the job until it has printed (0: do not wait)."


@main.group("print")
def print_group() -> None:
    """Print documents and receipts."""


@print_group.command("document")
@click.argument("doc_id")
@click.option("--pages", help="Page ranges such as 1-3 or 1-3,5 (default: all pages).")
@click.option("--large", is_flag=True, help="Large print (elderly mode).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF to this file instead.")
@click.option("--printer", help=PRINTER_HELP)
@click.option("--over-quota", is_flag=True, help="A clerk confirmed printing more pages than the per-visit quota.")
@click.option("--wait", type=click.FloatRange(min=0), default=service.DEFAULT_WAIT, show_default=True, help=WAIT_HELP)
@json_option
def document_cmd(
    doc_id: str,
    pages: str | None,
    large: bool,
    out: Path | None,
    printer: str | None,
    over_quota: bool,
    wait: float,
    as_json: bool,
) -> None:
    """Print catalog document DOC_ID, or save it as a PDF with --out."""
    _exclusive(out, printer)
    env = get_env()
    open_catalog(env)
    if out is not None:
        outcome = service.save_document(env, doc_id, out, pages=pages, large=large)
    else:
        outcome = service.print_document(
            env, doc_id, printer=printer, pages=pages, large=large, confirmed=over_quota, wait=wait
        )
    emit(outcome.to_dict(), as_json, _format_outcome)


@print_group.command("receipt")
@click.argument("tracking")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF to this file instead.")
@click.option("--printer", help=PRINTER_HELP)
@click.option("--form", type=click.Choice(["a4", "thermal"]), help="Paper for --out (default: from config, else A4).")
@click.option("--wait", type=click.FloatRange(min=0), default=service.DEFAULT_WAIT, show_default=True, help=WAIT_HELP)
@json_option
def receipt_cmd(
    tracking: str, out: Path | None, printer: str | None, form: str | None, wait: float, as_json: bool
) -> None:
    """Print the receipt of the application TRACKING, or save it as a PDF with --out."""
    _exclusive(out, printer)
    env = get_env()
    data = service.load_receipt_data(env, tracking)
    if out is not None:
        outcome = service.save_receipt(env, data, out, form=form)
    else:
        outcome = service.print_receipt(env, data, printer=printer, wait=wait)
    emit(outcome.to_dict(), as_json, _format_outcome)


@print_group.command("preview")
@click.argument("doc_id")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--width", type=click.IntRange(min=50, max=5000), default=800, show_default=True, help="Pixels.")
@click.option("--large", is_flag=True, help="Large print (elderly mode).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PNG file to write.")
@json_option
def preview_cmd(doc_id: str, page: int, width: int, large: bool, out: Path, as_json: bool) -> None:
    """Render one page of a document's printout to a PNG image (the print preview's picture)."""
    from kiosk.printing.preview import render_page

    env = get_env()
    open_catalog(env)
    _, pdf = service.render_document(env, doc_id, large=large)
    image = render_page(pdf, page, width=width)
    image.save(out, "PNG")
    emit({"output": str(out), "page": page, "pages": pdf.pages, "size": list(image.size)}, as_json, _format_preview)


@print_group.command("log")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@json_option
def log_cmd(limit: int, as_json: bool) -> None:
    """The newest print jobs (document, pages, printer, outcome; never who printed)."""
    emit(read_print_log(get_env(), limit), as_json, _format_log)


@main.command("printers")
@json_option
def printers_cmd(as_json: bool) -> None:
    """Printers: the one configured per job type with its state, and the CUPS queues."""
    emit(service.printers_overview(get_env()), as_json, _format_printers)


def _exclusive(out: Path | None, printer: str | None) -> None:
    if out is not None and printer is not None:
        raise click.UsageError("--out and --printer exclude each other.")


def _format_outcome(data: dict[str, Any]) -> str:
    if data["output"]:
        return f"已保存：{data['output']}（{data['page_count']} 页，共 {data['total_pages']} 页）"
    job = data["job"] or {}
    state = {"completed": "打印完成", "printing": "正在打印", "queued": "排队等待打印"}.get(
        job.get("state"), job.get("state")
    )
    return f"{state}：{data['printer']} 任务 {job.get('job_id')}，第 {data['pages']} 页（{data['page_count']} 页）"


def _format_preview(data: dict[str, Any]) -> str:
    return f"第 {data['page']} 页（共 {data['pages']} 页）→ {data['output']} {data['size'][0]}×{data['size'][1]}"


def _format_log(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "（尚无打印记录）"
    return "\n".join(
        f"{r['time']}  {r['kind']:8}  {r.get('document_id') or '—':18}  第 {r.get('pages', '')} 页  "
        f"{r.get('printer', '')}  {r.get('state', '')}"
        for r in rows
    )


def _format_printers(data: dict[str, Any]) -> str:
    lines = ["按任务类型的打印机："]
    for kind, label in (("documents", "文件"), ("receipts", "回执")):
        info = data["defaults"][kind]
        lines.append(f"  {label}  {info['spec']}  {info['state']}  {info.get('message_zh', '')}")
    cups = data["cups"]
    if not cups["installed"]:
        lines.append("CUPS：未安装")
    elif not cups["running"]:
        lines.append(f"CUPS：{cups.get('message_zh', '未运行')}")
    else:
        lines.append(f"CUPS 队列（默认：{cups['default'] or '无'}）：")
        lines.extend(f"  {q['spec']}  {q['state']}  {q['message_zh']}" for q in cups["queues"])
        if not cups["queues"]:
            lines.append("  （无）")
    lines.append(f"每次到访可打印 {data['quota_pages']} 页")
    return "\n".join(lines)
