"""The `kiosk` command: parses arguments, calls one core function, prints. Commands live in sibling modules."""

from __future__ import annotations

from kiosk.cli import (  # noqa: F401  (each module registers its commands)
    applications,
    central,
    central_feed,
    central_intake,
    config_cmd,
    docs,
    ime,
    printing,
    run,
    search,
    sync,
    ui,
)
from kiosk.cli.base import main

__all__ = ["main"]
