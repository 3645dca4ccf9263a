"""The fleet page and `kiosk central terminals list --json`: figures from the last heartbeat (or the
last delivery), and the flags 离线 / 目录过期 / 缺纸 / 版本落后; usage without personal data."""

import uuid
from datetime import datetime, timedelta

from kiosk.central import intake
from kiosk.central.console import fleet
from kiosk.central.intake_heartbeats import record_heartbeat
from tests.applications.samples import person
from tests.central.console.conftest import hand_in
from tests.central.test_intake_heartbeats import beat


def seed_fleet(console):
    now = console.clock.now
    current, _ = intake.add_terminal("hall-current")
    behind, _ = intake.add_terminal("hall-behind")
    silent, _ = intake.add_terminal("hall-silent")
    intake.add_terminal("hall-new")  # registered, never heard from
    ok_printers = {"document": {"state": "ready", "message_zh": "就绪"}}
    record_heartbeat(current, beat(key=uuid.uuid4().hex, app_version="0.10.0", printers=ok_printers), now)
    record_heartbeat(
        behind,
        beat(
            key=uuid.uuid4().hex,
            app_version="0.9.0",
            catalog={"version": 40, "published": None, "expires": None, "demo": False},
        ),
        now - timedelta(minutes=5),
    )
    record_heartbeat(
        silent, beat(key=uuid.uuid4().hex, app_version="0.10.0", printers=ok_printers), now - timedelta(hours=3)
    )
    hand_in(silent, 1, person(), "2026-11-23T07:00:00+08:00", now - timedelta(hours=3))


def test_each_terminal_gets_the_flags_that_need_someone(console):
    seed_fleet(console)
    flags = {row["name"]: row["flags"] for row in fleet.fleet(console.clock.now)}
    assert flags == {
        "hall-current": [],
        "hall-behind": ["目录过期", "缺纸", "版本落后"],
        "hall-silent": ["离线"],
        "hall-new": ["离线"],
    }


def test_terminals_list_json_carries_the_heartbeat_fields(console, cli, intake_url):
    seed_fleet(console)
    rows = {row["name"]: row for row in cli.json("central", "terminals", "list", "--db", intake_url)}
    behind = rows["hall-behind"]
    assert behind["app_version"] == "0.9.0" and behind["catalog_version"] == 40
    assert behind["outbox_backlog"] == 3 and behind["disk_free_bytes"] == 123456789
    assert behind["last_sync"] == {"result": "up_to_date", "at": "2026-12-06T09:00:00+08:00"}
    assert behind["printers"]["document"]["state"] == "needs_attention"
    assert "离线" in rows["hall-new"]["flags"]  # the CLI counts age by the real clock


def test_the_fleet_and_usage_pages_show_them(console):
    seed_fleet(console)
    client = console.client()
    page = client.get("/console/fleet").get_data(as_text=True)
    assert "版本落后" in page and "缺纸" in page and "离线" in page
    usage = client.get("/console/usage").get_data(as_text=True)
    assert "doc-a" in usage and "张三" not in usage


def test_usage_names_documents_by_the_titles_terminals_reported(console):
    seed_fleet(console)
    named = beat(key=uuid.uuid4().hex)
    named["counters"]["titles"] = {"doc-a": "关于深入推进政务公开的通知"}
    record_heartbeat(intake.Terminal.get(intake.Terminal.name == "hall-current"), named, console.clock.now)
    [month] = [m for m in fleet.usage()["by_month_and_terminal"] if m["terminal"] == "hall-current"]
    assert month["viewed"][0] == {"doc_id": "doc-a", "title": "关于深入推进政务公开的通知", "count": 10}
    assert month["viewed"][1]["title"] is None  # doc-b: never reported with a title, shown by its id
    page = console.client().get("/console/usage").get_data(as_text=True)
    assert "关于深入推进政务公开的通知" in page


def test_application_topics_come_from_the_catalog_matches_kept_at_intake(intake_url, tmp_path):
    from kiosk.applications.precheck import precheck_for
    from kiosk.central.intake_app import create_intake_app
    from kiosk.central.intake_db import open_intake
    from kiosk.environment import Env
    from kiosk.sync.startup import open_catalog
    from tests.central.console.conftest import CHINA, tracking

    demo = Env.load(tmp_path / "catalog-home")
    open_catalog(demo)  # the demo documents, one of which the sample application asks for
    db = open_intake(intake_url, tmp_path / "keys")
    now = datetime(2026, 11, 23, 10, 5, tzinfo=CHINA)
    app = create_intake_app(db, clock=lambda: now, precheck=precheck_for(demo))
    _, token = intake.add_terminal("hall-1")
    body = {"tracking": tracking(1), "received_at": "2026-11-23T10:00:00+08:00", "application": person()}
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k" * 32}
    assert app.test_client().post("/v1/applications", json=body, headers=headers).status_code == 201
    [topic] = fleet.topics()
    assert topic["applications"] == 1 and "政务公开" in topic["title"]
    assert "张三" not in str(fleet.usage())
    db.close()
