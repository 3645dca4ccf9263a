"""A terminal's application store: its own SQLite file, WAL, full fsync on commit, secure delete (purged
data is overwritten, not left in free pages), opened through kiosk.database like every store."""

from __future__ import annotations

import logging
from pathlib import Path

from peewee import SqliteDatabase

from kiosk.applications.migrations import all_migrations
from kiosk.applications.models import database
from kiosk.database import StoreKind, connect_sqlite, open_sqlite, refuse_newer
from kiosk.environment import Env
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
    refuse_newer("application", APPLICATIONS.title_zh, db.database, schema_version(db), latest_schema_version())
    return migrate_sqlite(db, all_migrations(), what="application", target=target)


APPLICATIONS = StoreKind(
    name="application",
    title_zh="申请数据库",
    proxy=database,
    pragmas=PRAGMAS,
    migrate=lambda db: migrate_database(db),
    private=True,  # owner only, like the key: SQLite gives the -wal and -shm files the same mode
    advice_zh="请联系工作人员。",
)


def connect(path: Path) -> SqliteDatabase:
    """A raw connection with the pragmas, not migrated and not bound to the models."""
    return connect_sqlite(APPLICATIONS, path)


def open_applications(env: Env) -> SqliteDatabase:
    """HOME's application database, opened once per process (kiosk.database.open_sqlite)."""
    return open_sqlite(APPLICATIONS, env.applications_db)
