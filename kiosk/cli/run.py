"""`kiosk run`: start the touchscreen UI."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from kiosk.cli.base import get_env, main

log = logging.getLogger(__name__)


def without_postgresql_driver() -> None:
    """The kiosk's UI process never talks to PostgreSQL (central does); peewee imports psycopg whenever it
    can (~23 MB and 0.2 s at start), so the driver is hidden from this process before peewee first loads."""
    if "peewee" not in sys.modules:
        for name in ("psycopg", "psycopg2"):
            sys.modules.setdefault(name, None)  # type: ignore[assignment]  (None: "import fails")


def _tell_the_session(status: int) -> None:
    """deploy/terminal/kiosk-session reads the status from this file: the compositor between it and the kiosk
    does not pass it on. Best effort: without the file the session counts the stop as a failure."""
    path = os.environ.get("KIOSK_SESSION_STATUS_FILE")
    if not path:
        return
    try:
        Path(path).write_text(f"{int(status)}\n", encoding="ascii")
    except OSError as exc:
        log.warning("cannot tell the session the exit status %s: %s", status, exc)


@main.command("run")
@click.option("--fullscreen/--windowed", default=None, help="Override the fullscreen config option.")
def run_cmd(fullscreen: bool | None) -> None:
    """Start the kiosk window on the local catalog (the demo catalog on a new terminal)."""
    without_postgresql_driver()
    env = get_env()
    from kiosk.sync.startup import open_catalog
    from kiosk.ui.app import run_app  # Kivy only loads when the UI is really wanted

    open_catalog(env)
    status = run_app(env, fullscreen=fullscreen)
    _tell_the_session(status)
    if status:  # a clerk left kiosk mode: the unit must not restart it (RestartPreventExitStatus=)
        click.get_current_context().exit(status)
