"""Numbered schema migrations of the application database; each module freezes the models it needs."""

from __future__ import annotations

from types import ModuleType

from kiosk.migrations import numbered_migrations


def all_migrations() -> list[tuple[int, ModuleType]]:
    """(number, module) for every mNNNN_* module, in order."""
    return numbered_migrations(__name__, __path__)
