"""`kiosk central officers|office|purge` and the console under a real `kiosk central serve`."""

import re
import subprocess
import sys

import requests

from tests.conftest import REPO


def test_officers_are_added_from_a_password_file_and_listed_without_hashes(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    secret = tmp_path / "pw"
    secret.write_text("a long enough password\n", encoding="utf-8")
    assert cli.json(
        "central", "officers", "add", "wang", "--role", "admin", "--password-file", str(secret), "--db", db
    ) == {
        "name": "wang",
        "role": "admin",
    }
    [row] = cli.json("central", "officers", "list", "--db", db)
    assert row == {"name": "wang", "role": "admin", "created_at": row["created_at"], "disabled": False}
    short = tmp_path / "short"
    short.write_text("short\n", encoding="utf-8")
    assert "至少" in cli("central", "officers", "add", "li", "--password-file", str(short), "--db", db, expect=2).stderr


def test_the_office_sets_its_details_and_retention_and_purge_runs(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    office = cli.json("central", "office", "--name", "海城市人民政府办公室", "--retention-days", "90", "--db", db)
    assert office["name"] == "海城市人民政府办公室" and office["retention_days"] == "90"
    cli("central", "office", "--retention-days", "0", "--db", db, expect=2)
    assert cli.json("central", "purge", "--db", db) == {"purged": 0}


def test_serve_mounts_the_console_beside_the_api(cli, home, tmp_path):
    db = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    errors = (tmp_path / "serve.stderr").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", str(home), "central", "serve", "--port", "0", "--db", db],
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
        cwd=REPO,
    )
    try:
        url = server.stdout.readline().split()[-1]
        assert server.stdout.readline().strip() == f"console on {url}/console/"
        page = requests.get(f"{url}/console/login", timeout=10)
        assert page.status_code == 200 and "登录" in page.text
        assert re.search(r'name="csrf_token" value="[^"]+"', page.text)
        assert requests.get(f"{url}/v1/health", timeout=10).json() == {"ok": True}
    finally:
        server.kill()
        server.wait(timeout=10)
        errors.close()
    keys = tmp_path / "central-keys"
    assert (keys / "applications.key").stat().st_mode & 0o777 == 0o600
    assert (keys / "console-session.key").stat().st_mode & 0o777 == 0o600
