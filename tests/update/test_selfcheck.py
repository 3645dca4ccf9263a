"""`kiosk selfcheck` of this very version, for real: every module imports, the home's databases migrate, and
the app reaches its home screen in an offscreen window; plus the copy of a home the updater checks it on."""

from __future__ import annotations

import json
import sqlite3

from kiosk.update.updater import copy_home
from tests.conftest import run_kiosk


def test_this_version_passes_its_own_health_check_on_a_new_home(tmp_path):
    home = tmp_path / "copy"
    result = run_kiosk(home, "selfcheck", "--json", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert [(c["name"], c["ok"]) for c in report["checks"]] == [
        ("imports", True), ("migrations", True), ("home_screen", True)
    ]  # fmt: skip
    assert report["checks"][2]["detail"] == "READY=1"


def test_a_database_from_a_newer_schema_fails_the_check_with_the_reason(tmp_path):
    home = tmp_path / "copy"
    home.mkdir()
    with sqlite3.connect(home / "catalog.sqlite3") as db:
        db.execute("PRAGMA user_version = 999")
    result = run_kiosk(home, "selfcheck", "--no-ui", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["checks"][-1]["name"] == "migrations"
    assert "newer than this program" in report["checks"][-1]["detail"]


def test_the_home_copy_holds_what_was_committed_even_while_the_kiosk_has_it_open(tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    (live / "kiosk.toml").write_text('zone_name = "专区"\n', encoding="utf-8")
    writer = sqlite3.connect(live / "applications.sqlite3")
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY)")
    writer.executemany("INSERT INTO outbox VALUES (?)", [(n,) for n in range(50)])
    writer.commit()  # still open, the rows in the WAL file only: a file copy could miss them
    copy_home(live, tmp_path / "copy")
    with sqlite3.connect(tmp_path / "copy" / "applications.sqlite3") as copy:
        assert copy.execute("SELECT count(*) FROM outbox").fetchone() == (50,)
    assert (tmp_path / "copy" / "kiosk.toml").read_text(encoding="utf-8") == 'zone_name = "专区"\n'
    writer.close()
