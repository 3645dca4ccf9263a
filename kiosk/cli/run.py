"""`kiosk run`: start the touchscreen UI."""

from __future__ import annotations

import sys

import click

from kiosk.cli.base import get_env, main


def _without_postgresql_driver() -> None:
    """The kiosk's UI process never talks to PostgreSQL (central does); peewee imports psycopg whenever it
    can (~23 MB and 0.2 s at start), so the driver is hidden from this process before peewee first loads."""
    if "peewee" not in sys.modules:
        for name in ("psycopg", "psycopg2"):
            sys.modules.setdefault(name, None)  # type: ignore[assignment]  (None: "import fails")


@main.command("run")
@click.option("--fullscreen/--windowed", default=None, help="Override the fullscreen config option.")
def run_cmd(fullscreen: bool | None) -> None:
    """Start the kiosk window on the local catalog (the demo catalog on a new terminal)."""
    _without_postgresql_driver()
    env = get_env()
    from kiosk.sync.startup import open_catalog
    from kiosk.ui.app import run_app  # Kivy only loads when the UI is really wanted

    open_catalog(env)
    status = run_app(env, fullscreen=fullscreen)
    if status:  # a clerk left kiosk mode: the unit must not restart it (RestartPreventExitStatus=)
        click.get_current_context().exit(status)
