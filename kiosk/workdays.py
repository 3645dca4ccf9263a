"""The working-day calendar, in one place: its format (signed into the feed by central, kept by the
terminal in catalog state STATE_KEY), the statutory periods counted on it (条例 Art. 30, 33), the
counting itself, and the seed from the chinese-calendar package that the office then maintains.

    {"format": 1, "years": {"2026": {"holidays": ["2026-01-01", …], "workdays": ["2026-01-04", …]}}}

`workdays` are the weekend days worked in lieu (调休); a year present in `years` is complete. Sources,
best first: the signed calendar, chinese-calendar (2004–2026 only: it raises NotImplementedError
later), and weekends alone — a date counted that way is marked incomplete (预计). The day of receipt is
never counted (Art. 31 makes an on-site application received that day; counting starts the day after).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import chinese_calendar

from kiosk.errors import BadInput
from kiosk.sync.canonical import canonical_json

STATE_KEY = "calendar"  # catalog_state key of the terminal's signed calendar (canonical JSON)
CALENDAR_FORMAT = 1
_YEAR_RE = re.compile(r"^\d{4}$")


class CalendarFormatError(ValueError):
    """What is wrong with a calendar, in English; callers turn it into BadInput or Refused."""


def validate_calendar(data: Any) -> dict[str, Any]:
    """The calendar with sorted, de-duplicated dates; raises CalendarFormatError naming the problem."""
    if not isinstance(data, dict) or data.get("format") != CALENDAR_FORMAT:
        raise CalendarFormatError(f"calendar must be an object with format {CALENDAR_FORMAT}")
    years = data.get("years")
    if not isinstance(years, dict) or not years:
        raise CalendarFormatError("calendar needs a non-empty 'years' object")
    clean: dict[str, dict[str, list[str]]] = {}
    for year, lists in sorted(years.items()):
        if not isinstance(year, str) or not _YEAR_RE.match(year):
            raise CalendarFormatError(f"year key {year!r} is not four digits")
        if not isinstance(lists, dict) or set(lists) != {"holidays", "workdays"}:
            raise CalendarFormatError(f"year {year} must have exactly 'holidays' and 'workdays'")
        clean[year] = {}
        for kind in ("holidays", "workdays"):
            days = lists[kind]
            if not isinstance(days, list):
                raise CalendarFormatError(f"{year}.{kind} must be a list of dates")
            parsed = set()
            for day in days:
                try:
                    value = date.fromisoformat(day) if isinstance(day, str) and len(day) == 10 else None
                except ValueError:
                    value = None
                if value is None or str(value.year) != year:
                    raise CalendarFormatError(f"{year}.{kind} holds {day!r}, not a YYYY-MM-DD date of {year}")
                parsed.add(value.isoformat())
            clean[year][kind] = sorted(parsed)
        overlap = set(clean[year]["holidays"]) & set(clean[year]["workdays"])
        if overlap:
            raise CalendarFormatError(f"{year}: {sorted(overlap)[0]} is both a holiday and a workday")
        for day in clean[year]["workdays"]:
            if date.fromisoformat(day).weekday() < 5:
                raise CalendarFormatError(f"{year}: workday {day} is not a weekend day")
    return {"format": CALENDAR_FORMAT, "years": clean}


def encode_calendar(data: dict[str, Any]) -> bytes:
    return canonical_json(validate_calendar(data))


def parse_calendar(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CalendarFormatError(f"calendar is not JSON: {exc}") from exc
    return validate_calendar(data)


# --- counting working days -----------------------------------------------------------------------

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
    """The `calendar` catalog state (the format above, checked by validate_calendar):
    {"format": 1, "years": {"2026": {"holidays": [...], "workdays": [...]}}}. ValueError if malformed."""
    data = parse_calendar(text.encode("utf-8"))
    return {
        int(year): YearRules(
            holidays=frozenset(date.fromisoformat(d) for d in lists["holidays"]),
            workdays=frozenset(date.fromisoformat(d) for d in lists["workdays"]),
        )
        for year, lists in data["years"].items()
    }


# --- the seed the office starts from -------------------------------------------------------------


def known_years() -> tuple[int, int]:
    years = sorted({day.year for day in chinese_calendar.holidays})
    return years[0], years[-1]


def parse_years(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", text)
    if not match:
        raise BadInput("年份范围应写成 2004-2026 或 2026。", f"bad year range {text!r}", field="years")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise BadInput("年份范围应从小到大。", f"year range {text!r} is reversed", field="years")
    return first, last


def seed_calendar(first: int, last: int) -> dict[str, Any]:
    """{"format": 1, "years": {...}} for first..last, from the package's holidays and 调休 workdays."""
    low, high = known_years()
    if first < low or last > high:
        raise BadInput(
            f"chinese-calendar 只有 {low}–{high} 年的节假日数据，之后的年份请按国务院办公厅通知手工补充。",
            f"chinese-calendar knows {low}-{high} only; asked for {first}-{last}",
            field="years",
        )
    years: dict[str, dict[str, list[str]]] = {}
    for year in range(first, last + 1):
        years[str(year)] = {
            "holidays": sorted(day.isoformat() for day in chinese_calendar.holidays if day.year == year),
            "workdays": sorted(day.isoformat() for day in chinese_calendar.workdays if day.year == year),
        }
    return validate_calendar({"format": CALENDAR_FORMAT, "years": years})
