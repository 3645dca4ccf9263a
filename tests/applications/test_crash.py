"""SIGKILL a real `python -m kiosk` while it submits and while it delivers: no application the
terminal acknowledged (printed a receipt for) is ever lost, and none reaches central twice.

Kills are aimed, not timed: process start-up on a loaded machine varies by a second, so a kill
after a fixed delay mostly lands in `import`. A run is killed a random few milliseconds after the
process opens the application database (watched in /proc), or the moment central has committed
an application whose answer the terminal has not read yet."""

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.central.intake_models import IntakeApplication
from kiosk.central.intake_sealing import personal_data
from tests.applications.samples import person
from tests.central.intake_server import running_intake
from tests.conftest import REPO, run_kiosk

RUNS = 30  # a third submit (killed at random, killed as it commits, or left to finish), a third
# deliver killed at random, a third deliver killed as central commits
CENTRAL_LATENCY = 0.05  # central answers late: the window between its commit and the terminal's
START_TIMEOUT = 20.0


def _start(home: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", str(home), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _has_open(pid: int, path: Path) -> bool:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in fds)
    except (FileNotFoundError, ProcessLookupError):  # the process or the fd went away meanwhile
        return False


def _killed_after_opening(home: Path, delay: float, *args: str) -> tuple[bool, str]:
    """Start `kiosk args`; SIGKILL it `delay` seconds after it opened the application database.
    (killed?, stdout)."""
    database = home / "applications.sqlite3"
    process = _start(home, *args)
    deadline = time.monotonic() + START_TIMEOUT
    while process.poll() is None and not _has_open(process.pid, database) and time.monotonic() < deadline:
        time.sleep(0.001)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        pass
    killed = process.poll() is None
    if killed:
        process.kill()
    out, err = process.communicate(timeout=30)
    assert killed or process.returncode in (0, 3), err
    return killed, out


def _killed_once_stored(home: Path, *args: str) -> tuple[bool, str]:
    """SIGKILL the process as soon as its application is committed (visible to a reader), before
    the receipt is printed. (killed?, stdout)."""
    reader = sqlite3.connect(f"file:{home / 'applications.sqlite3'}?mode=ro", uri=True)
    try:
        before = reader.execute("SELECT COUNT(*) FROM application").fetchone()[0]
        process = _start(home, *args)
        deadline = time.monotonic() + START_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            if reader.execute("SELECT COUNT(*) FROM application").fetchone()[0] > before:
                break
            time.sleep(0.0005)
        killed = process.poll() is None
        if killed:
            process.kill()
        out, _ = process.communicate(timeout=30)
    finally:
        reader.close()
    return killed, out


def _killed_when_central_commits(home: Path, central, *args: str) -> bool:
    """SIGKILL the process the moment central has stored an application, before the answer is out."""
    central.handled.clear()
    process = _start(home, *args)
    deadline = time.monotonic() + START_TIMEOUT
    while process.poll() is None and not central.handled.wait(0.01) and time.monotonic() < deadline:
        pass
    killed = central.handled.is_set() and process.poll() is None
    if killed:
        process.kill()
    process.communicate(timeout=30)
    return killed


@pytest.mark.slow
def test_sigkill_during_submit_or_delivery_never_loses_or_duplicates_an_acknowledged_application(home, tmp_path):
    rng = random.Random(20261123)
    with running_intake(f"sqlite:///{tmp_path / 'central.sqlite3'}", latency=CENTRAL_LATENCY) as central:
        token = central.add_terminal("hall-1")
        (home / "kiosk.toml").write_text(f'central_url = "{central.url}"\nterminal_token = "{token}"\n')

        def application(marker: str) -> str:
            path = tmp_path / f"{marker}.json"
            data = person(description=f"海城市2019年政务公开工作要点 编号{marker}")
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            return str(path)

        run_kiosk(home, "applications", "list")  # creates the database the loop watches
        acknowledged: dict[str, str] = {}  # marker → tracking printed on the receipt
        kills = {"submit": 0, "deliver": 0, "deliver_at_commit": 0}
        for run in range(RUNS):
            if run % 3 == 0:
                marker = f"run{run}"
                args = ("applications", "submit", application(marker), "--json")
                if run % 9 == 0:
                    killed, out = _killed_after_opening(home, rng.uniform(0, 0.1), *args)
                elif run % 9 == 3:
                    killed, out = _killed_once_stored(home, *args)
                else:  # left to finish: its receipt must survive the kills of the deliveries after it
                    killed, out = _killed_after_opening(home, START_TIMEOUT, *args)
                kills["submit"] += killed
                if out.strip().endswith("}"):  # the receipt was printed, even if killed right after
                    acknowledged[marker] = json.loads(out)["tracking"]
            elif run % 3 == 1:
                kills["deliver_at_commit"] += _killed_when_central_commits(
                    home, central, "outbox", "deliver", "--force", "--json"
                )
            else:
                killed, _ = _killed_after_opening(home, rng.uniform(0, 0.25), "outbox", "deliver", "--force", "--json")
                kills["deliver"] += killed

        # The terminal comes back and delivers what is left.
        for _ in range(3):
            report = json.loads(run_kiosk(home, "outbox", "deliver", "--force", "--json").stdout)
            if report["pending"] == 0:
                break
        assert report["pending"] == 0 and report["held"] == 0, report

        raw = sqlite3.connect(home / "applications.sqlite3")
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        local = dict(raw.execute("SELECT tracking, idempotency_key FROM application").fetchall())
        raw.close()
        stored = list(IntakeApplication.select())

    # Everything the terminal stored reached central exactly once, under its own key.
    assert sorted(a.tracking for a in stored) == sorted(local)
    assert all(local[a.tracking] == a.idempotency_key for a in stored)
    markers = [personal_data(a)["description"].split("编号")[1] for a in stored]  # sealed at central
    assert len(markers) == len(set(markers)), "an application reached central twice"
    by_marker = dict(zip(markers, (a.tracking for a in stored), strict=True))
    for marker, tracking in acknowledged.items():
        assert by_marker.get(marker) == tracking, f"acknowledged application {marker} lost"
    # The loop must really have killed processes in every phase, or it proves nothing.
    assert kills["submit"] >= 3 and kills["deliver"] >= 3 and kills["deliver_at_commit"] >= 3, kills
    assert acknowledged, "no submit ever finished"
    print(f"\nkills {kills}, acknowledged {len(acknowledged)}, stored at central {len(stored)}")
