"""`kiosk` imports a command's module only when that command is asked for, so the kiosk's UI process
(`kiosk run`) does not start with the printing and central commands' libraries."""

import subprocess
import sys

import click

from kiosk.cli import load_commands, main
from kiosk.cli.base import COMMAND_MODULES
from tests.conftest import REPO


def test_every_command_is_found_in_the_modules_named_for_it():
    load_commands()
    assert sorted(main.commands) == sorted(COMMAND_MODULES)
    for name, command in main.commands.items():
        modules = set()
        stack: list[click.Command] = [command]
        while stack:
            current = stack.pop()
            if current.callback is not None:
                modules.add(current.callback.__module__.rsplit(".", 1)[1])
            if isinstance(current, click.Group):
                stack.extend(current.commands.values())
        assert modules <= set(COMMAND_MODULES[name]), name


def test_asking_for_run_imports_neither_printing_nor_central_libraries():
    code = (
        "import sys; from kiosk.cli import main; assert main.get_command(None, 'run') is not None; "
        "print(sorted(m for m in ('reportlab', 'pypdfium2', 'segno', 'flask', 'waitress', 'kiosk.cli.printing', "
        "'kiosk.cli.central') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_help_still_lists_every_command():
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "--help"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    for name in COMMAND_MODULES:
        assert f"  {name} " in out, name


def test_the_kiosk_process_starts_without_the_postgresql_driver(tmp_path):
    # The window itself is replaced by a report of what was loaded when it would have opened.
    code = (
        "import sys, types; window = types.ModuleType('kiosk.ui.app'); "
        "window.run_app = lambda env, fullscreen=None: print(sorted(m for m in ('psycopg', 'psycopg2') "
        "if sys.modules.get(m) is not None), 'peewee' in sys.modules); "
        "sys.modules['kiosk.ui.app'] = window; from kiosk.cli import main; main(sys.argv[1:])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "--home", str(tmp_path / "home"), "run"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stdout.strip() == "[] True", result.stderr
