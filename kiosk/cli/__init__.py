"""The `kiosk` command: parses arguments, calls one core function, prints. Commands live in sibling modules."""

from __future__ import annotations

from kiosk.cli import (  # noqa: F401  (each module registers its commands)
    applications,
    central,
    central_console,
    central_feed,
    central_intake,
    central_release,
    central_report,
    config_cmd,
    docs,
    heartbeat,
    ime,
    printing,
    provision,
    run,
    search,
    staff,
    sync,
    ui,
    update,
)
from kiosk.cli.base import main

__all__ = ["main"]
