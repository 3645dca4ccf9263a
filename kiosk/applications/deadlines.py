"""Statutory deadlines in working days (条例 Art. 30, 33): which days are worked, from the best calendar
this terminal has, and whether the answer is certain or provisional (预计).

Sources, best first: the signed calendar delivered with the feed (a year present in it is complete),
the chinese-calendar package (2004–2026 only: it raises NotImplementedError later), and weekends
alone — a date counted that way is marked incomplete. The day of receipt is never counted
(Art. 31 makes an on-site application received that day; counting starts the day after).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import chinese_calendar

from kiosk.environment import Env
from kiosk.sync.calendar import parse_calendar

log = logging.getLogger(__name__)

ANSWER_DAYS = 20  # Art. 33: answer within 20 working days of receipt …
EXTENSION_DAYS = 20  # … extendable by 20 more with the head's approval
CORRECTION_DAYS = 7  # Art. 30: ask for corrections within 7 working days


@dataclass(frozen=True)
class YearRules:
    holidays: frozenset[date]
    workdays: frozenset[date]  # 调休: weekends that are worked


@dataclass(frozen=True)
class Deadlines:
    received: date
    due: date
    extended_due: date
    correction_due: date
    due_complete: bool  # False: the date is provisional (预计), counted partly on weekends alone
    extended_complete: bool

    @property
    def calendar_complete(self) -> bool:
        return self.due_complete and self.extended_complete

    def to_dict(self) -> dict[str, Any]:
        return {
            "received": self.received.isoformat(),
            "due": self.due.isoformat(),
            "extended_due": self.extended_due.isoformat(),
            "correction_due": self.correction_due.isoformat(),
            "calendar_complete": self.calendar_complete,
        }


@dataclass
class WorkCalendar:
    signed: Mapping[int, YearRules] = field(default_factory=dict)
    use_chinese_calendar: bool = True

    def is_workday(self, day: date) -> tuple[bool, bool]:
        """(worked?, known for sure?)."""
        rules = self.signed.get(day.year)
        if rules is not None:
            if day in rules.holidays:
                return False, True
            if day in rules.workdays:
                return True, True
            return day.weekday() < 5, True
        if self.use_chinese_calendar:
            try:
                return bool(chinese_calendar.is_workday(day)), True
            except NotImplementedError:
                pass
        return day.weekday() < 5, False

    def add_working_days(self, start: date, days: int) -> tuple[date, bool]:
        """The `days`-th working day after `start` (start itself not counted), and whether every day
        on the way came from a complete calendar."""
        complete = True
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            worked, known = self.is_workday(day)
            complete = complete and known
            counted += worked
        return day, complete

    def deadlines(self, received: date) -> Deadlines:
        due, complete_due = self.add_working_days(received, ANSWER_DAYS)
        extended, complete_ext = self.add_working_days(received, ANSWER_DAYS + EXTENSION_DAYS)
        correction, complete_cor = self.add_working_days(received, CORRECTION_DAYS)
        return Deadlines(received, due, extended, correction, complete_due and complete_cor, complete_ext)


def parse_signed_calendar(text: str) -> dict[int, YearRules]:
    """The `calendar` catalog state (format of kiosk.sync.calendar, checked by its validator):
    {"format": 1, "years": {"2026": {"holidays": [...], "workdays": [...]}}}. ValueError if malformed."""
    data = parse_calendar(text.encode("utf-8"))
    return {
        int(year): YearRules(
            holidays=frozenset(date.fromisoformat(d) for d in lists["holidays"]),
            workdays=frozenset(date.fromisoformat(d) for d in lists["workdays"]),
        )
        for year, lists in data["years"].items()
    }


def load_calendar(env: Env) -> WorkCalendar:
    """The terminal's calendar: the signed one from the synced catalog when there is one."""
    return WorkCalendar(signed=_signed_years(env))


def _signed_years(env: Env) -> dict[int, YearRules]:
    if not env.catalog_db.exists():
        return {}
    from kiosk.catalog.documents import get_state
    from kiosk.catalog.store import open_store

    open_store(env.catalog_db)
    raw = get_state("calendar")
    if not raw:
        return {}
    try:
        return parse_signed_calendar(raw)
    except (ValueError, TypeError) as exc:  # a bad calendar must not stop applications: fall back
        log.warning("ignoring the signed calendar in the catalog: %s", exc)
        return {}


def deadlines_for(env: Env, received: date) -> Deadlines:
    return load_calendar(env).deadlines(received)
