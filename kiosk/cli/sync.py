"""`kiosk sync` and `kiosk status`: bring the catalog up to the signed central feed, and say how
fresh it is."""

from __future__ import annotations

import click

from kiosk.catalog.catalog_db import open_store
from kiosk.cli.base import emit, get_env, json_option, main, progress_bar
from kiosk.sync.startup import open_catalog
from kiosk.sync.status import catalog_status, freshness_line
from kiosk.sync.updater import sync_catalog

_PHASES = {"shards": "索引分片", "documents": "文件数据", "attachments": "附件", "apply": "写入目录"}


@main.command("sync")
@click.option("--source", help="Feed URL (https://…) or folder (USB stick); default: config sync_source.")
@click.option("--full", is_flag=True, help="Compare every shard, not only those whose hash changed (repair).")
@json_option
def sync_cmd(source: str | None, full: bool, as_json: bool) -> None:
    """Sync the local catalog from the signed central feed (HTTP or a folder)."""
    env = get_env()
    open_store(env.catalog_db)
    report = sync_catalog(env, source, full=full, progress=progress_bar(as_json, _PHASES))
    emit(report.to_dict(), as_json, _format_report)


def _format_report(d: dict) -> str:
    if d["status"] == "up_to_date":
        return f"目录已是最新（第 {d['version_after']} 版，来源 {d['source']}）。"
    return (
        f"目录已更新：第 {d['version_before'] or '—'} 版 → 第 {d['version_after']} 版；"
        f"新增 {d['added']}，更新 {d['changed']}，撤回 {d['withdrawn']}，未变 {d['unchanged']}；"
        f"下载 {d['bytes_fetched']:,} 字节，用时 {d['seconds']:.1f} 秒。"
    )


@main.command("status")
@json_option
def status_cmd(as_json: bool) -> None:
    """Show the catalog's version, expiry, size and the outcome of the last sync."""
    env = get_env()
    open_catalog(env)
    emit(catalog_status(env), as_json, _format_status)


def _format_status(d: dict) -> str:
    lines = [
        freshness_line(d),
        f"版本：{d['version'] if d['version'] is not None else '—'}    有效期至：{d['expires'] or '—'}"
        + ("（已过期）" if d["expired"] else ""),
        f"文件数：{d['documents']}    来源：{d['source'] or '—'}",
        f"最近同步：{d['last_attempt'] or '从未'}  结果：{d['last_result'] or '—'}",
    ]
    if d["last_error_zh"]:
        lines.append(f"错误：{d['last_error_zh']}")
    return "\n".join(lines)
