"""The locked-down session: every unit passes `systemd-analyze verify`, the ways out are closed, and the
kiosk starts without Kivy's clipboard probe tracebacks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.provision import TERMINAL_DIR, install_prefix
from tests.conftest import Cli

REPO = Path(__file__).resolve().parents[2]
UNITS = sorted(u for u in TERMINAL_DIR.glob("*.service") if u.name != "kiosk-update.service")


def unit_settings(path: Path) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze (Debian package systemd)")
def test_every_unit_a_terminal_gets_passes_systemd_analyze_verify(tmp_path):
    root = tmp_path / "root"
    Cli(tmp_path / "h")(
        "provision", "--central", "https://gk.example.gov.cn/intake/", "--token", "token-0001",
        "--trusted-key", str(REPO / "assets/demo/demo-feed.pub"), "--zone-name", "专区",
        "--root", str(root), "--skip-sync", "--skip-ime",
    )  # fmt: skip
    units = sorted((root / "etc/systemd/system").glob("*"))
    assert [u.name for u in units] == [
        "kiosk-update.service",
        "kiosk-update.timer",
        "kiosk-xorg.service",
        "kiosk.service",
    ]
    # verify wants every ExecStart program to exist: PREFIX/current (the release the updater switches) is
    # made by the terminal's first `kiosk update`/provision run, so the check runs this venv's kiosk instead.
    checked = tmp_path / "checked"
    checked.mkdir()
    for unit in units:
        text = unit.read_text(encoding="utf-8").replace(
            f"{install_prefix()}/current/bin/kiosk", f"{sys.prefix}/bin/kiosk"
        )
        text = text.replace("/usr/local/lib/kiosk/kiosk-session", str(root / "usr/local/lib/kiosk/kiosk-session"))
        (checked / unit.name).write_text(text, encoding="utf-8")
    units = sorted(checked.iterdir())
    result = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True)
    # verify exits 0 on unknown keys too: clean means it said nothing at all.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_a_unit_is_watched_restarted_and_logged_to_the_journal(unit):
    settings = unit_settings(unit)
    assert settings["Type"] == ["notify"]
    assert settings["NotifyAccess"] == ["all"]  # the kiosk is the compositor's child, not the main process
    assert settings["WatchdogSec"] == ["30"]
    assert settings["Restart"] == ["always"]
    assert settings["StartLimitIntervalSec"] == ["0"]
    assert settings["StandardOutput"] == settings["StandardError"] == ["journal"]
    assert settings["User"] == ["kiosk"]
    # The release `kiosk update` switched to, and the crash hook that switches back.
    assert "/opt/kiosk/current/bin/kiosk run --fullscreen" in settings["ExecStart"][0]
    assert settings["ExecStopPost"] == ["-+/usr/bin/python3 /opt/kiosk/kiosk-update-hook.py stopped /opt/kiosk"]
    # The kiosk's own scheduler syncs and delivers; the one timer is the nightly software update.
    assert [t.name for t in TERMINAL_DIR.glob("*.timer")] == ["kiosk-update.timer"]


def test_no_key_combination_leaves_the_session():
    cage = unit_settings(TERMINAL_DIR / "kiosk.service")["ExecStart"][0]
    assert " -s " not in cage  # cage -s would allow VT switching
    xorg = (TERMINAL_DIR / "xorg.conf.d/10-kiosk-lockdown.conf").read_text()
    assert 'Option "DontZap" "true"' in xorg
    assert 'Option "DontVTSwitch" "true"' in xorg
    assert "-novtswitch" in unit_settings(TERMINAL_DIR / "kiosk-xorg.service")["ExecStart"][0]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")
def test_the_kiosk_starts_without_clipboard_probe_tracebacks(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "KIOSK_HOME": str(tmp_path / "home"),
        "KIVY_HOME": str(tmp_path / "kivy_home"),
        "KIVY_NO_ARGS": "1",
    }
    env.pop("KIVY_CLIPBOARD", None)
    log = tmp_path / "out.txt"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["xvfb-run", "-a", sys.executable, "-m", "kiosk", "run", "--windowed"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            kiosk_log = tmp_path / "home/logs/kiosk.log"
            # A TextInput on the home screen is what makes Kivy pick its clipboard providers.
            while time.monotonic() < deadline and "Clipboard: Provider" not in _read(kiosk_log):
                time.sleep(0.5)
            time.sleep(1)
        finally:
            os.killpg(proc.pid, 15)
            proc.wait(20)
    output = log.read_text(errors="replace") + _read(kiosk_log)
    assert "Clipboard: Provider: dummy" in output
    for noise in ("Traceback", "'xclip'", "'xsel'", "Cutbuffer"):
        assert noise not in output


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def test_the_nightly_update_runs_the_current_release_as_root_off_hours():
    service = unit_settings(TERMINAL_DIR / "kiosk-update.service")
    timer = unit_settings(TERMINAL_DIR / "kiosk-update.timer")
    assert service["Type"] == ["oneshot"]
    assert "User" not in service  # it writes /opt/kiosk and restarts the kiosk units
    assert service["ExecStart"] == ["/opt/kiosk/current/bin/kiosk update"]
    assert service["Environment"] == ["KIOSK_HOME=/var/lib/kiosk KIVY_NO_FILELOG=1"]
    assert timer["OnCalendar"] == ["*-*-* 02:00"]
    assert timer["Persistent"] == ["true"]
    assert timer["WantedBy"] == ["timers.target"]


SESSION = TERMINAL_DIR / "kiosk-session"
# Debian 12's cage: runs its client, then exits 0 whatever the client's status.
CAGE_0_1_4 = ["/bin/sh", "-c", '"$@"; exit 0', "cage"]


def run_session(tmp_path, kiosk: str, compositor=CAGE_0_1_4) -> int:
    env = dict(os.environ, KIOSK_HOME=str(tmp_path))
    kiosk_command = [sys.executable, "-c", kiosk]
    return subprocess.run([str(SESSION), *compositor, *kiosk_command], env=env, cwd=REPO, timeout=60).returncode


def test_a_clerk_leaving_kiosk_mode_reaches_systemd_as_80_through_a_compositor_that_hides_it(tmp_path):
    assert run_session(tmp_path, "from kiosk.cli.run import _tell_the_session; _tell_the_session(80)") == 80
    assert not (tmp_path / "session-exit-status").exists()
    for unit in UNITS:
        settings = unit_settings(unit)
        assert settings["RestartPreventExitStatus"] == settings["SuccessExitStatus"] == ["80"]
        assert settings["ExecStart"][0].startswith("/usr/local/lib/kiosk/kiosk-session /usr/bin/")


def test_a_clean_stop_is_0_and_a_kiosk_killed_without_ending_is_a_failure(tmp_path):
    assert run_session(tmp_path, "from kiosk.cli.run import _tell_the_session; _tell_the_session(0)") == 0
    killed = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    assert run_session(tmp_path, killed) == 1  # cage said 0: the update hook must still see a crash
    assert run_session(tmp_path, "raise SystemExit(0)", compositor=["/bin/sh", "-c", '"$@"; exit 3', "x"]) == 3
