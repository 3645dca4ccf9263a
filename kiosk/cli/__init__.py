"""The `kiosk` command: parses arguments, calls one core function, prints. Commands live in sibling modules,
imported when their command is asked for (`kiosk.cli.base.COMMAND_MODULES`)."""

from __future__ import annotations

from kiosk.cli.base import load_commands, main

__all__ = ["load_commands", "main"]
