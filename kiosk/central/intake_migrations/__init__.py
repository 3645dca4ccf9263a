"""Numbered schema migrations of the central intake database (SQLite and PostgreSQL alike)."""

from __future__ import annotations

from types import ModuleType

from kiosk.migrations import numbered_migrations


def all_migrations() -> list[tuple[int, ModuleType]]:
    """(number, module) for every mNNNN_* module, in order."""
    return numbered_migrations(__name__, __path__)
