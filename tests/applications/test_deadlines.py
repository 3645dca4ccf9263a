import json
from datetime import date

import pytest

from kiosk.applications.deadlines import deadlines_for, load_calendar
from kiosk.catalog.catalog_db import open_store
from kiosk.catalog.documents import set_state
from kiosk.sync.startup import open_catalog
from kiosk.workdays import WorkCalendar, parse_signed_calendar

SIGNED_2027 = {
    "format": 1,
    "years": {
        "2027": {
            # an invented 2027 New Year and Spring Festival, to tell the signed source from the package
            "holidays": ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"],
            "workdays": ["2027-02-06"],
        }
    },
}


def test_received_monday_28_september_2026_is_due_30_october():
    # The 2026 calendar: 10-01…10-07 off, Saturday 10-10 worked; the day of receipt does not count.
    result = WorkCalendar().deadlines(date(2026, 9, 28))
    assert result.due == date(2026, 10, 30)
    assert result.calendar_complete


def test_the_day_of_receipt_is_not_counted():
    due, _ = WorkCalendar().add_working_days(date(2026, 11, 23), 1)  # a Monday
    assert due == date(2026, 11, 24)


def test_without_a_signed_calendar_2027_falls_back_to_weekends_and_says_so():
    result = WorkCalendar().deadlines(date(2026, 12, 10))
    assert result.due == date(2027, 1, 7)  # 2027-01-01 (a Friday) counted as worked: provisional
    assert not result.calendar_complete and not result.due_complete


def test_a_due_date_inside_known_years_is_certain_even_if_the_extension_is_not():
    result = WorkCalendar().deadlines(date(2026, 11, 23))
    assert result.due == date(2026, 12, 21) and result.due_complete
    assert not result.extended_complete


def test_signed_calendar_holidays_and_working_weekends_are_honoured():
    calendar = WorkCalendar(signed=parse_signed_calendar(json.dumps(SIGNED_2027)))
    due, complete = calendar.add_working_days(date(2026, 12, 31), 1)
    assert due == date(2027, 1, 4) and complete  # 01-01 holiday, then the weekend
    assert calendar.is_workday(date(2027, 2, 6)) == (True, True)  # a worked Saturday
    assert calendar.is_workday(date(2027, 2, 8)) == (False, True)
    assert calendar.is_workday(date(2028, 3, 1)) == (True, False)  # no source knows 2028


@pytest.mark.parametrize(
    "bad",
    [
        {"format": 2, "years": {}},
        {"format": 1, "years": {"2027": {"holidays": ["2026-12-31"], "workdays": []}}},
        {"format": 1, "years": {"27": {}}},
        {"format": 1, "years": {"2027": {"holidays": ["not a date"], "workdays": []}}},
        {"format": 1, "years": {"2027": {"holidays": [], "workdays": ["2027-02-08"]}}},  # a Monday
    ],
)
def test_malformed_signed_calendars_are_refused(bad):
    with pytest.raises(ValueError):
        parse_signed_calendar(json.dumps(bad))


def test_the_terminal_reads_the_signed_calendar_from_the_catalog_state(env):
    open_store(env.catalog_db)
    set_state("calendar", json.dumps(SIGNED_2027))
    assert load_calendar(env).signed[2027].workdays == frozenset({date(2027, 2, 6)})
    result = deadlines_for(env, date(2026, 12, 10))
    assert result.calendar_complete and result.due == date(2027, 1, 8)


def test_a_broken_signed_calendar_falls_back_instead_of_stopping_applications(env):
    open_store(env.catalog_db)
    set_state("calendar", "{not json")
    assert load_calendar(env).signed == {}


def test_a_new_terminal_gets_the_signed_calendar_with_the_demo_feed(env):
    open_catalog(env)  # installs the bundled, signed demo feed
    signed = load_calendar(env).signed
    assert date(2026, 10, 1) in signed[2026].holidays and date(2026, 10, 10) in signed[2026].workdays
    assert deadlines_for(env, date(2026, 9, 28)).due == date(2026, 10, 30)
