"""The one function that opens a catalog database: WAL, foreign keys, migrated to the current schema."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from peewee import DatabaseError, SqliteDatabase

from kiosk.catalog.migrations import all_migrations
from kiosk.catalog.models import database
from kiosk.catalog.search_index import rebuild_stale_index
from kiosk.errors import StorageError
from kiosk.migrations import migrate_sqlite, sqlite_schema_version

log = logging.getLogger(__name__)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",  # power can fail at any line: a committed sync must survive it
    "busy_timeout": 5000,
    "cache_size": -32_000,
}


schema_version = sqlite_schema_version


def latest_schema_version() -> int:
    return all_migrations()[-1][0]


def migrate_database(db: SqliteDatabase, target: int | None = None) -> int:
    """Apply every migration above the database's version (up to `target`), each atomically."""
    current = migrate_sqlite(db, all_migrations(), what="catalog", target=target)
    rebuild_stale_index(db)
    return current


def connect(path: Path) -> SqliteDatabase:
    """A raw connection with the project's pragmas, not migrated and not bound to the models."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)
        db.connect(reuse_if_open=True)
    except (OSError, DatabaseError, sqlite3.Error) as exc:
        raise StorageError(f"无法打开本地目录数据库 {path}。", f"cannot open catalog database {path}: {exc}") from exc
    return db


def open_store(path: Path) -> SqliteDatabase:
    """Open (creating if needed) the catalog at `path`, migrate it, and bind the models to it."""
    db = connect(path)
    try:
        version = schema_version(db)
        if version > latest_schema_version():
            raise StorageError(
                "本地目录数据库来自更新版本的软件，请升级本机软件。",
                f"catalog {path} has schema {version}, newer than this program's {latest_schema_version()}",
            )
        migrate_database(db)
    except (DatabaseError, sqlite3.Error) as exc:
        db.close()
        raise StorageError(
            f"本地目录数据库 {path} 已损坏或不可用。", f"catalog database {path} is unusable: {exc}"
        ) from exc
    database.initialize(db)
    return db
