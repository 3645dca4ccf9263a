import sqlite3

import pytest

from kiosk.applications.applications_db import (
    connect,
    latest_schema_version,
    migrate_database,
    open_applications,
    schema_version,
)
from kiosk.applications.migrations import all_migrations
from kiosk.errors import StorageError


def test_application_store_is_wal_with_full_sync_and_secure_delete(env):
    db = open_applications(env)
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute_sql("PRAGMA secure_delete").fetchone()[0] == 1
    assert schema_version(db) == latest_schema_version()
    assert env.applications_db != env.catalog_db


@pytest.mark.parametrize("start", [number for number, _ in all_migrations()])
def test_every_earlier_schema_migrates_to_the_latest(env, start):
    db = connect(env.applications_db)
    migrate_database(db, target=start)
    db.close()
    db = open_applications(env)
    assert schema_version(db) == latest_schema_version()


def test_a_newer_schema_is_refused(env):
    env.ensure_home()
    raw = sqlite3.connect(env.applications_db)
    raw.execute(f"PRAGMA user_version = {latest_schema_version() + 1}")
    raw.close()
    with pytest.raises(StorageError) as info:
        open_applications(env)
    assert "升级" in info.value.message_zh
