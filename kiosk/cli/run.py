"""`kiosk run`: start the touchscreen UI."""

from __future__ import annotations

import click

from kiosk.cli.base import get_env, main
from kiosk.sync.startup import open_catalog


@main.command("run")
@click.option("--fullscreen/--windowed", default=None, help="Override the fullscreen config option.")
def run_cmd(fullscreen: bool | None) -> None:
    """Start the kiosk window on the local catalog (the demo catalog on a new terminal)."""
    env = get_env()
    open_catalog(env)
    from kiosk.ui.app import run_app  # Kivy only loads when the UI is really wanted

    status = run_app(env, fullscreen=fullscreen)
    if status:  # a clerk left kiosk mode: the unit must not restart it (RestartPreventExitStatus=)
        click.get_current_context().exit(status)
