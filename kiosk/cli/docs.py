"""`kiosk docs …` and `kiosk import`: read and fill the local catalog."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.catalog.catalog import open_catalog
from kiosk.catalog.documents import document_to_dict, get_document, list_documents
from kiosk.catalog.search import related
from kiosk.cli.base import emit, get_env, json_option, main
from kiosk.errors import ExitStatus
from kiosk.importer import import_into_store, parse_folder


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
            name = item["title"] or ""
            tail.append(
                f"{label}：{name} {item['doc_number'] or ''} {'[' + item['id'] + ']' if item['id'] else ''}".rstrip()
            )
    return "\n".join(head) + d["body"] + ("\n\n" + "\n".join(tail) if tail else "")


@main.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@json_option
def import_cmd(source: Path, as_json: bool) -> None:
    """Import a folder of page dumps (.txt/.html) and JSON documents into the local catalog."""
    env = get_env()
    open_catalog(env)
    parsed, report = parse_folder(source)
    import_into_store(parsed, report, env.files_dir)
    data = report.to_dict()
    emit(data, as_json, _format_report)
    if data["failed"]:
        click.get_current_context().exit(int(ExitStatus.BAD_INPUT))


def _format_report(d: dict) -> str:
    lines = [
        f"新增 {d['added']}，更新 {d['changed']}，未变 {d['unchanged']}；不完整 {d['partial']}，失败 {d['failed']}，跳过 {d['skipped']}"
    ]
    for item in d["items"]:
        if item["status"] != "ok":
            detail = "; ".join(item["notes"] + [f"missing {m}" for m in item["missing"]])
            lines.append(f"  {item['status']:8} {item['file']}: {detail}")
    return "\n".join(lines)
