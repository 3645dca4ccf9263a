"""The one function that opens a terminal's application database: its own SQLite file, WAL, full
fsync on commit, secure delete (purged data is overwritten, not left in free pages), migrated."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from peewee import DatabaseError, SqliteDatabase

from kiosk.applications.migrations import all_migrations
from kiosk.applications.models import database
from kiosk.environment import Env
from kiosk.errors import StorageError
from kiosk.migrations import migrate_sqlite, sqlite_schema_version

log = logging.getLogger(__name__)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",  # a receipt is shown only for an application that survives a power cut
    "secure_delete": 1,
    "busy_timeout": 10_000,
}


schema_version = sqlite_schema_version


def latest_schema_version() -> int:
    return all_migrations()[-1][0]


def migrate_database(db: SqliteDatabase, target: int | None = None) -> int:
    """Apply every migration above the database's version (up to `target`), each atomically."""
    current = migrate_sqlite(db, all_migrations(), what="application", target=target)
    return current


def connect(path: Path) -> SqliteDatabase:
    """A raw connection with the pragmas, not migrated and not bound to the models."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Owner only, like the key: SQLite gives the -wal and -shm files the same mode.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        db = SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)
        db.connect(reuse_if_open=True)
    except (OSError, DatabaseError, sqlite3.Error) as exc:
        raise StorageError(
            "无法打开申请数据库，请联系工作人员。", f"cannot open application database {path}: {exc}"
        ) from exc
    return db


def open_applications(env: Env) -> SqliteDatabase:
    """Open (creating if needed) HOME's application database, migrate it, bind the models to it.

    Opened once per process and file: rebinding the proxy under a worker thread that is inside a
    transaction would send its next statement to another connection."""
    path = env.applications_db
    current = database.obj
    if isinstance(current, SqliteDatabase) and current.database == str(path) and path.exists():
        return current
    db = connect(path)
    try:
        version = schema_version(db)
        if version > latest_schema_version():
            raise StorageError(
                "申请数据库来自更新版本的软件，请升级本机软件。",
                f"application database {path} has schema {version}, newer than {latest_schema_version()}",
            )
        migrate_database(db)
    except (DatabaseError, sqlite3.Error) as exc:
        db.close()
        raise StorageError(
            "申请数据库已损坏或不可用，请联系工作人员。", f"application database {path} is unusable: {exc}"
        ) from exc
    database.initialize(db)
    return db
