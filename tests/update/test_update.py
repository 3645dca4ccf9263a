"""`kiosk update` on a real install root in a temporary folder: releases fetched over HTTP or from a folder,
installed into their own venv by pip, health-checked by their own `kiosk selfcheck`, switched or refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.errors import NotFound, Refused
from kiosk.sync.feed import object_path
from kiosk.update import layout
from kiosk.update.release import RELEASE_DIR
from kiosk.update.updater import rollback, status, update
from tests.httpd import serve
from tests.update.conftest import file_server


def clean_environ() -> dict[str, str]:
    """A release runs its own code: no PYTHONPATH pointing at the worktree under test."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def runs(prefix) -> str:
    """What the terminal would start now: the output of `current/bin/kiosk --version`."""
    command = [str(prefix / "current" / "bin" / "kiosk"), "--version"]
    result = subprocess.run(command, capture_output=True, text=True, env=clean_environ())
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_good_release_is_installed_side_by_side_health_checked_and_switched_to(
    office, terminal, options, prefix, restarts
):
    office.publish("2.0.0")
    with serve(file_server(office.feed)) as server:
        report = update(terminal, options, source=server.url)
    assert (report.status, report.release_before, report.release_after) == ("updated", ".venv", "releases/2.0.0")
    assert os.readlink(prefix / "current") == "releases/2.0.0"  # relative: the root can be moved as a whole
    assert runs(prefix) == "2.0.0"
    assert report.restarted and restarts.read_text() == "restart\n"
    # Its own venv, with the locked dependency installed from the verified wheels only.
    python = prefix / "releases/2.0.0/bin/python"
    assert (
        subprocess.run([str(python), "-c", "import kioskdep; assert kioskdep.LOCKED"], env=clean_environ()).returncode
        == 0
    )
    marker = json.loads((prefix / "releases/2.0.0" / layout.MARKER).read_text())
    assert marker["healthy"] is True and marker["replaces"] == ".venv"
    # The health check ran on a copy of the home, never on the live one.
    assert not (terminal.home / "selfcheck-ran-here").exists()
    assert (prefix / layout.HOOK).read_bytes() == open(layout.__file__, "rb").read()
    assert status(options)["current_release"] == "2.0.0"
    assert status(options)["rollback_to"] == ".venv"


def test_the_same_release_again_is_up_to_date_and_restarts_nothing(office, terminal, options, restarts):
    office.publish("2.0.0")
    assert update(terminal, options, source=str(office.feed)).status == "updated"  # from a folder (USB stick)
    again = update(terminal, options, source=str(office.feed))
    assert (again.status, again.release_after, again.restarted) == ("up_to_date", "releases/2.0.0", False)
    assert restarts.read_text() == "restart\n"


def test_a_release_failing_its_health_check_is_rolled_back_and_never_tried_again(office, terminal, options, prefix):
    office.publish("2.0.0", behaviour="sick")
    report = update(terminal, options, source=str(office.feed))
    assert report.status == "health_check_failed"
    assert "home screen never showed" in report.health["detail"]
    assert report.release_after == ".venv" and runs(prefix) == "base"
    assert not report.restarted
    # Only the failure record is kept (no venv taking disk space), and the release is refused from now on.
    assert [p.name for p in (prefix / "releases/2.0.0").iterdir()] == [layout.FAILED]
    with pytest.raises(Refused, match="failed or was rolled back"):
        update(terminal, options, source=str(office.feed))
    # A fixed release published after it installs.
    office.publish("2.0.1")
    assert update(terminal, options, source=str(office.feed)).release_after == "releases/2.0.1"


def test_an_older_release_index_is_refused_as_a_rollback_attack(office, terminal, options, prefix):
    office.publish("2.0.0")
    old_index = (office.feed / RELEASE_DIR / "root.json").read_bytes()
    office.publish("2.1.0")
    update(terminal, options, source=str(office.feed))
    (office.feed / RELEASE_DIR / "root.json").write_bytes(old_index)  # a mirror replaying the older, signed index
    with pytest.raises(Refused, match="rollback"):
        update(terminal, options, source=str(office.feed))
    assert runs(prefix) == "2.1.0"


def test_an_expired_release_index_is_refused(office, terminal, options, prefix):
    now = datetime.now(UTC).replace(microsecond=0)
    office.publish("2.0.0", now=now - timedelta(days=40), expires=now - timedelta(days=10))
    with pytest.raises(Refused, match="expired"):
        update(terminal, options, source=str(office.feed))
    assert runs(prefix) == "base"
    assert not (prefix / "releases").exists()


def test_a_release_signed_by_an_untrusted_key_is_refused(office, terminal, options, prefix, monkeypatch, tmp_path):
    from tests.sync.feedkit import make_keys

    office.key = make_keys(tmp_path / "stranger")
    office.publish("2.0.0")
    with pytest.raises(Refused, match="not signed by a trusted key"):
        update(terminal, options, source=str(office.feed))
    assert runs(prefix) == "base"


def test_a_tampered_wheel_is_refused_by_its_hash(office, terminal, options, prefix):
    office.publish("2.0.0")
    index = json.loads((office.feed / RELEASE_DIR / "root.json").read_text())["signed"]
    wheel = office.feed / RELEASE_DIR / object_path(index["wheel"]["sha256"])
    data = bytearray(wheel.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte changed
    wheel.write_bytes(bytes(data))
    with serve(file_server(office.feed)) as server, pytest.raises(Refused, match="SHA-256"):
        update(terminal, options, source=server.url)
    assert runs(prefix) == "base"
    assert not (prefix / "releases").exists()


def test_rollback_returns_to_the_previous_release_and_keeps_it(office, terminal, options, prefix, restarts):
    office.publish("2.0.0")
    update(terminal, options, source=str(office.feed))
    office.publish("2.1.0")
    update(terminal, options, source=str(office.feed))
    assert runs(prefix) == "2.1.0"
    report = rollback(terminal, options)
    assert (report.release_before, report.release_after) == ("releases/2.1.0", "releases/2.0.0")
    assert runs(prefix) == "2.0.0"
    assert restarts.read_text().count("restart") == 3
    # The release rolled back from stays off this terminal while the feed still offers it.
    with pytest.raises(Refused):
        update(terminal, options, source=str(office.feed))
    assert rollback(terminal, options).release_after == ".venv"
    with pytest.raises(NotFound):
        rollback(terminal, options)  # nothing older is left: the running one stays
    assert runs(prefix) == "base"


def test_a_half_built_release_left_by_a_crash_is_never_switched_to_and_is_rebuilt(office, terminal, options, prefix):
    office.publish("2.0.0")
    half = prefix / "releases/2.0.0/bin"
    half.mkdir(parents=True)
    (half / "kiosk").write_text("#!/bin/sh\nexit 1\n")  # no marker: the update that made it was killed
    assert layout.rollback_target(prefix) is None or layout.rollback_target(prefix).name != "2.0.0"
    update(terminal, options, source=str(office.feed))
    assert runs(prefix) == "2.0.0"


def test_an_install_root_that_cannot_be_written_is_a_clear_error(office, terminal, options, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    options.prefix = blocker / "opt"
    office.publish("2.0.0")
    with pytest.raises(Exception) as caught:
        update(terminal, options, source=str(office.feed))
    assert getattr(caught.value, "message_zh", "").startswith("无法写入软件安装目录")
    shutil.rmtree(office.feed)
