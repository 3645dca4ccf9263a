"""The kiosk's sd_notify messages, and systemd's watchdog killing a kiosk whose UI main loop froze.

The freeze test runs the real `kiosk run` (a Kivy window on Xvfb); tests/deploy/supervisor.py stands in for
systemd: it owns NOTIFY_SOCKET, passes WATCHDOG_USEC and kills the process group with SIGABRT, then SIGKILL,
when WATCHDOG=1 stops arriving, as systemd does for a Type=notify unit with WatchdogSec=.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.watchdog import Notifier, install_test_freeze_hook
from tests.deploy.supervisor import Supervisor

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def listener(tmp_path):
    path = Path(os.path.join("/tmp", f"kiosk-wd-{os.getpid()}-{time.monotonic_ns()}.sock"))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)
    yield path, sock
    sock.close()
    path.unlink(missing_ok=True)


def test_without_notify_socket_the_notifier_is_silent_and_never_fails():
    notifier = Notifier({})
    assert not notifier.enabled
    assert notifier.ping_interval is None
    assert notifier.ready() is False
    assert notifier.ping() is False


def test_ready_and_pings_reach_the_socket_named_by_notify_socket(listener):
    path, sock = listener
    notifier = Notifier({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "30000000"})
    assert notifier.ping_interval == 15.0  # half of WatchdogSec=30
    assert notifier.ready("主页已显示")
    assert sock.recv(4096).decode() == "READY=1\nSTATUS=主页已显示\nWATCHDOG=1"
    assert notifier.ping()
    assert sock.recv(4096) == b"WATCHDOG=1"
    notifier.close()


def test_an_abstract_socket_address_is_used_as_systemd_gives_it():
    name = f"kiosk-wd-abstract-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(b"\0" + name.encode())
    sock.settimeout(2)
    try:
        assert Notifier({"NOTIFY_SOCKET": "@" + name}).ping()
        assert sock.recv(100) == b"WATCHDOG=1"
    finally:
        sock.close()


def test_a_missing_manager_is_logged_once_and_the_kiosk_goes_on(tmp_path, caplog):
    notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone.sock"), "WATCHDOG_USEC": "2000000"})
    assert notifier.ping() is False
    assert notifier.ping() is False
    assert len([r for r in caplog.records if "cannot notify" in r.getMessage()]) == 1


def test_the_watchdog_interval_is_ignored_when_it_names_another_process():
    # Under cage or xinit systemd names the compositor, our parent; a grandchild inherits the variable by accident.
    parent = Notifier({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "4000000", "WATCHDOG_PID": str(os.getppid())})
    assert parent.ping_interval == 2.0
    stranger = Notifier({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "4000000", "WATCHDOG_PID": "1"})
    assert stranger.ping_interval is None
    assert Notifier({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "soon"}).ping_interval is None


def test_the_freeze_hook_is_off_unless_a_test_asks_for_it():
    before = signal.getsignal(signal.SIGUSR1)
    assert install_test_freeze_hook({}) is False
    assert signal.getsignal(signal.SIGUSR1) is before


WATCHDOG_SECONDS = 4.0


@pytest.fixture
def x_display():
    """Our own Xvfb, started without NOTIFY_SOCKET: an X server built with systemd support sends READY=1 itself
    (xvfb-run would pass the socket to both), and only the kiosk's messages are under test here."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"},
    )
    try:
        yield ":" + server.stdout.readline().decode().strip()
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (installed by make test)")
def test_a_frozen_main_loop_is_killed_by_the_watchdog_while_a_live_one_is_not(tmp_path, x_display):
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "KIOSK_HOME": str(home),
        "KIVY_HOME": str(tmp_path / "kivy_home"),
        "KIVY_NO_ARGS": "1",
        "KIVY_NO_FILELOG": "1",
        "KIOSK_WATCHDOG_TEST_FREEZE": "1",
        "DISPLAY": x_display,
    }
    command = [sys.executable, "-m", "kiosk", "run", "--windowed"]
    supervisor = Supervisor(WATCHDOG_SECONDS)
    log = tmp_path / "kiosk.out"
    try:
        supervisor.start(command, env, REPO, log)
        assert supervisor.wait(lambda: supervisor.ready() is not None, 90), log.read_text(errors="replace")[-3000:]
        kiosk_pid = supervisor.ready().pid
        assert kiosk_pid > 0

        # Alive: pings keep coming from the kiosk at half WatchdogSec and nothing is killed.
        time.sleep(3 * WATCHDOG_SECONDS)
        pings = supervisor.pings()
        assert supervisor.fired_at is None, log.read_text(errors="replace")[-3000:]
        assert len(pings) >= 4
        assert {m.pid for m in pings} == {kiosk_pid}

        # Frozen: the main loop blocks (other threads run on), pings stop, the watchdog fires.
        frozen_at = time.monotonic()
        os.kill(kiosk_pid, signal.SIGUSR1)
        assert supervisor.wait(lambda: supervisor.fired_at is not None, WATCHDOG_SECONDS + 5)
        assert supervisor.fired_at - frozen_at <= WATCHDOG_SECONDS + 1.0
        assert all(m.at <= frozen_at + 0.5 for m in supervisor.pings())
        assert supervisor.wait(lambda: supervisor.process.poll() is not None, 15)
        with pytest.raises(ProcessLookupError):
            os.kill(kiosk_pid, 0)
        # Python's stack dump on SIGABRT, which the unit sends to the journal: it names where the UI was stuck.
        output = log.read_text(errors="replace")
        assert "Fatal Python error: Aborted" in output
        assert "in freeze" in output
    finally:
        supervisor.close()
