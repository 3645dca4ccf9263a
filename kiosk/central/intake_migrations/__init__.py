"""Numbered schema migrations of the central intake database (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def all_migrations() -> list[tuple[int, ModuleType]]:
    """(number, module) for every mNNNN_* module, in order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            found.append((int(info.name[1:5]), importlib.import_module(f"{__name__}.{info.name}")))
    return sorted(found, key=lambda item: item[0])
