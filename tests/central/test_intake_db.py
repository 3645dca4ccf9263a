from pathlib import Path

import pytest
from peewee import SqliteDatabase
from playhouse.pool import PooledPostgresqlDatabase

from kiosk.central.intake_db import (
    latest_schema_version,
    make_database,
    migrate_intake,
    open_intake,
    redact,
    schema_version,
)
from kiosk.central.intake_migrations import all_migrations
from kiosk.errors import ConfigError


def test_urls_choose_sqlite_or_pooled_postgresql(tmp_path):
    absolute = make_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert isinstance(absolute, SqliteDatabase) and absolute.database == str(tmp_path / "a.sqlite3")
    assert make_database("sqlite:///relative.sqlite3").database == "relative.sqlite3"
    assert make_database(str(tmp_path / "plain.sqlite3")).database == str(tmp_path / "plain.sqlite3")
    assert isinstance(make_database("postgres://u@127.0.0.1/db"), PooledPostgresqlDatabase)
    with pytest.raises(ConfigError):
        make_database("mysql://u@host/db")


def test_passwords_never_reach_logs_or_messages():
    assert redact("postgresql://clerk:s3cret@db.example/intake") == "postgresql://clerk:***@db.example/intake"
    assert redact("sqlite:////srv/intake.sqlite3") == "sqlite:////srv/intake.sqlite3"


@pytest.mark.parametrize("start", [0] + [number for number, _ in all_migrations()])
def test_every_earlier_intake_schema_migrates_to_the_latest(intake_url, start):
    db = make_database(intake_url)
    db.connect()
    if start:
        migrate_intake(db, target=start)
    db.close()
    db = open_intake(intake_url)
    assert schema_version(db) == latest_schema_version()
    assert {"intake_application", "intake_terminal", "intake_status_change"} <= set(db.get_tables())
    db.close()


def test_reopening_does_not_migrate_twice(tmp_path):
    url = f"sqlite:///{Path(tmp_path) / 'c.sqlite3'}"
    open_intake(url).close()
    db = open_intake(url)
    assert db.execute_sql("SELECT COUNT(*) FROM intake_schema").fetchone()[0] == latest_schema_version()
    db.close()


def test_an_intake_on_sqlite_is_opened_once_per_process_through_the_one_opener(tmp_path):
    from kiosk.central.intake_db import open_intake
    from kiosk.central.intake_models import intake_database

    url = f"sqlite:///{tmp_path / 'intake.sqlite3'}"
    first = open_intake(url, tmp_path / "keys")
    assert open_intake(url, tmp_path / "keys") is first and intake_database.obj is first
    assert (tmp_path / "intake.sqlite3").stat().st_mode & 0o777 == 0o600
    first.close()
