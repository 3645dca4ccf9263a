"""Back to the home screen after `idle_reset_seconds` untouched: what the last person typed (an
application, a receipt) must not stay on screen for the next one."""

from __future__ import annotations

import time
from collections.abc import Callable


class IdleReset:
    """`touched()` on every touch; `check()` on a timer calls `on_idle` once the screen sat untouched
    for `timeout` seconds (and then waits another full `timeout`)."""

    def __init__(self, timeout: float, on_idle: Callable[[], None], clock: Callable[[], float] = time.monotonic):
        self.timeout = timeout
        self.on_idle = on_idle
        self._clock = clock
        self.last_touch = clock()

    def touched(self, *_args) -> None:
        self.last_touch = self._clock()

    def check(self, *_args) -> None:
        # Returns None on purpose: Kivy's Clock cancels an interval whose callback returns False.
        if self._clock() - self.last_touch >= self.timeout:
            self.last_touch = self._clock()
            self.on_idle()
