"""`kiosk provision`: set up this machine (or a staging root) as a terminal, from options or a USB-stick file."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.cli.base import emit, json_option, main
from kiosk.provision import STEPS, Request, provision, read_request

_ACTIONS = {"created": "已创建", "updated": "已更新", "unchanged": "未改变"}
_RESULTS = {
    "done": "已完成",
    "created": "已创建",
    "updated": "已更新",
    "unchanged": "无需改变",
    "skipped": "已跳过",
    "recorded": "已记录，待在终端上执行",
}


@main.command("provision")
@click.option(
    "--from",
    "from_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="provision.toml (e.g. on a USB stick) with the options below as keys.",
)
@click.option("--central", help="Base URL of the central intake service.")
@click.option("--token", help="This terminal's token for the intake service (goes to /etc/kiosk/env, 0600).")
@click.option("--trusted-key", help="The feed's Ed25519 public key: its text or a .pub file.")
@click.option("--zone-name", help="Name of the disclosure zone shown on the screens.")
@click.option("--feed", help="Feed URL or folder (default: /feed/ on the central host).")
@click.option("--terminal-id", help="Identifier of this terminal (default: the host name).")
@click.option("--printer", help="CUPS queue to add: [QUEUE=]DEVICE_URI (queue name default: kiosk).")
@click.option("--printer-model", help="lpadmin -m model of that queue (default: everywhere, driverless IPP).")
@click.option(
    "--session", type=click.Choice(["cage", "xorg"]), help="kiosk.service under cage (default) or kiosk-xorg.service."
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write into this staging root; run nothing outside it.",
)
@click.option("--skip-sync", is_flag=True, help="Do not run the first sync.")
@click.option("--skip-ime", is_flag=True, help="Do not build the input method's lexicon.")
@json_option
def provision_cmd(
    from_file: Path | None, root: Path | None, skip_sync: bool, skip_ime: bool, as_json: bool, **given: str | None
) -> None:
    """Set up this machine as a terminal: user, home, kiosk.toml, token, session units, printer, first sync."""
    request = read_request(from_file) if from_file else Request()
    report = provision(request.merged(given), root, skip_ime=skip_ime, skip_sync=skip_sync)
    emit(report.to_dict(), as_json, _human)


def _human(d: dict) -> str:
    lines = [f"{_ACTIONS[f['action']]}  {f['path']}  ({f['mode']})" for f in d["files"]]
    lines += [f"{STEPS[s['step']][0]}：{_RESULTS[s['result']]}" for s in d["steps"]]
    if any(c["result"] == "recorded" for c in d["commands"]):
        lines.append(f"需在终端上执行的命令已写入 {d['root']}/etc/kiosk/provision-pending.sh")
    lines.append("已按要求配置，本次有改动。" if d["changed"] else "一切已是所需状态，本次没有任何改动。")
    return "\n".join(lines)
