"""The staff session: opened by the right PIN (under the lockout), ended by 退出 or by the idle time
(the same `idle_reset_seconds` that sends a resident's screen home). The same gate asks the PIN
again before the kiosk may be left for the desktop."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.environment import Env
from kiosk.errors import BadInput, NotFound, Refused
from kiosk.staff.lockout import MAX_ATTEMPTS, Lockout
from kiosk.staff.pin import stored_hash, verify_pin

log = logging.getLogger(__name__)


class PinNotSet(NotFound):
    """Nobody set a staff PIN on this terminal: staff mode stays closed."""

    def __init__(self) -> None:
        super().__init__(
            "本机尚未设置工作人员密码，请技术人员运行 kiosk staff set-pin。",
            "no staff PIN is set on this terminal; run `kiosk staff set-pin`",
        )


class WrongPin(Refused):
    def __init__(self, remaining: int) -> None:
        super().__init__(
            f"密码错误，还可尝试 {remaining} 次。", f"wrong staff PIN; {remaining} attempts left", field="pin"
        )
        self.remaining = remaining


class StaffLocked(Refused):
    def __init__(self, until: datetime, now: datetime) -> None:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        super().__init__(
            f"已锁定，请 {minutes} 分钟后再试。",
            f"staff mode locked until {until.isoformat(timespec='seconds')}",
            field="pin",
        )
        self.until = until
        self.minutes = minutes


class StaffGate:
    """Checks a typed PIN: refuses while locked, counts wrong ones, resets the count on a right one."""

    def __init__(self, env: Env, lockout: Lockout | None = None) -> None:
        self.env = env
        self.lockout = lockout or Lockout.for_env(env)

    def check(self, pin: str) -> None:
        """Returns when `pin` is right; PinNotSet, StaffLocked or WrongPin (the last counted) otherwise."""
        stored = stored_hash(self.env)
        if stored is None:
            raise PinNotSet()
        state = self.lockout.state()
        if state.locked_until is not None:
            raise StaffLocked(state.locked_until, self.env.now())
        if not pin:
            raise BadInput("请输入工作人员密码。", "empty staff PIN", field="pin")
        if verify_pin(pin, stored):
            self.lockout.reset()
            return
        after = self.lockout.record_failure()
        if after.locked_until is not None:
            raise StaffLocked(after.locked_until, self.env.now())
        raise WrongPin(after.remaining)

    def open_session(self, pin: str, *, monotonic: Callable[[], float] = time.monotonic) -> StaffSession:
        self.check(pin)
        log.info("staff mode opened")
        return StaffSession(idle_seconds=float(self.env.config.idle_reset_seconds), monotonic=monotonic)

    def status(self) -> dict[str, Any]:
        """Set or not, and the lock: what `kiosk staff status` shows (never the hash)."""
        state = self.lockout.state()
        return {
            "pin_set": stored_hash(self.env) is not None,
            "failures": state.failures,
            "attempts_left": state.remaining,
            "max_attempts": MAX_ATTEMPTS,
            "locked_until": state.locked_until.isoformat(timespec="seconds") if state.locked_until else None,
        }


@dataclass
class StaffSession:
    """An open staff session; `touch()` on every action, `expired()` once idle for `idle_seconds`."""

    idle_seconds: float
    monotonic: Callable[[], float] = time.monotonic
    last_activity: float = field(default=0.0)
    closed: bool = False

    def __post_init__(self) -> None:
        self.last_activity = self.monotonic()

    def touch(self) -> None:
        self.last_activity = self.monotonic()

    def expired(self) -> bool:
        return self.closed or self.monotonic() - self.last_activity >= self.idle_seconds

    @property
    def active(self) -> bool:
        return not self.expired()

    def close(self, reason: str) -> None:
        if not self.closed:
            self.closed = True
            log.info("staff mode closed (%s)", reason)
