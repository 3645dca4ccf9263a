"""The one function that opens the central intake database from a URL: SQLite by default,
PostgreSQL (psycopg 3, pooled) for a `postgresql://` URL; migrated, bound to the intake models."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from peewee import Database, DatabaseError, InterfaceError, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.migrate import SchemaMigrator
from playhouse.pool import PooledPostgresqlDatabase

from kiosk.central.intake_migrations import all_migrations
from kiosk.central.intake_models import intake_database
from kiosk.central.intake_sealing import default_keys_dir, open_sealer, seal_plain_rows, secure_files
from kiosk.database import StoreKind, open_sqlite
from kiosk.errors import ConfigError, StorageError

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",  # an acknowledged application must survive a power cut at central too
    "busy_timeout": 15_000,  # many terminals at once: wait for the writer instead of failing
    "secure_delete": 1,  # a purged or re-sealed row leaves zeros behind, not the personal data
}
POOL_SIZE = 32

_SCHEMA_TABLE = "intake_schema"


def redact(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def make_database(url: str) -> Database:
    """A database object for the URL, not yet connected."""
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql://" + url.split("://", 1)[1]
        # timeout: a request waits this long for a free pooled connection before failing with 503.
        return PooledPostgresqlDatabase(url, max_connections=POOL_SIZE, stale_timeout=300, timeout=20)
    return SqliteDatabase(str(sqlite_path(url)), pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def sqlite_path(url: str) -> Path:
    """The file of a `sqlite:///…` URL or a plain path, its folder created."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])  # sqlite:///relative, sqlite:////absolute
    elif "://" in url:
        raise ConfigError(
            "中心数据库地址只支持 sqlite:/// 或 postgresql://。",
            f"unsupported central database URL scheme in {redact(url)}",
            field="central_db",
        )
    else:
        path = Path(url)
    path = path.expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"无法创建中心数据库目录 {path.parent}。", f"cannot create {path.parent}: {exc}") from exc
    return path


def open_intake(url: str, keys_dir: Path | None = None) -> Database:
    """Open, migrate and bind the intake database at `url`, with the application key from `keys_dir`
    (default: kiosk.central.intake_sealing.default_keys_dir); rows an older version stored in plain
    text are sealed before anything is served. SQLite goes through the one opener (kiosk.database)."""
    sealer = open_sealer(keys_dir or default_keys_dir(url))

    def migrate_and_seal(db: Database) -> int:
        version = migrate_intake(db)
        intake_database.initialize(db)
        seal_plain_rows(db, sealer)
        return version

    if not url.startswith(("postgresql://", "postgres://")):
        path = sqlite_path(url)
        _owner_only(path)
        kind = StoreKind(
            name="intake",
            title_zh="中心受理数据库",
            proxy=intake_database,
            pragmas=SQLITE_PRAGMAS,
            migrate=migrate_and_seal,
            private=True,
        )
        db = open_sqlite(kind, path)
        secure_files(path)
        return db
    db = make_database(url)
    try:
        db.connect(reuse_if_open=True)
        migrate_and_seal(db)
    except (DatabaseError, InterfaceError, OperationalError, sqlite3.Error) as exc:
        db.close()
        raise StorageError(
            "无法打开中心受理数据库。", f"cannot open central intake database {redact(url)}: {exc}"
        ) from exc
    intake_database.initialize(db)
    return db


def _owner_only(path: Path) -> None:
    """The database file 0600 from its first byte (SQLite gives the -wal and -shm files the same
    mode), and an older readable one tightened."""
    try:
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError as exc:
        raise StorageError(f"无法创建中心数据库 {path}。", f"cannot create {path}: {exc}") from exc
    secure_files(path)


def schema_version(db: Database) -> int:
    db.execute_sql(f"CREATE TABLE IF NOT EXISTS {_SCHEMA_TABLE} (version INTEGER NOT NULL)")
    row = db.execute_sql(f"SELECT MAX(version) FROM {_SCHEMA_TABLE}").fetchone()
    return int(row[0] or 0)


def latest_schema_version() -> int:
    return all_migrations()[-1][0]


def migrate_intake(db: Database, target: int | None = None) -> int:
    """Apply every migration above the database's version, each in one transaction. Several
    intake processes may start at once: the schema table is locked while one migrates."""
    current = schema_version(db)
    if current > latest_schema_version():
        raise StorageError(
            "中心受理数据库来自更新版本的软件，请升级。",
            f"intake schema {current} is newer than this program's {latest_schema_version()}",
        )
    migrator = SchemaMigrator.from_database(db)
    for number, module in all_migrations():
        if number <= current or (target is not None and number > target):
            continue
        with db.atomic(*(("IMMEDIATE",) if isinstance(db, SqliteDatabase) else ())):
            if isinstance(db, PostgresqlDatabase):
                db.execute_sql(f"LOCK TABLE {_SCHEMA_TABLE} IN EXCLUSIVE MODE")
            if schema_version(db) >= number:
                current = number
                continue
            module.apply(db, migrator)
            db.execute_sql(f"INSERT INTO {_SCHEMA_TABLE} (version) VALUES ({number:d})")
        log.info("central intake schema migrated to version %d", number)
        current = number
    return current
