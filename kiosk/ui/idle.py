"""Back to the home screen after `idle_reset_seconds` untouched: what the last person typed (an
application, a receipt, a search) must not stay on screen for the next one. The last seconds are
counted down on screen, so someone still reading can keep the page with one touch."""

from __future__ import annotations

import time
from collections.abc import Callable

COUNTDOWN_SECONDS = 15


def countdown_text(seconds_left: int) -> str:
    return f"还有 {seconds_left} 秒返回首页，点任意处继续"


class IdleReset:
    """`touched()` on every touch; `check()` on a timer. In the last `countdown` seconds it calls
    `on_countdown(seconds_left)` each check; at the timeout `on_idle()` (and then waits another full
    `timeout`). `on_touched()` runs when a touch ends a countdown in progress."""

    def __init__(
        self,
        timeout: float,
        on_idle: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
        *,
        countdown: float = COUNTDOWN_SECONDS,
        on_countdown: Callable[[int], None] | None = None,
        on_touched: Callable[[], None] | None = None,
    ):
        self.timeout = timeout
        self.countdown = countdown
        self.on_idle = on_idle
        self.on_countdown = on_countdown
        self.on_touched = on_touched
        self._clock = clock
        self.last_touch = clock()
        self.counting = False

    def seconds_left(self) -> float:
        return self.timeout - (self._clock() - self.last_touch)

    def touched(self, *_args) -> None:
        self.last_touch = self._clock()
        if self.counting:
            self.counting = False
            if self.on_touched is not None:
                self.on_touched()

    def check(self, *_args) -> None:
        # Returns None on purpose: Kivy's Clock cancels an interval whose callback returns False.
        left = self.seconds_left()
        if left <= 0:
            self.last_touch = self._clock()
            self.counting = False
            self.on_idle()
        elif left <= min(self.countdown, self.timeout / 2) and self.on_countdown is not None:
            self.counting = True
            self.on_countdown(max(1, round(left)))
