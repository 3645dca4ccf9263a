"""`kiosk selfcheck`: what a release must pass on this terminal before it may run here, checked by the
release itself (the updater runs the NEW version's selfcheck on a copy of the home): every module imports,
the home's databases migrate, and the real app reaches its home screen headless (its READY=1, the same
signal systemd's watchdog waits for)."""

from __future__ import annotations

import importlib
import os
import pkgutil
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import kiosk
from kiosk.applications.applications_db import open_applications
from kiosk.catalog.catalog_db import open_store
from kiosk.environment import Env

HOME_SCREEN_TIMEOUT_SECONDS = 180.0  # a first start installs the demo catalog before the home screen


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    seconds: float = 0.0


@dataclass
class SelfCheck:
    version: str = kiosk.__version__
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}


def check_imports() -> Check:
    """Every module of the program except the UI (the home-screen check runs that, in its own process)."""
    failed = []
    for info in pkgutil.walk_packages(kiosk.__path__, "kiosk."):
        if info.name.startswith("kiosk.ui") or info.name == "kiosk.__main__":
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # any failure to import is the finding itself, reported by name
            failed.append(f"{info.name}: {exc.__class__.__name__}: {exc}")
    return Check("imports", not failed, "; ".join(failed)[:2000])


def check_migrations(env: Env) -> Check:
    """Open (and so migrate) the catalog and the applications database of this home."""
    versions = []
    try:
        catalog = open_store(env.catalog_db)
        versions.append(f"catalog {catalog.execute_sql('PRAGMA user_version').fetchone()[0]}")
        catalog.close()
        applications = open_applications(env)
        versions.append(f"applications {applications.execute_sql('PRAGMA user_version').fetchone()[0]}")
        applications.close()
    except Exception as exc:  # a migration that fails in any way fails the release
        return Check("migrations", False, f"{exc.__class__.__name__}: {exc}")
    return Check("migrations", True, ", ".join(versions))


def check_home_screen(home: Path, timeout: float = HOME_SCREEN_TIMEOUT_SECONDS) -> Check:
    """`kiosk run` of this version in a window no one sees (SDL offscreen) until it says READY=1."""
    scratch = Path(tempfile.mkdtemp(prefix="kiosk-selfcheck-"))  # AF_UNIX paths must stay under 108 bytes
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    started = time.monotonic()
    process = None
    try:
        notify.bind(str(scratch / "notify"))
        environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "WATCHDOG_USEC")}
        environ.update(
            NOTIFY_SOCKET=str(scratch / "notify"),
            SDL_VIDEODRIVER="offscreen",
            KIVY_NO_ARGS="1",
            KIVY_NO_FILELOG="1",
            KIVY_HOME=str(scratch / "kivy"),
            KIOSK_HOME=str(home),
        )
        output = scratch / "output.txt"
        with output.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "kiosk", "--home", str(home), "run", "--windowed"],
                env=environ,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        while time.monotonic() - started < timeout:
            if process.poll() is not None:
                tail = output.read_text(encoding="utf-8", errors="replace")[-1500:]
                return Check("home_screen", False, f"exited with {process.returncode}: {tail}")
            readable, _, _ = select.select([notify], [], [], 0.2)
            if readable and b"READY=1" in notify.recv(4096).split(b"\n"):
                return Check("home_screen", True, "READY=1", round(time.monotonic() - started, 1))
        return Check("home_screen", False, f"no home screen within {timeout:.0f} s")
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        notify.close()
        shutil.rmtree(scratch, ignore_errors=True)


def run_selfcheck(env: Env, *, home_screen: bool = True, timeout: float = HOME_SCREEN_TIMEOUT_SECONDS) -> SelfCheck:
    """All checks, each timed; meant for a copy of the home (it migrates the databases it finds)."""
    result = SelfCheck()
    for step in (check_imports, lambda: check_migrations(env)):
        started = time.monotonic()
        check = step()
        check.seconds = check.seconds or round(time.monotonic() - started, 2)
        result.checks.append(check)
        if not check.ok:
            return result  # the app cannot start when these fail; say which, quickly
    if home_screen:
        result.checks.append(check_home_screen(env.home, timeout))
    return result
