"""`kiosk config …`: show the effective configuration and where each value came from."""

from __future__ import annotations

from kiosk.cli.base import emit, get_env, json_option, main


@main.group("config")
def config_group() -> None:
    """Configuration of this terminal."""


@config_group.command("show")
@json_option
def show(as_json: bool) -> None:
    """Print every option with its effective value and source."""
    env = get_env()
    rows = env.config.describe()
    data = {"home": str(env.home), "config_file": str(env.config.path), "options": rows}
    emit(data, as_json, lambda d: "\n".join(f"{r['name']} = {r['value']!r}    ({r['source']})" for r in d["options"]))
