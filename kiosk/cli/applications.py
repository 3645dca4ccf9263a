"""`kiosk applications …`, `kiosk outbox deliver` and `kiosk deadline`: disclosure applications on a terminal."""

from __future__ import annotations

from datetime import date
from typing import Any, BinaryIO

import click

from kiosk.applications.deadlines import ANSWER_DAYS, EXTENSION_DAYS, load_calendar
from kiosk.applications.outbox import deliver_outbox
from kiosk.applications.records import (
    MAX_APPLICATION_BYTES,
    InvalidApplication,
    check_application,
    get_application,
    list_applications,
    masked_view,
    parse_application,
    purge_expired,
    sealer_for,
    status_view,
    submit_application,
)
from kiosk.applications.tracking import format_tracking
from kiosk.cli.base import emit, get_env, json_option, main, report_error
from kiosk.errors import BadInput, ExitStatus


def _read_json(handle: BinaryIO) -> Any:
    # One byte past the limit is enough to know the file is too large, without reading all of it.
    return parse_application(handle.read(MAX_APPLICATION_BYTES + 1), handle.name)


@main.group("applications")
def applications_group() -> None:
    """Disclosure applications (依申请公开) handed in at this terminal."""


@applications_group.command("validate")
@click.argument("file", type=click.File("rb"))
@json_option
def validate_cmd(file: BinaryIO, as_json: bool) -> None:
    """Check an application file (JSON) without storing it; exit 2 when it has errors."""
    _, errors = check_application(get_env(), _read_json(file))
    data = {"valid": not errors, "errors": [e.to_dict() for e in errors]}
    emit(data, as_json, lambda d: "申请表填写正确。" if d["valid"] else "\n".join(e["message_zh"] for e in d["errors"]))
    if errors:
        click.get_current_context().exit(int(ExitStatus.BAD_INPUT))


@applications_group.command("submit")
@click.argument("file", type=click.File("rb"))
@json_option
def submit_cmd(file: BinaryIO, as_json: bool) -> None:
    """Store an application (encrypted, on disk for good) and queue it for central; print the receipt."""
    env = get_env()
    try:
        app = submit_application(env, _read_json(file))
    except InvalidApplication as exc:
        if as_json:
            report_error(exc.to_dict(), click.get_current_context())
        else:
            click.echo("\n".join(["申请表需要修改："] + [e.message_zh for e in exc.errors]), err=True)
        click.get_current_context().exit(int(ExitStatus.BAD_INPUT))
    data = {
        "tracking": app.tracking,
        "received": app.received_at,
        "due": app.due.isoformat(),
        "calendar_complete": bool(app.calendar_complete),
    }
    emit(data, as_json, _format_receipt)


def _format_receipt(d: dict) -> str:
    due = d["due"] + ("" if d["calendar_complete"] else "（预计）")
    return f"申请已提交。查询号：{format_tracking(d['tracking'])}\n收到时间：{d['received']}\n答复期限：{due}"


@applications_group.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many, newest first.")
@json_option
def list_cmd(limit: int | None, as_json: bool) -> None:
    """Applications on this terminal, newest first, personal data masked."""
    env = get_env()
    sealer = sealer_for(env)
    rows = [masked_view(env, app, sealer) for app in list_applications(env, limit=limit)]
    emit(rows, as_json, _format_list)


def _format_list(rows: list[dict]) -> str:
    if not rows:
        return "（本终端没有申请）"
    return "\n".join(
        f"{r['tracking_display']}  {r['received'][:10]}  {r['applicant_masked']:6}  {r['status_zh']}  "
        f"{r['description'][:30]}"
        for r in rows
    )


@applications_group.command("status")
@click.argument("tracking")
@json_option
def status_cmd(tracking: str, as_json: bool) -> None:
    """Status of one application by its tracking number (no personal data shown)."""
    env = get_env()
    data = status_view(get_application(env, tracking))
    emit(data, as_json, _format_status)


def _format_status(d: dict) -> str:
    lines = [f"查询号：{d['tracking_display']}", f"状态：{d['status_zh']}", f"答复期限：{d['due']}"]
    if d["status_note"]:
        lines.append(f"说明：{d['status_note']}")
    return "\n".join(lines)


@applications_group.command("purge")
@json_option
def purge_cmd(as_json: bool) -> None:
    """Remove personal data that central confirmed more than `retention_days` ago."""
    emit({"purged": purge_expired(get_env())}, as_json, lambda d: f"已清除 {d['purged']} 份申请的个人信息。")


@main.group("outbox")
def outbox_group() -> None:
    """Applications waiting to reach the central intake."""


@outbox_group.command("deliver")
@click.option("--force", is_flag=True, help="Also send items still waiting out their back-off.")
@json_option
def deliver_cmd(force: bool, as_json: bool) -> None:
    """Send pending applications to central, fetch status changes, purge what is due; exit 3 when offline."""
    report = deliver_outbox(get_env(), force=force)
    emit(report.to_dict(), as_json, _format_delivery)
    if report.offline:
        click.get_current_context().exit(int(ExitStatus.OFFLINE))


def _format_delivery(d: dict) -> str:
    text = (
        f"送达 {d['delivered']}（重复确认 {d['replayed']}），稍后重试 {d['retry_later']}，待人工处理 {d['held']}，"
        f"仍待发送 {d['pending']}；状态更新 {d['statuses_updated']}，清除个人信息 {d['purged']}"
    )
    return "\n".join([text, *d["errors"]])


@main.command("deadline")
@click.option("--received", "received", required=True, help="Day the application was received (YYYY-MM-DD).")
@click.option("--extended", is_flag=True, help="The extended deadline (20 + 20 working days).")
@json_option
def deadline_cmd(received: str, extended: bool, as_json: bool) -> None:
    """Statutory answer deadline in working days (条例 Art. 33); the day of receipt is not counted."""
    try:
        day = date.fromisoformat(received)
    except ValueError as exc:
        raise BadInput("日期格式应为 YYYY-MM-DD。", f"--received {received!r} is not YYYY-MM-DD") from exc
    days = ANSWER_DAYS + (EXTENSION_DAYS if extended else 0)
    due, complete = load_calendar(get_env()).add_working_days(day, days)
    data = {"received": day.isoformat(), "due": due.isoformat(), "working_days": days, "calendar_complete": complete}
    emit(data, as_json, lambda d: f"{d['due']}" + ("" if d["calendar_complete"] else "（预计，节假日安排不完整）"))
