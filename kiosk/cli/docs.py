"""`kiosk docs …` and `kiosk import`: read and fill the local catalog."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from kiosk.catalog.documents import document_to_dict, get_document, list_documents
from kiosk.catalog.search import related
from kiosk.cli.base import emit, get_env, json_option, main
from kiosk.errors import ExitStatus
from kiosk.importer import ImportProgress, import_folder
from kiosk.sync.startup import open_catalog


@main.group("docs")
def docs_group() -> None:
    """Documents in the local catalog."""


@docs_group.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many documents.")
@click.option("--offset", type=click.IntRange(min=0), default=0)
@json_option
def list_cmd(limit: int | None, offset: int, as_json: bool) -> None:
    """List documents, newest first."""
    open_catalog(get_env())
    rows = [document_to_dict(doc) for doc in list_documents(limit, offset)]
    emit(rows, as_json, _format_list)


def _format_list(rows: list[dict]) -> str:
    if not rows:
        return "（目录为空）"
    return "\n".join(f"{r['id']}  {r['issued'] or '—':10}  {r['doc_number'] or '—':18}  {r['title']}" for r in rows)


@docs_group.command("show")
@click.argument("doc_id")
@json_option
def show_cmd(doc_id: str, as_json: bool) -> None:
    """Show one document with its body and related documents (cites, cited by, interprets)."""
    open_catalog(get_env())
    data = document_to_dict(get_document(doc_id), with_body=True)
    data["related"] = related(doc_id)
    emit(data, as_json, _format_document)


_RELATED_LABELS = {"cites": "引用", "cited_by": "被引用", "interprets": "解读对象", "interpreted_by": "相关解读"}


def _format_document(d: dict) -> str:
    head = [d["title"], d["doc_number"] or "", f"{d['issuer'] or ''}  {d['issued'] or ''}  {d['validity']}", ""]
    tail = []
    for kind, label in _RELATED_LABELS.items():
        for item in d.get("related", {}).get(kind, []):
            parts = [item["title"], item["doc_number"], f"[{item['id']}]" if item["id"] else "（本目录暂无）"]
            tail.append(f"{label}：" + "  ".join(p for p in parts if p))
    return "\n".join(head) + d["body"] + ("\n\n" + "\n".join(tail) if tail else "")


@main.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@json_option
def import_cmd(source: Path, as_json: bool) -> None:
    """Import a folder of page dumps (.txt/.html) and JSON documents (.json, .jsonl/.ndjson) into the
    local catalog. Large JSON exports are read as a stream; every file gets a report line."""
    env = get_env()
    open_catalog(env)
    report = import_folder(source, env.files_dir, progress=None if as_json else _import_progress())
    data = report.to_dict()
    emit(data, as_json, _format_report)
    if data["failed"]:
        click.get_current_context().exit(int(ExitStatus.BAD_INPUT))


def _import_progress():
    """One line on a terminal's stderr, as `kiosk sync` shows; nothing when stderr is a log file or
    a pipe. Redrawn at most ten times a second: a 100k-document export reports every batch."""
    if not sys.stderr.isatty():
        return None
    last = {"at": 0.0}

    def show(p: ImportProgress) -> None:
        now = time.monotonic()
        if not p.finished and now - last["at"] < 0.1:
            return
        last["at"] = now
        width = 30
        filled = width * p.files_done // p.files_total if p.files_total else width
        bar = f"[{'#' * filled}{'-' * (width - filled)}]"
        line = f"\r导入 {bar} 文件 {p.files_done}/{p.files_total}，已存入 {p.documents_stored:,} 篇"
        click.echo(line, err=True, nl=p.finished)

    return show


def _format_report(d: dict) -> str:
    lines = [
        f"新增 {d['added']}，更新 {d['changed']}，未变 {d['unchanged']}；不完整 {d['partial']}，失败 {d['failed']}，跳过 {d['skipped']}"
    ]
    for item in d["items"]:
        if item["status"] != "ok":
            detail = "; ".join(item["notes"] + [f"missing {m}" for m in item["missing"]])
            lines.append(f"  {item['status']:8} {item['file']}: {detail}")
    return "\n".join(lines)
