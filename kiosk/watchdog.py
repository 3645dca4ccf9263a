"""systemd's watchdog for the kiosk: READY=1 once the home screen is up, WATCHDOG=1 from the UI's main loop,
so systemd kills and restarts a terminal whose screen froze.

The protocol is one datagram per notification on the Unix socket named by NOTIFY_SOCKET (sd_notify(3)).
It is written here rather than taken from the `sdnotify` package: that package swallows every send error
without a word, does not read WATCHDOG_USEC, and the whole protocol fits in a few lines.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping

log = logging.getLogger(__name__)

# Set only by tests/test_watchdog.py: SIGUSR1 then blocks the UI's main loop for good, as a real hang would.
TEST_FREEZE_ENV = "KIOSK_WATCHDOG_TEST_FREEZE"


class Notifier:
    """Sends sd_notify messages when the service manager asked for them (NOTIFY_SOCKET), else does nothing."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        environ = os.environ if environ is None else environ
        self.address = _socket_address(environ.get("NOTIFY_SOCKET", ""))
        self.watchdog_seconds = _watchdog_seconds(environ)
        self._socket: socket.socket | None = None
        self._warned = False

    @property
    def enabled(self) -> bool:
        return self.address is not None

    @property
    def ping_interval(self) -> float | None:
        """Half of WatchdogSec, as sd_watchdog_enabled(3) advises: one late ping must not kill the kiosk."""
        return self.watchdog_seconds / 2 if self.watchdog_seconds else None

    def notify(self, *fields: str) -> bool:
        """Send `KEY=value` fields as one message; False (logged once) when the manager cannot be reached."""
        if self.address is None:
            return False
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._socket.sendto("\n".join(fields).encode("utf-8"), self.address)
        except OSError as exc:
            # The screen must keep working when systemd is gone; without pings it restarts us anyway.
            if not self._warned:
                log.warning("cannot notify the service manager at %r: %s", self.address, exc)
                self._warned = True
            return False
        return True

    def ready(self, status: str = "") -> bool:
        """READY=1 with a first ping, so the watchdog counts from the moment the screen is up."""
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []), "WATCHDOG=1")

    def ping(self) -> bool:
        return self.notify("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def _socket_address(value: str) -> str | bytes | None:
    if value.startswith("@"):
        return b"\0" + value[1:].encode()  # Linux abstract namespace
    if value.startswith("/"):
        return value
    return None  # unset, or a transport (vsock:) the kiosk never runs under


def _watchdog_seconds(environ: Mapping[str, str]) -> float | None:
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    # systemd names the process it watches. Under cage or xinit that is the compositor, our parent, and the
    # kiosk pings for it (the unit's NotifyAccess=all); any other process inherited the variable by accident.
    pid = environ.get("WATCHDOG_PID", "")
    if pid and pid.isdigit() and int(pid) not in (os.getpid(), os.getppid()):
        return None
    return usec / 1_000_000


def enable_stack_dumps() -> None:
    """On the watchdog's SIGABRT (and on a crash) Python writes every thread's stack to stderr, the journal,
    so the log shows where the screen was stuck."""
    if not faulthandler.is_enabled():
        # Kivy wraps sys.stderr in a stream without a file descriptor; the process's own stderr is the journal.
        faulthandler.enable(file=sys.__stderr__, all_threads=True)


def install_test_freeze_hook(environ: Mapping[str, str] | None = None) -> bool:
    """Only when KIOSK_WATCHDOG_TEST_FREEZE=1: SIGUSR1 makes the main thread block forever, so a test can
    freeze the UI of a real kiosk process while its other threads run on."""
    environ = os.environ if environ is None else environ
    if environ.get(TEST_FREEZE_ENV) != "1":
        return False

    def freeze(_signum: int, _frame: object) -> None:
        log.warning("SIGUSR1 with %s=1: the main loop blocks now", TEST_FREEZE_ENV)
        while True:
            time.sleep(3600)

    signal.signal(signal.SIGUSR1, freeze)
    return True
