"""Never without a working version: the crash hook the units run rolls back a release that crashes three times
within five minutes, and `kiosk update` processes SIGKILLed at random points leave `current` on a complete,
health-checked release every time."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

from kiosk.update import layout
from kiosk.update.updater import update
from tests.conftest import REPO
from tests.update.test_update import clean_environ, runs

RUNS = 10  # SIGKILLs that really interrupted an update


def stopped(prefix, result: str) -> dict:
    """What the unit's ExecStopPost runs, as a real process in isolated mode (standard library only)."""
    done = subprocess.run(
        [sys.executable, "-I", str(prefix / layout.HOOK), "stopped", str(prefix)],
        env={**clean_environ(), "SERVICE_RESULT": result},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.split("kiosk update hook: ", 1)[1])


def test_three_crashes_within_five_minutes_roll_back_to_the_previous_release(office, terminal, options, prefix):
    office.publish("2.0.0")
    update(terminal, options, source=str(office.feed))
    assert stopped(prefix, "success")["crashes"] == 0  # systemctl stop or restart is not a crash
    assert stopped(prefix, "exit-code")["crashes"] == 1
    assert stopped(prefix, "watchdog")["crashes"] == 2
    assert runs(prefix) == "2.0.0"
    third = stopped(prefix, "signal")
    assert (third["crashes"], third["rolled_back_to"]) == (3, ".venv")
    assert runs(prefix) == "base"  # what systemd's Restart=always starts next
    assert (prefix / "releases/2.0.0" / layout.FAILED).exists()
    assert stopped(prefix, "exit-code")["crashes"] == 1  # counting starts again for release zero


def test_crashes_further_apart_than_five_minutes_do_not_roll_back(office, terminal, options, prefix):
    office.publish("2.0.0")
    update(terminal, options, source=str(office.feed))
    now = time.time()
    layout.write_json(prefix / layout.CRASHES, {"release": "releases/2.0.0", "times": [now - 400, now - 320]})
    decision = stopped(prefix, "exit-code")
    assert (decision["crashes"], decision["rolled_back_to"]) == (1, None)
    assert runs(prefix) == "2.0.0"


def test_crashes_of_the_only_release_never_leave_the_terminal_without_one(prefix, terminal, options):
    from kiosk.update.updater import adopt, install_hook

    adopt(prefix)
    install_hook(prefix)
    for _ in range(4):
        decision = stopped(prefix, "exit-code")
    assert decision["rolled_back_to"] is None
    assert runs(prefix) == "base"


def _update_process(home, prefix, feed, key) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(PYTHONPATH=str(REPO), KIOSK_TRUSTED_KEYS=str(key.with_name("feed.pub")))
    command = [sys.executable, "-m", "kiosk", "--home", str(home), "update", "--source", str(feed)]
    command += ["--prefix", str(prefix), "--restart-command", "", "--json"]
    # Its own process group, killed as a whole: what systemd (KillMode=control-group) or a power cut does to
    # an update and its pip and health-check children.
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def _assert_runnable(prefix, allowed: set[str], context: str) -> str:
    target = layout.current_target(prefix)
    assert target is not None, context
    assert layout.is_healthy(target), context  # complete and health-checked, never a half-built one
    version = runs(prefix)
    assert version in allowed, context
    return version


def test_sigkill_at_random_points_of_an_update_leaves_the_old_or_the_new_release(office, terminal, prefix, release_key):
    seed = int(os.environ.get("KIOSK_CRASH_SEED", time.time()))
    rng = random.Random(seed)
    installed, published, minor = "base", "2.0.0", 0
    office.publish(published)
    timing = _update_process(terminal.home, prefix, office.feed, release_key)
    started = time.monotonic()
    assert timing.wait(120) == 0
    full_run = time.monotonic() - started
    installed = runs(prefix)
    killed, outcomes = 0, []
    while killed < RUNS and len(outcomes) < 3 * RUNS:
        if installed == published:
            minor += 1
            published = f"2.0.{minor}"
            office.publish(published)
        process = _update_process(terminal.home, prefix, office.feed, release_key)
        started = time.monotonic()
        time.sleep(rng.uniform(0.0, 1.1) * full_run)
        os.killpg(process.pid, signal.SIGKILL)
        code = process.wait(30)
        if code == 0:
            full_run = 0.7 * full_run + 0.3 * (time.monotonic() - started)
        killed += code == -signal.SIGKILL
        context = f"run {len(outcomes)}, seed {seed}, exit {code}, earlier {outcomes}"
        now = _assert_runnable(prefix, {installed, published}, context)
        outcomes.append((code, installed, now))
        installed = now
    assert killed >= RUNS, f"only {killed} runs were killed mid-way: {outcomes}"
    # And an ordinary update afterwards brings the terminal to the newest release.
    final = _update_process(terminal.home, prefix, office.feed, release_key)
    assert final.wait(120) == 0
    assert runs(prefix) == published
    assert not [p for p in (prefix / "releases").iterdir() if not layout.is_healthy(p)]
