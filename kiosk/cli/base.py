"""The root command group, the shared environment, error handling and output."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kiosk import __version__
from kiosk.environment import Env
from kiosk.errors import ExitStatus, KioskError
from kiosk.logs import setup_logging

log = logging.getLogger("kiosk.cli")


class KioskGroup(click.Group):
    """Turns every error into a calm message and an exit status; tracebacks only go to the log file."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KioskError as exc:
            log.error("%s", exc.message_en)
            _report(exc.message_zh, exc.message_en, ctx)
            ctx.exit(int(exc.exit_status))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            ctx.exit(130)
        except Exception as exc:  # the UI boundary of the CLI: log it, never show a traceback
            log.exception("unexpected error")
            _report("操作未能完成，请联系工作人员。", f"unexpected error: {exc.__class__.__name__}: {exc}", ctx)
            ctx.exit(int(ExitStatus.ERROR))


def _report(zh: str, en: str, ctx: click.Context) -> None:
    if (ctx.obj or {}).get("json_errors"):
        click.echo(json.dumps({"error": {"message_zh": zh, "message_en": en}}, ensure_ascii=False), err=True)
    else:
        click.echo(f"错误：{zh}\nerror: {en}", err=True)


@click.group(cls=KioskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kiosk")
@click.option(
    "--home", type=click.Path(file_okay=False, path_type=Path), help="Terminal home directory (env KIOSK_HOME)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default HOME/kiosk.toml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages to stderr too.")
@click.pass_context
def main(ctx: click.Context, home: Path | None, config_path: Path | None, verbose: bool) -> None:
    """政务公开专区自助终端 — the disclosure-zone kiosk."""
    ctx.ensure_object(dict)
    ctx.obj["json_errors"] = "--json" in sys.argv
    ctx.obj["loader"] = lambda: _load_env(home, config_path, verbose)


def _load_env(home: Path | None, config_path: Path | None, verbose: bool) -> Env:
    env = Env.load(home, config_path)
    env.ensure_home()
    setup_logging(env.log_dir, "DEBUG" if verbose else env.config.log_level)
    if verbose:
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and not hasattr(handler, "baseFilename"):
                handler.setLevel(logging.DEBUG)
    return env


def get_env(ctx: click.Context | None = None) -> Env:
    """The command's Env, built once on first use (so `--help` never touches the disk)."""
    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    if "env" not in root.obj:
        root.obj["env"] = root.obj["loader"]()
    return root.obj["env"]


def emit(data: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    """Structured output for scripts (--json) or readable text for people."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif human is not None:
        click.echo(human(data))
    else:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
