"""A small stand-in for systemd in tests: the NOTIFY_SOCKET a service notifies, and the watchdog that kills
it when WATCHDOG=1 stops arriving, as systemd does with Type=notify and WatchdogSec= (signal SIGABRT, then
SIGKILL), so the watchdog is tested on a real kiosk process without a running systemd."""

from __future__ import annotations

import os
import select
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_UCRED = struct.Struct("iII")  # pid, uid, gid: who sent the datagram, as systemd reads it


@dataclass(frozen=True)
class Message:
    at: float
    pid: int
    fields: dict[str, str]


class Supervisor:
    def __init__(self, watchdog_seconds: float, kill_grace_seconds: float = 5.0) -> None:
        self.watchdog_seconds = watchdog_seconds
        self.kill_grace = kill_grace_seconds
        # AF_UNIX paths are limited to 108 bytes; pytest's tmp_path can be longer.
        self._dir = Path(tempfile.mkdtemp(prefix="kiosk-notify-"))
        self.socket_path = self._dir / "notify.sock"
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(self.socket_path))
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.messages: list[Message] = []
        self.ready_at: float | None = None
        self.fired_at: float | None = None
        self.process: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def environment(self) -> dict[str, str]:
        return {"NOTIFY_SOCKET": str(self.socket_path), "WATCHDOG_USEC": str(int(self.watchdog_seconds * 1e6))}

    def start(self, command: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                env={**env, **self.environment()},
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._thread.start()
        return self.process

    def pings(self) -> list[Message]:
        return [m for m in list(self.messages) if m.fields.get("WATCHDOG") == "1"]

    def ready(self) -> Message | None:
        return next((m for m in list(self.messages) if m.fields.get("READY") == "1"), None)

    def wait(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.1)
        return predicate()

    def _loop(self) -> None:
        last_alive: float | None = None
        while not self._stop.is_set():
            readable, _, _ = select.select([self._sock], [], [], 0.1)
            now = time.monotonic()
            if readable:
                data, ancillary, _flags, _addr = self._sock.recvmsg(4096, socket.CMSG_SPACE(_UCRED.size))
                pid = next(
                    (
                        _UCRED.unpack(d[: _UCRED.size])[0]
                        for level, kind, d in ancillary
                        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS
                    ),
                    0,
                )
                fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
                self.messages.append(Message(now, pid, fields))
                if fields.get("READY") == "1" and self.ready_at is None:
                    self.ready_at = last_alive = now
                if fields.get("WATCHDOG") == "1":
                    last_alive = now
            # systemd arms the watchdog for the running service; the start itself is bounded by TimeoutStartSec.
            if last_alive is not None and self.fired_at is None and now - last_alive > self.watchdog_seconds:
                self.fired_at = now
                self._kill()

    def _kill(self) -> None:
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGABRT)
            self.process.wait(self.kill_grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(10)
        self._sock.close()
        self.socket_path.unlink(missing_ok=True)
        self._dir.rmdir()
