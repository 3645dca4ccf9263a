"""The statutory clocks of one application as plain values (no I/O): working days left from the
office's calendar (kiosk.applications.deadlines.WorkCalendar) and the queue's flags."""

from __future__ import annotations

from datetime import date, timedelta

from kiosk.workdays import WorkCalendar

SOON = 3  # working days: 3日内到期


def working_days_left(calendar: WorkCalendar, today: date, due: date) -> int:
    """Working days after today up to and including the due date; negative when overdue (the
    working days since). 0 means today is the last day."""
    if due >= today:
        return _count(calendar, today, due)
    return -_count(calendar, due, today)


def _count(calendar: WorkCalendar, start: date, end: date) -> int:
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += calendar.is_workday(day)[0]
    return days


def flags(status: str, left: int, *, correction_overdue: bool = False) -> list[str]:
    """已逾期 / 3日内到期 / 待补正 for an open application (a final one has none). While a correction is
    awaited the 20 days stand still (Art. 30), so it is not flagged as late."""
    if status in ("answered", "withdrawn"):
        return []
    if status == "needs_correction":
        return ["待补正"]
    shown = []
    if left < 0:
        shown.append("已逾期")
    elif left <= SOON:
        shown.append("3日内到期")
    if correction_overdue:
        shown.append("补正期已过")
    return shown
