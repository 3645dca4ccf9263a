"""The catalog store: its pragmas and migrations, opened through kiosk.database like every store."""

from __future__ import annotations

import logging
from pathlib import Path

from peewee import SqliteDatabase

from kiosk.catalog.migrations import all_migrations
from kiosk.catalog.models import database
from kiosk.database import StoreKind, connect_sqlite, open_sqlite, refuse_newer
from kiosk.migrations import migrate_sqlite, sqlite_schema_version

log = logging.getLogger(__name__)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",  # power can fail at any line: a committed sync must survive it
    "busy_timeout": 5000,
    # SQLite's own page cache, per connection (the OS caches the file for all of them). Every thread of
    # the kiosk has its connection (UI, search worker, input method loader), and a cache once filled stays in
    # the process's heap: with 32 MB each, reading every title and a few searches at 100k documents left
    # ~30 MB per connection. 4 MB searched as fast (p50 9–12 ms, p95 110–133 ms either way on 200 queries)
    # and wrote 8,000 documents as fast (8.7–9.4 s against 9.0–9.2 s).
    "cache_size": -4_000,
}


schema_version = sqlite_schema_version


def latest_schema_version() -> int:
    return all_migrations()[-1][0]


def migrate_database(db: SqliteDatabase, target: int | None = None) -> int:
    """Apply every migration above the database's version (up to `target`), each atomically."""
    refuse_newer("catalog", CATALOG.title_zh, db.database, schema_version(db), latest_schema_version())
    current = migrate_sqlite(db, all_migrations(), what="catalog", target=target)
    rebuild_stale_index(db)
    return current


def rebuild_stale_index(db: SqliteDatabase) -> None:
    """Fill the index when a migration created or changed its tables (they mark it stale). The indexing
    code is imported only then: the home screen of a terminal starting up does not need it (~35 ms)."""
    flagged = (
        db.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'catalog_state'").fetchone()
        and db.execute_sql("SELECT 1 FROM catalog_state WHERE key = 'search_index_stale'").fetchone()
    )
    if not flagged:
        return
    from kiosk.catalog.search_index import rebuild_index

    with db.atomic():
        count = rebuild_index(db)
        db.execute_sql("DELETE FROM catalog_state WHERE key = 'search_index_stale'")
    log.info("search index built for %d documents", count)


CATALOG = StoreKind(
    name="catalog",
    title_zh="本地目录数据库",
    proxy=database,
    pragmas=PRAGMAS,
    migrate=lambda db: migrate_database(db),
)


def connect(path: Path) -> SqliteDatabase:
    """A raw connection with the project's pragmas, not migrated and not bound to the models."""
    return connect_sqlite(CATALOG, path)


def open_store(path: Path) -> SqliteDatabase:
    """The catalog at `path`, opened once per process (kiosk.database.open_sqlite)."""
    return open_sqlite(CATALOG, path)
