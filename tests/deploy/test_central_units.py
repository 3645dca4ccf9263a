"""The central office's units: the intake service and a daily purge of expired personal data, each passing
`systemd-analyze verify`, the purge's command a real one."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.test_session import unit_settings

CENTRAL_DIR = Path(__file__).resolve().parents[2] / "deploy" / "central"
SHIPPED_KIOSK = "/opt/kiosk/.venv/bin/kiosk"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze (Debian package systemd)")
def test_every_central_unit_passes_systemd_analyze_verify(tmp_path):
    # verify wants every ExecStart program to exist: this venv's kiosk stands in for the installed one.
    for unit in CENTRAL_DIR.glob("kiosk-central*"):
        text = unit.read_text(encoding="utf-8").replace(SHIPPED_KIOSK, f"{sys.prefix}/bin/kiosk")
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    units = sorted(map(str, tmp_path.iterdir()))
    assert [Path(u).name for u in units] == [
        "kiosk-central-purge.service",
        "kiosk-central-purge.timer",
        "kiosk-central.service",
    ]
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_personal_data_is_purged_daily_even_after_a_day_the_server_was_down():
    timer = unit_settings(CENTRAL_DIR / "kiosk-central-purge.timer")
    assert timer["OnCalendar"] == ["*-*-* 03:30"]
    assert timer["Persistent"] == ["true"]
    assert timer["WantedBy"] == ["timers.target"]


def test_the_service_and_its_purge_run_unprivileged_with_private_files():
    for name in ("kiosk-central.service", "kiosk-central-purge.service"):
        settings = unit_settings(CENTRAL_DIR / name)
        assert settings["User"] == ["kiosk-central"]
        assert settings["UMask"] == ["0077"]
        assert settings["StateDirectoryMode"] == ["0700"]
    users = (CENTRAL_DIR / "sysusers.d/kiosk-central.conf").read_text(encoding="utf-8")
    assert "u kiosk-central - " in users and "/var/lib/kiosk-central /usr/sbin/nologin" in users


def test_the_purge_units_command_runs_against_a_real_database(tmp_path):
    command = shlex.split(unit_settings(CENTRAL_DIR / "kiosk-central-purge.service")["ExecStart"][0])
    assert command[0] == SHIPPED_KIOSK
    env = dict(
        os.environ, KIOSK_HOME=str(tmp_path / "home"), KIOSK_CENTRAL_DB=f"sqlite:///{tmp_path / 'intake.sqlite3'}"
    )
    result = subprocess.run(
        [f"{sys.prefix}/bin/kiosk", *command[1:], "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), dict)
