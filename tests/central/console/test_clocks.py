"""The queue's clocks as plain values, on the 2026 calendar (National Day week off, Sat 10 Oct worked)."""

from datetime import date

from kiosk.central.console.clocks import flags, working_days_left
from kiosk.workdays import WorkCalendar

CAL = WorkCalendar()


def test_working_days_left_count_the_official_calendar():
    assert working_days_left(CAL, date(2026, 9, 28), date(2026, 10, 30)) == 20
    assert working_days_left(CAL, date(2026, 10, 30), date(2026, 10, 30)) == 0
    assert working_days_left(CAL, date(2026, 11, 2), date(2026, 10, 30)) == -1  # Mon after a Friday due date


def test_flags_name_what_needs_attention_and_a_correction_stops_the_clock():
    assert flags("accepted", -1) == ["已逾期"]
    assert flags("received", 3) == ["3日内到期"]
    assert flags("received", 4) == []
    assert flags("needs_correction", -5) == ["待补正"]
    assert flags("answered", -5) == []
