"""The install root of a terminal's releases, and the crash hook systemd runs when the kiosk stops.

Standard library only, on purpose: the updater copies this file to PREFIX/kiosk-update-hook.py and the
units run it with the system Python (`ExecStopPost=`), so a release too broken to import its own code
still gets rolled back by code that is not part of it.

    PREFIX/releases/VERSION/          a venv of one release (bin/kiosk), built in place
    PREFIX/releases/VERSION/kiosk-release.json   written last, once the health check passed
    PREFIX/releases/VERSION/kiosk-failed.json    the release crashed or was rolled back from
    PREFIX/current -> releases/VERSION  switched atomically (a new link, then rename over the old)
    PREFIX/.venv                        the checkout's own venv: release zero of a `make install` terminal
    PREFIX/crashes.json                 when the running release stopped abnormally, for the 3-in-5-minutes rule
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CURRENT = "current"
RELEASES = "releases"
BASE = ".venv"
MARKER = "kiosk-release.json"
FAILED = "kiosk-failed.json"
CRASHES = "crashes.json"
LOCK = "update.lock"
HOOK = "kiosk-update-hook.py"

CRASH_LIMIT = 3  # abnormal stops of one release within CRASH_WINDOW_SECONDS roll it back
CRASH_WINDOW_SECONDS = 300


class Busy(Exception):
    """Another update or rollback holds the install root's lock."""


def write_json(path: Path, data: Any) -> None:
    """Whole or not at all: a temporary file, fsync'd, renamed over the target, directory fsync'd."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    fsync_dir(path.parent)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def locked(prefix: Path, *, wait: bool = False) -> Iterator[None]:
    """One update, rollback or crash decision at a time per install root, across processes."""
    prefix.mkdir(parents=True, exist_ok=True)
    with open(prefix / LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise Busy(str(prefix)) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def release_dir(prefix: Path, version: str) -> Path:
    return prefix / RELEASES / version


def is_runnable(path: Path) -> bool:
    return (path / "bin" / "kiosk").is_file()


def is_healthy(path: Path) -> bool:
    """A release `current` may point at: complete, health-checked, never rolled back from."""
    if path.name == BASE:
        return is_runnable(path) and not (path.parent / BASE / FAILED).exists()
    marker = read_json(path / MARKER)
    return bool(marker and marker.get("healthy")) and is_runnable(path) and not (path / FAILED).exists()


def current_target(prefix: Path) -> Path | None:
    """The release `current` points at (a path under prefix), or None when there is no link."""
    link = prefix / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    return (prefix / target) if not os.path.isabs(target) else Path(target)


def relative_name(prefix: Path, path: Path) -> str:
    return os.path.relpath(path, prefix)


def switch_current(prefix: Path, target: Path) -> None:
    """Point `current` at `target` atomically: a new link under a temporary name renamed over the old
    one, so at every instant `current` is the old release or the new one, never missing."""
    temporary = prefix / f".{CURRENT}.{os.getpid()}.tmp"
    temporary.unlink(missing_ok=True)
    os.symlink(relative_name(prefix, target), temporary)
    os.replace(temporary, prefix / CURRENT)
    fsync_dir(prefix)


def healthy_releases(prefix: Path) -> list[Path]:
    """Every release `current` could point at, newest installation first."""
    found = []
    for path in sorted((prefix / RELEASES).glob("*")) if (prefix / RELEASES).is_dir() else []:
        if path.is_dir() and not path.name.startswith(".") and is_healthy(path):
            marker = read_json(path / MARKER) or {}
            found.append((str(marker.get("installed_at", "")), path))
    found.sort(reverse=True)
    paths = [path for _, path in found]
    if is_healthy(prefix / BASE):
        paths.append(prefix / BASE)
    return paths


def rollback_target(prefix: Path) -> Path | None:
    """Where a rollback goes: the release the current one replaced, if it is still healthy; else the
    most recently installed healthy release other than the current one."""
    current = current_target(prefix)
    if current is not None:
        replaced = (read_json(current / MARKER) or {}).get("replaces")
        if isinstance(replaced, str) and replaced and not os.path.isabs(replaced) and ".." not in Path(replaced).parts:
            candidate = prefix / replaced
            if candidate != current and is_healthy(candidate):
                return candidate
    for path in healthy_releases(prefix):
        if current is None or path.resolve() != current.resolve():
            return path
    return None


def mark_failed(path: Path, reason: str, now: float) -> None:
    """A release rolled back from is never switched to again (the feed may still offer it)."""
    write_json(path / FAILED, {"reason": reason, "at": now})


def record_stop(prefix: Path, environ: Mapping[str, str], now: float) -> dict[str, Any]:
    """Called when the kiosk service stopped. An abnormal stop (systemd's SERVICE_RESULT other than
    success: a crash, a watchdog kill, a failed start) is counted for the running release; the third
    within five minutes rolls back to the previous healthy release. Returns what was decided."""
    result = environ.get("SERVICE_RESULT", "")
    current = current_target(prefix)
    decision: dict[str, Any] = {"service_result": result, "release": None, "crashes": 0, "rolled_back_to": None}
    if current is None:
        return decision
    name = relative_name(prefix, current)
    decision["release"] = name
    if result in ("", "success"):
        return decision
    try:
        with locked(prefix):
            state = read_json(prefix / CRASHES) or {}
            times = state.get("times") if state.get("release") == name else []
            times = [t for t in times or [] if isinstance(t, (int, float)) and now - t < CRASH_WINDOW_SECONDS]
            times.append(now)
            decision["crashes"] = len(times)
            target = rollback_target(prefix) if len(times) >= CRASH_LIMIT else None
            if target is not None:
                mark_failed(current, f"{len(times)} crashes within {CRASH_WINDOW_SECONDS} s ({result})", now)
                switch_current(prefix, target)
                decision["rolled_back_to"] = relative_name(prefix, target)
                times = []
                name = decision["rolled_back_to"]
            write_json(prefix / CRASHES, {"release": name, "times": times})
    except Busy:
        decision["busy"] = True  # an update is switching releases right now; it decides what runs next
    return decision


def main(argv: list[str]) -> int:
    """`python3 kiosk-update-hook.py stopped PREFIX`: what the unit's ExecStopPost runs."""
    if len(argv) != 3 or argv[1] != "stopped":
        print("usage: kiosk-update-hook.py stopped PREFIX", file=sys.stderr)
        return 2
    decision = record_stop(Path(argv[2]), os.environ, time.time())
    # One line to the journal, with no personal data: the release and what was decided.
    print("kiosk update hook: " + json.dumps(decision, ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
