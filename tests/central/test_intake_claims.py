"""The rules central applies to what a terminal claims, with plain values (no server, no database)."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kiosk.applications.tracking import TrackingParts, damm_digit, make_tracking, parse_tracking
from kiosk.central.intake import CLOCK_SKEW, MAX_BACKLOG, Refusal, check_claims

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 10, 5, tzinfo=CHINA)


def claim(received: datetime, terminal: str = "0042", number: int = 42):
    return check_claims(number, make_tracking(received.date(), terminal, 7), received.isoformat(), NOW)


def test_a_tracking_number_tells_its_day_terminal_and_sequence():
    assert parse_tracking("261123-0042-0076") is None  # check digit wrong
    assert parse_tracking("261123-0042-0075") == TrackingParts(date(2026, 11, 23), "0042", 7)
    assert parse_tracking(make_tracking(date(2026, 11, 23), "0042", 1003)) == TrackingParts(
        date(2026, 11, 23), "0042", 1003
    )
    body = "2613450042001"  # month 13 passes the check digit but names no day
    assert parse_tracking(body + damm_digit(body)) is None


def test_the_edges_of_the_window_central_believes():
    assert claim(NOW + CLOCK_SKEW) == NOW  # fast by the tolerated skew: taken as central's time
    assert claim(NOW - MAX_BACKLOG + timedelta(minutes=1)) == NOW - MAX_BACKLOG + timedelta(minutes=1)
    for implausible in (NOW + CLOCK_SKEW + timedelta(seconds=1), NOW - MAX_BACKLOG - timedelta(minutes=1)):
        with pytest.raises(Refusal) as info:
            claim(implausible)
        assert info.value.status == 422


def test_only_the_terminals_own_four_digits_are_its_range():
    with pytest.raises(Refusal) as info:
        claim(NOW, terminal="0043")
    assert info.value.code == "tracking_range"
    assert claim(NOW, terminal="0042") == NOW


def test_a_time_of_receipt_in_another_offset_is_the_same_moment():
    assert claim(NOW.astimezone(UTC)) == NOW
