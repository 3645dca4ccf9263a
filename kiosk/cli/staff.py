"""`kiosk staff …`: set the clerks' staff PIN (kept only as a salted hash in the home) and show
whether one is set and whether staff mode is locked. The PIN is never echoed or printed."""

from __future__ import annotations

import sys

import click

from kiosk.cli.base import emit, get_env, json_option, main
from kiosk.staff.pin import MAX_DIGITS, MIN_DIGITS, set_pin
from kiosk.staff.session import StaffGate


@main.group("staff")
def staff_group() -> None:
    """The hall clerks' PIN-protected staff mode."""


@staff_group.command("set-pin")
@click.option(
    "--pin-stdin", is_flag=True, help="Read the PIN from the first line of stdin (scripts, provisioning); no prompt."
)
@json_option
def set_pin_cmd(pin_stdin: bool, as_json: bool) -> None:
    """Set the staff PIN (6–12 digits; asked twice without echo). Only its salted hash is kept, in HOME/staff_pin."""
    if pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = click.prompt(
            f"工作人员密码（{MIN_DIGITS}–{MAX_DIGITS} 位数字）",
            hide_input=True,
            confirmation_prompt="再次输入密码",
            err=True,
        ).strip()
    env = get_env()
    path = set_pin(env, pin)
    emit(
        {"pin_set": True, "file": str(path)},
        as_json,
        lambda d: f"工作人员密码已设置（仅保存其加盐哈希：{d['file']}）。",
    )


@staff_group.command("status")
@json_option
def status_cmd(as_json: bool) -> None:
    """Whether a staff PIN is set, wrong tries so far, and until when staff mode is locked."""
    emit(StaffGate(get_env()).status(), as_json, _format_status)


def _format_status(d: dict) -> str:
    if not d["pin_set"]:
        return "尚未设置工作人员密码：请运行 kiosk staff set-pin。"
    if d["locked_until"]:
        return f"工作人员密码已设置；因多次输错，工作人员模式锁定至 {d['locked_until']}。"
    return f"工作人员密码已设置；还可尝试 {d['attempts_left']} 次（共 {d['max_attempts']} 次）。"
