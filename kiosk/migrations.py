"""Numbered schema migrations shared by every database of the project: discovery, and the SQLite
runner that records the version in PRAGMA user_version."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterable
from types import ModuleType

from peewee import SqliteDatabase
from playhouse.migrate import SqliteMigrator

log = logging.getLogger(__name__)


def numbered_migrations(package: str, path: Iterable[str]) -> list[tuple[int, ModuleType]]:
    """(number, module) for every mNNNN_* module of a migrations package, in order."""
    found = []
    for info in pkgutil.iter_modules(path):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            found.append((int(info.name[1:5]), importlib.import_module(f"{package}.{info.name}")))
    return sorted(found, key=lambda item: item[0])


def sqlite_schema_version(db: SqliteDatabase) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def migrate_sqlite(
    db: SqliteDatabase, migrations: list[tuple[int, ModuleType]], *, what: str, target: int | None = None
) -> int:
    """Apply every migration above the database's version (up to `target`), each atomically.
    IMMEDIATE takes the write lock first, so two processes starting at once never both migrate."""
    current = sqlite_schema_version(db)
    migrator = SqliteMigrator(db)
    for number, module in migrations:
        if number <= current or (target is not None and number > target):
            continue
        with db.atomic("IMMEDIATE"):
            if sqlite_schema_version(db) >= number:  # another process migrated meanwhile
                current = number
                continue
            module.apply(db, migrator)
            db.execute_sql(f"PRAGMA user_version = {number:d}")
        log.info("%s schema migrated to version %d", what, number)
        current = number
    return current
