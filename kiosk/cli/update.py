"""`kiosk update` (install the signed release from the feed, roll back, show status) and `kiosk selfcheck`
(the health check a new release runs on itself before the updater switches to it)."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.cli.base import emit, get_env, json_option, main
from kiosk.errors import ExitStatus
from kiosk.update.selfcheck import HOME_SCREEN_TIMEOUT_SECONDS, run_selfcheck
from kiosk.update.updater import (
    DEFAULT_PREFIX,
    HEALTH_TIMEOUT_SECONDS,
    Options,
    parse_restart_command,
    rollback,
    status,
    update,
)


@main.command("update")
@click.option("--source", help="Feed URL (https://…) or folder (USB stick); default: config sync_source.")
@click.option("--rollback", "do_rollback", is_flag=True, help="Go back to the previous release.")
@click.option("--status", "show_status", is_flag=True, help="Show the running release and what is installed.")
@click.option(
    "--prefix",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_PREFIX,
    show_default=True,
    envvar="KIOSK_UPDATE_PREFIX",
    help="Install root holding releases/ and the `current` link (env KIOSK_UPDATE_PREFIX).",
)
@click.option(
    "--restart-command",
    envvar="KIOSK_UPDATE_RESTART_COMMAND",
    help="Run after a switch (default: systemctl try-restart of the kiosk units under systemd; '' for none).",
)
@click.option(
    "--health-timeout",
    type=click.FloatRange(min=1),
    default=HEALTH_TIMEOUT_SECONDS,
    show_default=True,
    help="Seconds the new release's health check may take.",
)
@json_option
def update_cmd(
    source: str | None,
    do_rollback: bool,
    show_status: bool,
    prefix: Path,
    restart_command: str | None,
    health_timeout: float,
    as_json: bool,
) -> None:
    """Install the signed software release from the feed side by side, health-check it, switch to it."""
    options = Options(
        prefix=prefix, restart_command=parse_restart_command(restart_command), health_timeout=health_timeout
    )
    if show_status:
        emit(status(options), as_json, _format_status)
        return
    env = get_env()
    report = rollback(env, options) if do_rollback else update(env, options, source=source)
    emit(report.to_dict(), as_json, lambda d: d["message_zh"])
    if report.status == "health_check_failed":
        raise click.exceptions.Exit(int(ExitStatus.ERROR))


def _format_status(d: dict) -> str:
    lines = [
        f"当前版本：{d['current_release'] or d['current'] or '—'}（{d['current'] or '未安装'}）",
        f"可回退到：{d['rollback_to'] or '无'}    发布索引版本：{d['index_version'] or '—'}    近期崩溃：{d['crashes']} 次",
    ]
    lines += [
        f"  {r['release']}：{ {'healthy': '可用', 'failed': '已停用', 'incomplete': '未装完'}[r['state']] }"
        for r in d["releases"]
    ]
    return "\n".join(lines)


@main.command("selfcheck")
@click.option("--no-ui", is_flag=True, help="Skip starting the app to its home screen.")
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=HOME_SCREEN_TIMEOUT_SECONDS, show_default=True,
    help="Seconds the app may take to reach its home screen.",
)  # fmt: skip
@json_option
def selfcheck_cmd(no_ui: bool, timeout: float, as_json: bool) -> None:
    """Check this version on this home: imports, database migrations, the home screen (headless).
    Migrates the home's databases: the updater runs it on a copy."""
    result = run_selfcheck(get_env(), home_screen=not no_ui, timeout=timeout)
    emit(
        result.to_dict(),
        as_json,
        lambda d: "\n".join(f"{'通过' if c['ok'] else '失败'}  {c['name']}  {c['detail']}" for c in d["checks"]),
    )
    if not result.ok:
        raise click.exceptions.Exit(int(ExitStatus.ERROR))
