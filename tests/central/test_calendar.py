import pytest

from kiosk.errors import BadInput
from kiosk.workdays import CalendarFormatError, parse_years, seed_calendar, validate_calendar


def test_seeded_2026_has_national_day_off_and_the_saturday_worked_in_lieu():
    calendar = seed_calendar(2026, 2026)
    assert calendar["format"] == 1 and list(calendar["years"]) == ["2026"]
    year = calendar["years"]["2026"]
    assert {"2026-10-01", "2026-10-07", "2026-01-01"} <= set(year["holidays"])
    assert "2026-10-10" in year["workdays"] and "2026-01-04" in year["workdays"]
    assert "2026-10-09" not in year["holidays"]


def test_years_the_package_does_not_know_are_refused_with_advice():
    with pytest.raises(BadInput) as info:
        seed_calendar(2026, 2027)
    assert "手工补充" in info.value.message_zh


def test_year_ranges_parse():
    assert parse_years("2004-2026") == (2004, 2026)
    assert parse_years("2025") == (2025, 2025)
    with pytest.raises(BadInput):
        parse_years("2026-2004")


@pytest.mark.parametrize(
    "bad",
    [
        {"format": 2, "years": {"2026": {"holidays": [], "workdays": []}}},
        {"format": 1, "years": {}},
        {"format": 1, "years": {"26": {"holidays": [], "workdays": []}}},
        {"format": 1, "years": {"2026": {"holidays": ["2025-10-01"], "workdays": []}}},
        {"format": 1, "years": {"2026": {"holidays": [], "workdays": ["2026-10-09"]}}},  # a Friday
        {"format": 1, "years": {"2026": {"holidays": ["2026-10-10"], "workdays": ["2026-10-10"]}}},
        {"format": 1, "years": {"2026": {"holidays": []}}},
    ],
)
def test_malformed_calendars_are_rejected(bad):
    with pytest.raises(CalendarFormatError):
        validate_calendar(bad)
