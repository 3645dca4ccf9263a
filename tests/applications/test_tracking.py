from datetime import date

from kiosk.applications.tracking import (
    format_tracking,
    is_valid_tracking,
    make_tracking,
    normalize_tracking,
    terminal_number,
)


def test_tracking_number_holds_day_terminal_sequence_and_check_digit():
    tracking = make_tracking(date(2026, 11, 23), "0042", 7)
    assert tracking.startswith("2611230042007") and len(tracking) == 14
    assert format_tracking(tracking) == f"261123-0042-007{tracking[-1]}"
    assert is_valid_tracking(tracking)


def test_check_digit_catches_every_single_digit_error_and_every_adjacent_swap():
    tracking = make_tracking(date(2026, 11, 23), "0042", 7)
    for i in range(len(tracking)):
        for digit in "0123456789":
            typo = tracking[:i] + digit + tracking[i + 1 :]
            assert typo == tracking or not is_valid_tracking(typo)
    for i in range(len(tracking) - 1):
        swapped = tracking[:i] + tracking[i + 1] + tracking[i] + tracking[i + 2 :]
        assert swapped == tracking or not is_valid_tracking(swapped)


def test_what_a_person_types_is_normalised():
    tracking = make_tracking(date(2026, 11, 23), "0042", 7)
    spoken = " ".join(format_tracking(tracking)).replace("1", "１")
    assert normalize_tracking(spoken) == tracking


def test_more_than_999_a_day_grows_the_number_instead_of_failing():
    tracking = make_tracking(date(2026, 11, 23), "0042", 1000)
    assert len(tracking) == 15 and is_valid_tracking(tracking)


def test_terminal_number_comes_from_the_central_token_or_a_reserved_range():
    assert terminal_number("0042-secret", "hall-1") == "0042"
    fallback = terminal_number("", "hall-1")
    assert 9000 <= int(fallback) <= 9999 and fallback == terminal_number("", "hall-1")
