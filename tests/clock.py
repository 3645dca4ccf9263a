"""A clock tests set by hand: `clock.now` is what the code under test reads as the time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


class Clock:
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 9, 28, 9, 30, tzinfo=CHINA)

    def __call__(self) -> datetime:
        return self.now
