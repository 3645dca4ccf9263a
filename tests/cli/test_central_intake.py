import json
import os
import subprocess
import sys
from datetime import datetime

import requests

from kiosk.applications.tracking import damm_digit
from tests.applications.samples import person
from tests.conftest import REPO


def envelope() -> dict:
    """Received now: a real server checks the day against its own clock."""
    now = datetime.now().astimezone()
    body = f"{now:%y%m%d}0001001"
    return {"tracking": body + damm_digit(body), "received_at": now.isoformat(), "application": person()}


def test_terminals_add_prints_name_and_token_once(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    added = cli.json("central", "terminals", "add", "hall-1", "--db", db)
    assert set(added) == {"name", "token"} and added["token"].startswith("0001-")
    [row] = cli.json("central", "terminals", "list", "--db", db)
    assert row["name"] == "hall-1" and added["token"] not in json.dumps(row)
    cli("central", "terminals", "add", "hall-1", "--db", db, expect=2)


def test_central_db_comes_from_the_environment_or_the_home(cli, home, tmp_path, monkeypatch):
    cli.json("central", "terminals", "add", "in-home")
    assert (home / "central-intake.sqlite3").exists()
    monkeypatch.setenv("KIOSK_CENTRAL_DB", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    cli.json("central", "terminals", "add", "in-env")
    assert (tmp_path / "env.sqlite3").exists()
    assert [r["name"] for r in cli.json("central", "terminals", "list")] == ["in-env"]


def test_serve_list_and_set_status_against_a_real_waitress_process(cli, home, tmp_path):
    db = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    token = cli.json("central", "terminals", "add", "hall-1", "--db", db)["token"]
    errors = (tmp_path / "serve.stderr").open("w")  # a file, not a pipe nobody reads
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", str(home), "central", "serve", "--port", "0", "--db", db],
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = server.stdout.readline()
        assert line.startswith("intake serving on http://127.0.0.1:"), (tmp_path / "serve.stderr").read_text()
        url = line.split()[-1]
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k" * 32}
        reply = requests.post(f"{url}/v1/applications", json=envelope(), headers=headers, timeout=10)
        assert reply.status_code == 201, reply.text
    finally:
        server.kill()
        server.wait(timeout=10)
        errors.close()
    [row] = cli.json("central", "applications", "list", "--db", db)
    assert row["applicant_masked"] == "张*" and "application" not in row
    [full] = cli.json("central", "applications", "list", "--full", "--db", db)
    assert full["application"]["name"] == "张三"
    changed = cli.json(
        "central", "applications", "set-status", row["tracking"], "accepted", "--note", "已受理", "--db", db
    )
    assert (changed["status"], changed["note"]) == ("accepted", "已受理")
    assert cli.json("central", "applications", "list", "--status", "accepted", "--db", db)[0]["status"] == "accepted"
    cli("central", "applications", "set-status", "26112300019990", "accepted", "--db", db, expect=4)


def test_serve_refuses_a_calendar_file_it_cannot_read(cli, tmp_path):
    bad = tmp_path / "calendar.json"
    bad.write_text('{"format": 1, "years": {"2026": []}}', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    result = cli("central", "serve", "--calendar", str(bad), "--db", db, expect=2)
    assert "工作日历" in result.stderr
