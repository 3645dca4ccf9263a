"""`kiosk central officers|office|purge`: who may log in to the console, the office's details on
reply letters and its retention time, and the purge of personal data past it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from kiosk.central import intake_sealing
from kiosk.central.console import officers, settings
from kiosk.cli.base import emit, json_option
from kiosk.cli.central import central_group
from kiosk.cli.central_intake import _open, db_option, keys_option
from kiosk.errors import BadInput


def _now() -> datetime:
    return datetime.now().astimezone()


@central_group.group("officers")
def officers_group() -> None:
    """Officers of the disclosure office who log in to the console at /console/."""


@officers_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(officers.ROLES), default="officer", show_default=True)
@click.option(
    "--password-file",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="Read the password from this file's first line (else it is asked for, twice, without echo).",
)
@db_option
@json_option
def officers_add(name: str, role: str, password_file, db_url: str | None, as_json: bool) -> None:
    """Add an officer (password hashed with scrypt; at least 10 characters)."""
    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码", err=True)
    _open(db_url)
    officers.add_officer(name, role, password, _now())
    emit({"name": name, "role": role}, as_json, lambda d: f"已添加 {d['name']}（{d['role']}）。")


@officers_group.command("list")
@db_option
@json_option
def officers_list(db_url: str | None, as_json: bool) -> None:
    """Officers and their roles (never their password hashes)."""
    _open(db_url)
    emit(
        officers.list_officers(),
        as_json,
        lambda rs: (
            "\n".join(f"{r['name']}  {r['role']}" + ("  已停用" if r["disabled"] else "") for r in rs) or "（没有用户）"
        ),
    )


@officers_group.command("disable")
@click.argument("name")
@db_option
@json_option
def officers_disable(name: str, db_url: str | None, as_json: bool) -> None:
    """Stop an officer from logging in (their audit lines stay)."""
    _open(db_url)
    officers.disable_officer(name, _now())
    emit({"name": name, "disabled": True}, as_json, lambda d: f"已停用 {d['name']}。")


@central_group.command("office")
@click.option("--name", default=None, help="The office's name, printed on reply letters and the annual report.")
@click.option("--address", default=None, help="Its postal address (on reply letters).")
@click.option("--phone", default=None, help="Its phone number (on reply letters).")
@click.option(
    "--retention-days", type=int, default=None, help="Days personal data is kept after an application is closed."
)
@db_option
@json_option
def office_cmd(
    name: str | None,
    address: str | None,
    phone: str | None,
    retention_days: int | None,
    db_url: str | None,
    as_json: bool,
) -> None:
    """Show or set the office's details and retention time."""
    _open(db_url)
    values = settings.set_office(name=name, address=address, phone=phone, retention_days=retention_days)
    emit(
        values,
        as_json,
        lambda d: (
            f"机关：{d['name']}\n地址：{d['address']}\n电话：{d['phone']}\n个人信息保存：{d['retention_days']} 天"
        ),
    )


@central_group.command("purge")
@click.option("--days", type=int, default=None, help="Override the office's retention time for this run.")
@db_option
@keys_option
@json_option
def purge_cmd(days: int | None, db_url: str | None, keys_dir: Path | None, as_json: bool) -> None:
    """Delete the personal data of applications closed longer ago than the retention time (run daily)."""
    if days is not None and days < 1:
        raise BadInput("保存天数至少为 1。", "--days must be at least 1", field="days")
    _open(db_url, keys_dir)
    count = intake_sealing.purge_expired(_now(), days)
    emit({"purged": count}, as_json, lambda d: f"已删除 {d['purged']} 份申请的个人信息。")
