"""Seed the central office's working-day calendar file from the chinese-calendar package. The office
then keeps the file itself (the State Council announces each year's 调休 every November, and the
package stops at 2026), and `kiosk central publish --calendar FILE` signs it into the feed."""

from __future__ import annotations

import re
from typing import Any

import chinese_calendar

from kiosk.errors import BadInput
from kiosk.sync.calendar import CALENDAR_FORMAT, validate_calendar


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
