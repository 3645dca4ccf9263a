"""`kiosk heartbeat`: send this terminal's report to central now, or show it with --dry-run."""

from __future__ import annotations

from typing import Any

import click

from kiosk.applications.outbox import deliver_heartbeat
from kiosk.cli.base import emit, get_env, json_option, main
from kiosk.errors import ExitStatus
from kiosk.heartbeat import preview


@main.command("heartbeat")
@click.option("--dry-run", is_flag=True, help="Print the report that would be sent; send and store nothing.")
@json_option
def heartbeat_cmd(dry_run: bool, as_json: bool) -> None:
    """Report versions, catalog, printers, disk and anonymous usage counters to central; exit 3 when
    central was not reached (the report is kept and sent again with the same key)."""
    env = get_env()
    if dry_run:
        emit(preview(env), as_json, _format_body)
        return
    report = deliver_heartbeat(env, force=True)
    emit(report.to_dict(), as_json, _format_report)
    if report.pending is not None:
        click.get_current_context().exit(int(ExitStatus.OFFLINE))


def _format_body(body: dict[str, Any]) -> str:
    catalog, counters = body["catalog"], body["counters"]
    printers = "，".join(
        f"{label} {body['printers'][kind]['state']}" for kind, label in (("document", "文件"), ("receipt", "回执"))
    )
    free = "未知" if body["disk_free_bytes"] is None else f"{body['disk_free_bytes'] / 2**30:.1f} GiB"
    return "\n".join(
        [
            f"软件版本 {body['app_version']}；目录第 {catalog['version'] or '—'} 版"
            + ("（演示）" if catalog["demo"] else "")
            + f"；最近同步 {body['last_sync']['result'] or '—'}",
            f"待送达申请 {body['outbox_backlog']}；打印机：{printers}；剩余磁盘 {free}",
            f"自 {counters['since']} 起：检索 {counters['searches']}，阅读 {sum(counters['views'].values())}，"
            f"打印 {counters['prints']} 次 {counters['pages']} 页，申请 {counters['applications']}，"
            f"无人复位 {counters['idle_resets']}",
        ]
    )


def _format_report(d: dict[str, Any]) -> str:
    if d["pending"] is not None:
        lines = [f"心跳未送达，已保存，稍后以同一编号重发（{d['pending']}）。"]
    elif d["held"]:
        lines = ["心跳被中心拒收，其计数并入下一次心跳。"]
    else:
        lines = [f"心跳已送达中心（新 {d['delivered']}，重复确认 {d['replayed']}）。"]
    return "\n".join([*lines, *d["errors"]])
