"""`kiosk central serve|terminals|applications`: the central office's application intake.
Every command here takes `--db URL` (env KIOSK_CENTRAL_DB; default a SQLite file in the home)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from kiosk.applications.statuses import CENTRAL_STATUSES
from kiosk.central import intake
from kiosk.central.intake_db import open_intake, redact
from kiosk.cli.base import emit, get_env, json_option
from kiosk.cli.central import central_group

log = logging.getLogger(__name__)

db_option = click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help="sqlite:///PATH or postgresql://… (env KIOSK_CENTRAL_DB; default HOME/central-intake.sqlite3).",
)


keys_option = click.option(
    "--keys",
    "keys_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KIOSK_CENTRAL_KEYS",
    default=None,
    help="Folder of central's application key (0700, never inside the database; env KIOSK_CENTRAL_KEYS; "
    "default beside a SQLite database, HOME/central-keys for PostgreSQL).",
)


def _open(db_url: str | None, keys_dir: Path | None = None):
    env = get_env()
    url = db_url or env.central_db_url
    return open_intake(url, keys_dir), url


@central_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8470, show_default=True, help="Port (0: any free).")
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True, help="Worker threads.")
@click.option(
    "--calendar",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="KIOSK_CENTRAL_CALENDAR",
    default=None,
    help="Working-day calendar JSON the deadlines are counted from (the one publish signs in; "
    "env KIOSK_CENTRAL_CALENDAR).",
)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    envvar="KIOSK_CONSOLE_SECURE_COOKIES",
    default=False,
    help="Mark the console's session cookie Secure (set this when served behind HTTPS).",
)
@db_option
@keys_option
def serve_cmd(
    host: str,
    port: int,
    threads: int,
    calendar: Path | None,
    secure_cookies: bool,
    db_url: str | None,
    keys_dir: Path | None,
) -> None:
    """Run the intake web service (waitress) for the terminals, with the office's console at /console/."""
    import waitress

    from kiosk.applications.precheck import precheck_for
    from kiosk.central.console.web import load_secret
    from kiosk.central.intake_app import create_intake_app
    from kiosk.central.intake_sealing import default_keys_dir

    office_calendar = intake.load_office_calendar(calendar)
    db, url = _open(db_url, keys_dir)
    env = get_env()
    console = {"secret": load_secret(keys_dir or default_keys_dir(url)), "secure_cookies": secure_cookies}
    # The "already disclosed?" matches need a catalog: this home's, when central keeps one.
    precheck = precheck_for(env) if env.catalog_db.exists() else None
    app = create_intake_app(db, calendar=office_calendar, precheck=precheck, console=console)
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="kiosk-intake")
    address = f"http://{host}:{server.effective_port}"
    log.info("intake serving on %s with %s", address, redact(url))
    click.echo(f"intake serving on {address}", err=False)
    click.echo(f"console on {address}/console/", err=False)
    click.get_text_stream("stdout").flush()
    try:
        server.run()
    finally:
        server.close()


@central_group.group("terminals")
def terminals_group() -> None:
    """Terminals allowed to deliver applications, each with its own token."""


@terminals_group.command("add")
@click.argument("name")
@db_option
@json_option
def terminals_add(name: str, db_url: str | None, as_json: bool) -> None:
    """Register a terminal and print its token (shown only this once)."""
    _open(db_url)
    _, token = intake.add_terminal(name)
    emit(
        {"name": name, "token": token},
        as_json,
        lambda d: f"终端 {d['name']} 的令牌（只显示这一次，请写入该终端的 terminal_token）：\n{d['token']}",
    )


@terminals_group.command("list")
@db_option
@json_option
def terminals_list(db_url: str | None, as_json: bool) -> None:
    """Registered terminals (never their tokens), with what their last heartbeat said and the fleet
    flags 离线 / 目录过期 / 缺纸 / 版本落后."""
    from datetime import datetime

    from kiosk.central.console.fleet import fleet

    _open(db_url)
    health = {row["name"]: row for row in fleet(datetime.now().astimezone())}
    rows = [
        row | {k: v for k, v in health.get(row["name"], {}).items() if k not in row} for row in intake.list_terminals()
    ]
    emit(
        rows,
        as_json,
        lambda rs: (
            "\n".join(
                f"{r['number']:04d}  {r['name']}  {r['applications']} 份"
                + ("  已停用" if r["revoked"] else "")
                + (f"  {' '.join(r['flags'])}" if r.get("flags") else "")
                for r in rs
            )
            or "（没有终端）"
        ),
    )


@terminals_group.command("revoke")
@click.argument("name")
@db_option
@json_option
def terminals_revoke(name: str, db_url: str | None, as_json: bool) -> None:
    """Stop accepting a terminal's token (lost or retired terminal)."""
    _open(db_url)
    intake.revoke_terminal(name)
    emit({"name": name, "revoked": True}, as_json, lambda d: f"终端 {d['name']} 已停用。")


@central_group.group("applications")
def central_applications_group() -> None:
    """Applications received from the terminals."""


@central_applications_group.command("list")
@click.option("--status", type=click.Choice(CENTRAL_STATUSES), default=None, help="Only this status.")
@click.option("--limit", type=click.IntRange(min=1), default=None)
@click.option("--full", is_flag=True, help="Include the unmasked application (for the office handling it).")
@db_option
@keys_option
@json_option
def central_list(
    status: str | None, limit: int | None, full: bool, db_url: str | None, keys_dir: Path | None, as_json: bool
) -> None:
    """Received applications, oldest first; personal data masked unless --full."""
    _open(db_url, keys_dir)
    rows = intake.list_applications(status=status, limit=limit, full=full)
    emit(
        rows,
        as_json,
        lambda rs: (
            "\n".join(
                f"{r['tracking']}  {r['received_at'][:10]}  到期 {r['due']}  {r['status_zh']}  {r['applicant_masked']}  "
                f"{r['description'][:30]}"
                for r in rs
            )
            or "（没有申请）"
        ),
    )


@central_applications_group.command("set-status")
@click.argument("tracking")
@click.argument("status", type=click.Choice(CENTRAL_STATUSES))
@click.option("--note", default=None, help="Shown to the applicant with the status (no personal data).")
@db_option
@json_option
def central_set_status(tracking: str, status: str, note: str | None, db_url: str | None, as_json: bool) -> None:
    """Record a status change; the terminal fetches it on its next outbox pass."""
    _open(db_url)
    app = intake.set_status(tracking, status, note)
    emit(
        {"tracking": app.tracking, "status": app.status, "note": app.status_note, "at": app.status_at},
        as_json,
        lambda d: f"{d['tracking']} → {d['status']}",
    )
