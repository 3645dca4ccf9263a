"""Five wrong staff PINs lock staff mode for five minutes. The count and the end of the lock live in a
small file in the home (HOME/staff_lockout.json, replaced atomically), so pulling the plug or a
restart of the kiosk does not give a guesser five fresh tries. Logged without the digits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.environment import Env
from kiosk.errors import StorageError
from kiosk.update.layout import read_json, write_json

log = logging.getLogger(__name__)

LOCKOUT_FILE = "staff_lockout.json"
MAX_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=5)


@dataclass(frozen=True)
class LockState:
    failures: int  # wrong PINs since the last right one or the end of the last lock
    locked_until: datetime | None

    @property
    def remaining(self) -> int:
        return max(MAX_ATTEMPTS - self.failures, 0)


def lockout_path(env: Env) -> Path:
    return env.home / LOCKOUT_FILE


class Lockout:
    """Counts wrong PINs against `path`; `clock` gives aware datetimes (the Env's, or a test's)."""

    def __init__(self, path: Path, clock: Callable[[], datetime]) -> None:
        self.path = path
        self.clock = clock

    @classmethod
    def for_env(cls, env: Env) -> Lockout:
        return cls(lockout_path(env), env.now)

    def state(self) -> LockState:
        """The state now: a lock that has run out is over, and so are the failures that led to it."""
        data = read_json(self.path) or {}
        failures = data.get("failures", 0)
        failures = failures if isinstance(failures, int) and failures >= 0 else MAX_ATTEMPTS
        until = _parse(data.get("locked_until"))
        now = self.clock()
        if until is not None and until <= now:
            return LockState(0, None)
        if until is not None and until - now > LOCK_DURATION:
            # The clock was set back after the lock began: the lock lasts its five minutes from now,
            # not until the old time comes round again.
            until = now + LOCK_DURATION
        return LockState(failures, until)

    def locked_until(self) -> datetime | None:
        return self.state().locked_until

    def record_failure(self) -> LockState:
        """One more wrong PIN; the fifth locks. Written before the caller answers the clerk."""
        current = self.state()
        failures = current.failures + 1
        until = None
        if failures >= MAX_ATTEMPTS:
            until = self.clock() + LOCK_DURATION
        self._write(failures, until)
        log.warning("wrong staff PIN (%d of %d)", failures, MAX_ATTEMPTS)
        if until is not None:
            log.warning("staff mode locked until %s", until.isoformat(timespec="seconds"))
        return LockState(failures, until)

    def reset(self) -> None:
        """A right PIN: the count starts again."""
        if self.path.exists():
            self._write(0, None)

    def _write(self, failures: int, until: datetime | None) -> None:
        data = {"failures": failures, "locked_until": until.isoformat(timespec="seconds") if until else None}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_json(self.path, data)
        except OSError as exc:
            raise StorageError(
                "无法记录密码尝试次数，请联系技术人员。", f"cannot write staff lockout {self.path}: {exc}"
            ) from exc


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
