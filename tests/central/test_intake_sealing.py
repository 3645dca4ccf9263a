"""Personal data at central: sealed at rest, owner-only files, old plain rows sealed on opening,
purged after the office's retention time while the record stays."""

import json
import os
import stat
from datetime import datetime, timedelta, timezone

from kiosk.applications.tracking import damm_digit
from kiosk.central import intake, intake_sealing
from kiosk.central.intake_db import make_database, migrate_intake, open_intake
from kiosk.central.intake_models import IntakeApplication
from tests.applications.samples import HAICHENG_1985, organization, person

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 10, 5, tzinfo=CHINA)


def tracking(sequence: int, terminal: str = "0001", day: str = "261123") -> str:
    body = f"{day}{terminal}{sequence:03d}"
    return body + damm_digit(body)


def hand_in(terminal, sequence: int = 1, application: dict | None = None) -> IntakeApplication:
    body = {
        "tracking": tracking(sequence),
        "received_at": "2026-11-23T10:00:00+08:00",
        "application": application or person(),
    }
    app, _ = intake.record_application(terminal, f"key-{sequence:04d}-" + "k" * 16, body, now=NOW)
    return app


def raw_bytes(path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_personal_data_is_sealed_at_rest_and_the_files_are_owner_only(tmp_path):
    path = tmp_path / "central.sqlite3"
    db = open_intake(f"sqlite:///{path}", tmp_path / "keys")
    terminal, _ = intake.add_terminal("hall-1")
    app = hand_in(terminal)
    stored = raw_bytes(path)
    for secret in ("张三", HAICHENG_1985, "13812345678", "zhangsan@example.com", "中街1号"):
        assert secret.encode("utf-8") not in stored
    assert intake_sealing.personal_data(IntakeApplication.get_by_id(app.id))["id_number"] == HAICHENG_1985
    row = intake.application_row(IntakeApplication.get_by_id(app.id))
    assert row["applicant_masked"] == "张*" and HAICHENG_1985 not in json.dumps(row, ensure_ascii=False)
    for name in ("central.sqlite3", "central.sqlite3-wal", "central.sqlite3-shm"):
        assert mode(tmp_path / name) == 0o600, name
    assert mode(tmp_path / "keys" / "applications.key") == 0o600
    db.close()


def test_an_older_readable_database_is_made_owner_only_on_opening(tmp_path):
    path = tmp_path / "central.sqlite3"
    open_intake(f"sqlite:///{path}", tmp_path / "keys").close()
    for name in ("central.sqlite3", "central.sqlite3-wal", "central.sqlite3-shm"):
        if (tmp_path / name).exists():
            os.chmod(tmp_path / name, 0o644)
    open_intake(f"sqlite:///{path}", tmp_path / "keys").close()
    assert mode(path) == 0o600


def _schema_1_with_a_plain_application(url: str) -> None:
    db = make_database(url)
    db.connect()
    migrate_intake(db, target=1)
    db.execute_sql(
        "INSERT INTO intake_terminal (number, name, token_hash, created_at) VALUES (1, 'hall-1', 'h', '2026-11-01')"
    )
    data = json.dumps(organization(), ensure_ascii=False)
    db.execute_sql(
        "INSERT INTO intake_application (tracking, terminal_id, idempotency_key, received_at, due, extended_due,"
        " calendar_complete, applicant_type, id_type, delivery_form, delivery_way, data, status, status_at, created_at)"
        " VALUES (%s, 1, 'k', '2026-11-23T10:00:00+08:00', '2026-12-21', '2027-01-19', %s, 'organization', 'uscc',"
        " 'paper', 'pickup', %s, 'received', '2026-11-23', '2026-11-23')".replace(
            "%s", "?" if url.startswith("sqlite") else "%s"
        ),
        (tracking(1), True, data),
    )
    db.close()


def test_an_intake_database_of_schema_1_gets_its_plain_rows_sealed(intake_url, tmp_path):
    _schema_1_with_a_plain_application(intake_url)
    db = open_intake(intake_url, tmp_path / "keys")
    app = IntakeApplication.get()
    assert "李四" not in app.data and "13812345678" not in app.data
    assert json.loads(app.data)["masked"]["contact_person"] == "李*"
    assert intake_sealing.personal_data(app)["contact_person"] == "李四"
    if intake_url.startswith("sqlite"):
        assert b"13812345678" not in raw_bytes(tmp_path / "central.sqlite3")
    db.close()
    assert open_intake(intake_url, tmp_path / "keys").get_tables()  # a second opening seals nothing twice
    assert intake_sealing.personal_data(IntakeApplication.get())["phone"] == "13812345678"


def test_personal_data_is_purged_after_the_retention_time_and_the_record_stays(tmp_path):
    db = open_intake(f"sqlite:///{tmp_path / 'c.sqlite3'}", tmp_path / "keys")
    terminal, _ = intake.add_terminal("hall-1")
    old, recent, open_one = hand_in(terminal, 1), hand_in(terminal, 2), hand_in(terminal, 3)
    intake.set_status(old.tracking, "answered", outcome="三(一)", at=NOW - timedelta(days=40))
    intake.set_status(recent.tracking, "answered", outcome="三(一)", at=NOW - timedelta(days=5))
    assert intake_sealing.purge_expired(NOW, days=30) == 1
    purged = IntakeApplication.get_by_id(old.id)
    assert purged.sealed is None and purged.outcome == "三(一)"
    assert intake.application_row(purged, full=True)["application"] is None
    assert IntakeApplication.get_by_id(recent.id).sealed is not None
    assert IntakeApplication.get_by_id(open_one.id).sealed is not None
    db.close()
