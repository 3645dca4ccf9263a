"""The root command group, the shared environment, error handling and output.

Everything a command prints goes through `emit` (results) or `report_error` (errors); whether that is
JSON is read from click's context, never from sys.argv: in-process callers (click's CliRunner, a
script importing `main`) get what they asked for.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kiosk import __version__
from kiosk.environment import Env
from kiosk.errors import BadInput, ExitStatus, KioskError
from kiosk.logs import setup_logging

if TYPE_CHECKING:
    from kiosk.sync.updater import Progress

log = logging.getLogger("kiosk.cli")

# Python hands undecodable argv bytes (and file names) over as lone surrogates (surrogateescape).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_text(data: Any, *, indent: int | None = 2) -> str:
    """JSON that is always valid UTF-8: a lone surrogate is written as its \\uXXXX escape, so a
    script reading it gets the very string back (os.fsencode of a file name gives its bytes)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=str)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _human_text(text: str) -> str:
    """Prose for a terminal: an undecodable character shows as U+FFFD instead of breaking the output."""
    return _SURROGATE.sub("\ufffd", text)


def _root_obj(ctx: click.Context | None) -> dict:
    if ctx is None:
        return {}
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    return root.obj


def _wants_json(ctx: click.Context | None) -> bool:
    return bool(_root_obj(ctx).get("json"))


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    # Eager: known before any other option is converted, so even a usage error is answered in JSON.
    if value:
        _root_obj(ctx)["json"] = True
        setup_logging(None, stderr=False)  # until the file log is set up: nothing on stderr but the answer
    return value


def _refuse_undecodable(ctx: click.Context) -> None:
    """Text options and arguments must be text: bytes that are not UTF-8 become lone surrogates and
    would fail deep inside SQLite or an encoder. Paths may hold any bytes and are left alone."""
    for param in ctx.command.params:
        if isinstance(param.type, click.Path | click.File):
            continue
        value = ctx.params.get(param.name)
        values = value if isinstance(value, tuple | list) else (value,)
        if any(isinstance(v, str) and _SURROGATE.search(v) for v in values):
            label = param.opts[0] if param.opts and param.opts[0].startswith("-") else param.human_readable_name
            raise BadInput(
                f"“{label}”含有无法识别的字符（不是有效的 UTF-8 文本），请重新输入。",
                f"{label} is not valid UTF-8 text",
                field=param.name,
            )


# `kiosk docs` with no subcommand prints its help (click 8.2+ signals that as a usage error).
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


class KioskCommand(click.Command):
    """A command whose text input is checked before it runs."""

    def invoke(self, ctx: click.Context) -> Any:
        _refuse_undecodable(ctx)
        return super().invoke(ctx)


class KioskGroup(click.Group):
    """Turns every error into a calm message and an exit status; tracebacks only go to the log file.
    Its commands and subgroups are KioskCommands and KioskGroups."""

    command_class = KioskCommand
    group_class = type

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except _NO_ARGS_IS_HELP:
            raise
        except click.UsageError as exc:
            if parent is not None:
                raise  # a subgroup's: reported by the group that invokes it
            # The root's own options: no context to read --json from yet, only the arguments given.
            _report_usage(exc, "--json" in args)
            sys.exit(int(ExitStatus.BAD_INPUT))

    def invoke(self, ctx: click.Context) -> Any:
        remaining = list(ctx.args)  # click empties ctx.args before the subcommand parses them
        try:
            _refuse_undecodable(ctx)
            return super().invoke(ctx)
        except KioskError as exc:
            log.warning("%s", exc.message_en, extra={"shown": True})
            report_error(exc.to_dict(), ctx)
            ctx.exit(int(exc.exit_status))
        except _NO_ARGS_IS_HELP:
            raise
        except click.UsageError as exc:
            # A usage error can come before --json was parsed: then the group's remaining arguments say.
            _report_usage(exc, _wants_json(ctx) or "--json" in remaining)
            ctx.exit(int(ExitStatus.BAD_INPUT))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            report_error({"message_zh": "操作已中断。", "message_en": "interrupted"}, ctx)
            ctx.exit(int(ExitStatus.INTERRUPTED))
        except Exception as exc:  # the UI boundary of the CLI: log it, never show a traceback
            log.exception("unexpected error", extra={"shown": True})
            en = f"unexpected error: {exc.__class__.__name__}: {exc}"
            report_error({"message_zh": "操作未能完成，请联系工作人员。", "message_en": en}, ctx)
            ctx.exit(int(ExitStatus.ERROR))


def report_error(error: dict, ctx: click.Context | None) -> None:
    """An error on stderr: one JSON line under --json, else Chinese then English prose."""
    _write_error(error, _wants_json(ctx))


def _write_error(error: dict, as_json: bool) -> None:
    if as_json:
        click.echo(_json_text({"error": error}, indent=None).encode("utf-8"), err=True)
    else:
        click.echo(_human_text(f"错误：{error['message_zh']}\nerror: {error['message_en']}"), err=True)


def _report_usage(exc: click.UsageError, as_json: bool) -> None:
    command = exc.ctx.command_path if exc.ctx else "kiosk"
    if exc.ctx is not None and not as_json:
        click.echo(_human_text(exc.ctx.get_usage()), err=True)
    error = {"message_zh": f"命令的参数不正确，请查看 {command} --help。", "message_en": exc.format_message()}
    _write_error(error, as_json)


# The sibling modules that register each top-level command. `kiosk run` on a terminal imports only its
# own: the printing and central commands bring reportlab, pypdfium2 and psycopg (~1.4 s, ~40 MB) that the
# kiosk's UI process would otherwise start with and keep.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "applications": ("applications",),
    "central": (
        "central",
        "central_console",
        "central_feed",
        "central_intake",
        "central_release",
        "central_report",
    ),
    "config": ("config_cmd",),
    "deadline": ("applications",),
    "docs": ("docs",),
    "heartbeat": ("heartbeat",),
    "ime": ("ime",),
    "import": ("docs",),
    "outbox": ("applications",),
    "print": ("printing",),
    "printers": ("printing",),
    "provision": ("provision",),
    "run": ("run",),
    "search": ("search",),
    "selfcheck": ("update",),
    "status": ("sync",),
    "staff": ("staff",),
    "sync": ("sync",),
    "ui": ("ui",),
    "update": ("update",),
}


def load_commands(*names: str) -> None:
    """Import the modules registering `names` (every command when none is named)."""
    import importlib

    for name in names or tuple(COMMAND_MODULES):
        for module in COMMAND_MODULES.get(name, ()):
            importlib.import_module(f"kiosk.cli.{module}")


class RootGroup(KioskGroup):
    """The `kiosk` group: a command's module is imported when that command is asked for."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load_commands(cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_commands()
        return super().list_commands(ctx)


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    obj = _root_obj(ctx)
    setup_logging(None)  # until the env's file log exists: warnings on stderr, no last-resort handler
    obj["loader"] = lambda: _load_env(home, config_path, verbose, as_json=_wants_json(ctx))


def _load_env(home: Path | None, config_path: Path | None, verbose: bool, *, as_json: bool) -> Env:
    env = Env.load(home, config_path)
    env.ensure_home()
    # The file log follows the log_level option (KIOSK_LOG_LEVEL); -v only makes stderr chattier.
    setup_logging(env.log_dir, env.config.log_level, stderr=not as_json, stderr_level="DEBUG" if verbose else "WARNING")
    return env


def get_env(ctx: click.Context | None = None) -> Env:
    """The command's Env, built once on first use (so `--help` never touches the disk)."""
    obj = _root_obj(ctx or click.get_current_context())
    if "env" not in obj:
        obj["env"] = obj["loader"]()
    return obj["env"]


def emit(data: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    """The one way a command prints its result: JSON for scripts (--json, always valid UTF-8) or
    readable text for people."""
    if as_json or human is None:
        click.echo(_json_text(data).encode("utf-8"))
    else:
        click.echo(_human_text(human(data)))


def progress_bar(as_json: bool, labels: dict[str, str] | None = None) -> Progress | None:
    """A one-line bar per phase on a terminal's stderr; nothing under --json or when stderr is a
    log file or a pipe. `labels` names the phases in Chinese."""
    if as_json or not sys.stderr.isatty():
        return None
    labels = labels or {}
    last: dict[str, str | None] = {"phase": None}

    def show(phase: str, done: int, total: int) -> None:
        if phase != last["phase"] and last["phase"] is not None:
            click.echo("", err=True)
        last["phase"] = phase
        width = 30
        filled = width * done // total if total else width
        label = labels.get(phase, phase)
        click.echo(f"\r{label:6} [{'#' * filled}{'-' * (width - filled)}] {done}/{total}", err=True, nl=done >= total)
        if done >= total:
            last["phase"] = None

    return show


json_option = click.option(
    "--json", "as_json", is_flag=True, is_eager=True, callback=_set_json, help="Print JSON for scripts."
)
