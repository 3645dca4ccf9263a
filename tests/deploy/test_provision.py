"""`kiosk provision` into a staging root: every file with its content and mode, idempotent, and refusals
that name the step and leave what was there."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.config import OPTIONS, load_config
from kiosk.provision import TERMINAL_DIR, install_prefix, read_request
from tests.conftest import Cli
from tests.sync.feedkit import FeedBuilder, make_doc, make_keys

TOKEN = "t0k3n-for-hall-1.terminal-1"
CENTRAL = "https://gk.example.gov.cn/intake/"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A real signed feed in a folder (as on a USB stick) and its public key file."""
    base = tmp_path_factory.mktemp("office")
    key = make_keys(base / "keys")
    feed = FeedBuilder(base / "office", key)
    feed.put(*(make_doc(n) for n in range(3)))
    feed.publish(now=datetime.now(UTC) - timedelta(hours=1))
    return feed.feed, key.with_name("feed.pub")


@pytest.fixture
def cli(tmp_path):
    return Cli(tmp_path / "unused-home")


def args(root: Path, office, *extra: str) -> list[str]:
    feed, pub = office
    return [
        "provision",
        "--central", CENTRAL,
        "--token", TOKEN,
        "--trusted-key", str(pub),
        "--zone-name", "某市政务服务中心 政务公开专区",
        "--feed", str(feed),
        "--terminal-id", "hall-1-terminal-1",
        "--printer", "hall-a4=ipp://192.168.1.20/ipp/print",
        "--root", str(root),
        "--skip-ime",
        *extra,
    ]  # fmt: skip


def modes(root: Path) -> dict[str, str]:
    return {"/" + str(p.relative_to(root)): f"{p.stat().st_mode & 0o7777:04o}" for p in sorted(root.rglob("*"))}


def test_a_staging_root_gets_every_file_with_its_mode(tmp_path, office, cli):
    root = tmp_path / "root"
    report = cli(*args(root, office, "--skip-sync"), "--json").stdout
    data = json.loads(report)
    assert data["changed"] is True
    found = modes(root)
    expected = {
        "/etc/sysusers.d/kiosk.conf": "0644",
        "/var/lib/kiosk": "0700",
        "/var/lib/kiosk/kiosk.toml": "0600",
        "/etc/kiosk": "0755",
        "/etc/kiosk/env": "0600",
        "/etc/kiosk/provision-pending.sh": "0700",
        "/etc/pam.d/kiosk": "0644",
        "/etc/X11/xorg.conf.d/10-kiosk-lockdown.conf": "0644",
        "/etc/systemd/system/kiosk.service": "0644",
        "/etc/systemd/system/kiosk-xorg.service": "0644",
        "/etc/systemd/system/kiosk-update.service": "0644",
        "/etc/systemd/system/kiosk-update.timer": "0644",
        "/usr/local/lib/kiosk/kiosk-session": "0755",
    }
    for path, mode in expected.items():
        assert found[path] == mode, path
    assert {f["path"] for f in data["files"]} >= set(expected)
    assert all(f["action"] == "created" for f in data["files"])

    # The token only in the root-only env file, never in kiosk.toml.
    assert (root / "etc/kiosk/env").read_text().splitlines()[-1] == f"KIOSK_TERMINAL_TOKEN={TOKEN}"
    toml = (root / "var/lib/kiosk/kiosk.toml").read_text(encoding="utf-8")
    assert TOKEN not in toml
    config = load_config(root / "var/lib/kiosk/kiosk.toml", environ={})
    assert config.zone_name == "某市政务服务中心 政务公开专区"
    assert config.central_url == CENTRAL
    assert config.sync_source == str(office[0])
    assert config.fullscreen is True
    assert config.terminal_id == "hall-1-terminal-1"
    assert config.printer_documents == config.printer_receipts == "cups:hall-a4"
    assert config.trusted_keys == [office[1].read_text().strip()]

    # Units and session files as shipped, with the real install root: PREFIX/current/bin/kiosk (the
    # release the updater switches), and the update hook under the same root.
    unit = (root / "etc/systemd/system/kiosk.service").read_text(encoding="utf-8")
    prefix = install_prefix()
    assert f"cage -d -- {prefix}/current/bin/kiosk run" in unit
    assert f"{prefix}/kiosk-update-hook.py stopped {prefix}" in unit
    assert unit == (TERMINAL_DIR / "kiosk.service").read_text(encoding="utf-8").replace("/opt/kiosk", str(prefix))
    # The nightly unattended update runs the same release's `kiosk update`.
    update = (root / "etc/systemd/system/kiosk-update.service").read_text(encoding="utf-8")
    assert f"ExecStart={prefix}/current/bin/kiosk update" in update
    assert (root / "etc/sysusers.d/kiosk.conf").read_bytes() == (TERMINAL_DIR / "sysusers.d/kiosk.conf").read_bytes()

    # Nothing run outside the root: what the terminal still needs is recorded in order.
    pending = (root / "etc/kiosk/provision-pending.sh").read_text().splitlines()
    assert pending[3:] == [
        "systemd-sysusers /etc/sysusers.d/kiosk.conf",
        "lpadmin -p hall-a4 -E -v ipp://192.168.1.20/ipp/print -m everywhere",
        shlex.join(
            [
                sys.executable,
                "-c",
                f"from pathlib import Path; from kiosk.update.updater import adopt, install_hook; p = Path({str(prefix)!r}); adopt(p); install_hook(p)",
            ]
        ),
        "chown -R kiosk:kiosk /var/lib/kiosk",
        "systemctl daemon-reload",
        "systemctl enable kiosk.service kiosk-update.timer",
    ]
    assert {s["step"]: s["result"] for s in data["steps"]} == {
        "user": "recorded", "printer": "recorded", "release": "recorded", "sync": "skipped", "ime": "skipped", "enable": "recorded"
    }  # fmt: skip


def test_a_second_run_changes_nothing_and_says_so(tmp_path, office, cli):
    root = tmp_path / "root"
    cli(*args(root, office, "--skip-sync"))
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    second = cli(*args(root, office, "--skip-sync"))
    assert "本次没有任何改动" in second.stdout
    data = json.loads(cli(*args(root, office, "--skip-sync"), "--json").stdout)
    assert data["changed"] is False
    assert {f["action"] for f in data["files"]} == {"unchanged"}
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before


def test_a_changed_value_or_mode_is_updated_and_only_that(tmp_path, office, cli):
    root = tmp_path / "root"
    cli(*args(root, office, "--skip-sync"))
    (root / "etc/kiosk/env").chmod(0o644)
    data = json.loads(cli(*args(root, office, "--skip-sync", "--token", "a-new-token-0002"), "--json").stdout)
    changed = {f["path"]: f["action"] for f in data["files"] if f["action"] != "unchanged"}
    assert changed == {"/etc/kiosk/env": "updated"}
    assert (root / "etc/kiosk/env").stat().st_mode & 0o777 == 0o600
    assert "a-new-token-0002" in (root / "etc/kiosk/env").read_text()


def test_the_first_sync_runs_against_the_staged_home_and_then_is_up_to_date(tmp_path, office, cli):
    root = tmp_path / "root"
    first = json.loads(cli(*args(root, office), "--json").stdout)
    assert {s["step"]: s["result"] for s in first["steps"]}["sync"] == "done"
    assert (root / "var/lib/kiosk/catalog.sqlite3").exists()
    status = Cli(root / "var/lib/kiosk")("status", "--json").stdout
    assert json.loads(status)["documents"] == 3
    second = json.loads(cli(*args(root, office), "--json").stdout)
    assert {s["step"]: s["result"] for s in second["steps"]}["sync"] == "unchanged"
    assert second["changed"] is False


def test_provisioning_from_a_usb_stick_file(tmp_path, office, cli):
    feed, pub = office
    stick = tmp_path / "usb" / "provision.toml"
    stick.parent.mkdir()
    stick.write_text(
        f"""central = "{CENTRAL}"
token = "{TOKEN}"
trusted_key = "{pub.read_text().strip()}"
zone_name = "某县政务服务中心 政务公开专区"
feed = "{feed}"
session = "xorg"

[config]
office_phone = "0551-12345678"
idle_reset_seconds = 90
""",
        encoding="utf-8",
    )
    root = tmp_path / "root"
    data = json.loads(cli("provision", "--from", str(stick), "--root", str(root), "--skip-ime", "--json").stdout)
    config = load_config(root / "var/lib/kiosk/kiosk.toml", environ={})
    assert config.zone_name == "某县政务服务中心 政务公开专区"
    assert config.office_phone == "0551-12345678"
    assert config.idle_reset_seconds == 90
    assert config.printer_documents == "folder"  # no printer named: nothing about CUPS
    assert "lpadmin" not in (root / "etc/kiosk/provision-pending.sh").read_text()
    assert (
        "systemctl enable kiosk-xorg.service kiosk-update.timer"
        in (root / "etc/kiosk/provision-pending.sh").read_text()
    )
    assert {s["step"]: s["result"] for s in data["steps"]}["sync"] == "done"


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (("--token", "short"), "--token"),
        (("--central", "gk.example.gov.cn"), "--central"),
        (("--trusted-key", "ed25519:bm90IGEga2V5"), "trusted_keys"),
        (("--printer", "hall a4=ipp://x"), "--printer"),
        (("--session", "wayland"), "--session"),
    ],
)
def test_a_bad_value_stops_naming_the_step_and_writes_nothing(tmp_path, office, cli, extra, named):
    root = tmp_path / "root"
    result = cli(*args(root, office, "--skip-sync"), *extra, expect=2)
    if named != "--session":  # click refuses a choice outside the list itself
        assert "错误：“检查安装参数”这一步未能完成" in result.stderr
        assert "provisioning step 'check the values' failed" in result.stderr
    assert named in result.stderr
    assert not root.exists()


def test_a_bad_kiosk_option_in_the_file_is_refused_by_the_options_spec(tmp_path, office, cli):
    stick = tmp_path / "provision.toml"
    stick.write_text(
        f'central = "{CENTRAL}"\ntoken = "{TOKEN}"\ntrusted_key = "{office[1]}"\nzone_name = "专区"\n'
        "[config]\nidle_reset_seconds = 3\n",
        encoding="utf-8",
    )
    result = cli(
        "provision", "--from", str(stick), "--root", str(tmp_path / "root"), "--skip-sync", "--skip-ime", expect=2
    )
    assert "idle_reset_seconds" in result.stderr and "检查安装参数" in result.stderr
    assert not (tmp_path / "root").exists()


def test_a_failed_first_sync_names_the_step_and_keeps_the_files_already_there(tmp_path, office, cli):
    root = tmp_path / "root"
    cli(*args(root, office, "--skip-sync"))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = cli(*args(root, office, "--feed", str(tmp_path / "no-stick")), expect=None)
    assert result.exit_code != 0
    assert "首次同步目录" in result.stderr and "--skip-sync" in result.stderr
    after = {p: p.read_bytes() for p in before}
    assert [p for p in before if p.name != "kiosk.toml" and before[p] != after[p]] == []
    assert not (root / "var/lib/kiosk/kiosk.toml.tmp").exists()


@pytest.mark.skipif(shutil.which("systemd-sysusers") is None, reason="needs systemd-sysusers (Debian package systemd)")
def test_the_sysusers_file_creates_the_unprivileged_user_with_its_home(tmp_path, office, cli):
    root = tmp_path / "root"
    cli(*args(root, office, "--skip-sync"))
    subprocess.run(["systemd-sysusers", f"--root={root}"], check=True, capture_output=True)  # reads ROOT/etc/sysusers.d
    entry = next(line for line in (root / "etc/passwd").read_text().splitlines() if line.startswith("kiosk:"))
    name, _, uid, _gid, _gecos, home, shell = entry.split(":")
    assert 0 < int(uid) < 1000  # a system user
    assert (home, shell) == ("/var/lib/kiosk", "/usr/sbin/nologin")


def test_the_sample_config_reads_through_the_options_spec():
    sample = TERMINAL_DIR / "kiosk.toml.sample"
    load_config(sample, environ={})
    assert tomllib.loads(sample.read_text(encoding="utf-8"))["fullscreen"] is True


def test_the_usb_stick_sample_names_only_keys_provision_knows():
    request = read_request(TERMINAL_DIR / "provision.toml.sample")
    assert request.central.startswith("https://")
    assert set(request.options) <= {o.name for o in OPTIONS}
