"""The working-day calendar that travels signed in the feed: public holidays and 调休 working
weekends by year. Format (the applications' deadline code reads it from catalog state "calendar"):

    {"format": 1, "years": {"2026": {"holidays": ["2026-01-01", …], "workdays": ["2026-01-04", …]}}}

`workdays` are the weekend days worked in lieu; a year present in `years` is complete.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from kiosk.sync.signing import canonical_json

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
