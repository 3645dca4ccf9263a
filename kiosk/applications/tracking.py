"""Tracking numbers (查询号): unique across terminals, digits only so they can be read aloud and typed
on a number pad, with a Damm check digit that catches any one wrong digit and any swap of two
neighbours.

Layout: YYMMDD (day of receipt) + TTTT (terminal number) + SSS (that terminal's sequence that day,
growing to 4 digits past 999) + C. Grouped for reading: 261123-0042-0075.

The terminal number comes from the token central issued (`kiosk central terminals add` hands out
`NNNN-secret`), which makes numbers unique by construction. A terminal with no such token uses a
number in 9000–9999 derived from its terminal id; central refuses a clash (HTTP 409) rather than
merge two residents' applications.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_TOKEN_NUMBER = re.compile(r"^(\d{4})-")
_SHAPE = re.compile(r"\d{14,15}")


def damm_digit(digits: str) -> str:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return str(interim)


def terminal_number(token: str, terminal_id: str) -> str:
    """Four digits naming this terminal inside tracking numbers."""
    if match := _TOKEN_NUMBER.match(token or ""):
        return match.group(1)
    digest = hashlib.sha256(terminal_id.encode("utf-8")).digest()
    return f"{9000 + int.from_bytes(digest[:4], 'big') % 1000:04d}"


def make_tracking(received: date, terminal: str, sequence: int) -> str:
    if not (len(terminal) == 4 and terminal.isdigit()) or not 1 <= sequence <= 9999:
        raise ValueError("terminal must be 4 digits and sequence 1..9999")
    body = f"{received:%y%m%d}{terminal}{sequence:03d}"
    return body + damm_digit(body)


def normalize_tracking(text: str) -> str:
    """What a person typed or read (spaces, dashes, full-width digits) → the bare digits."""
    from kiosk.applications.validation import narrow

    return re.sub(r"[\s\-－—_]", "", narrow(text or ""))


def is_valid_tracking(text: str) -> bool:
    digits = normalize_tracking(text)
    return bool(_SHAPE.fullmatch(digits)) and damm_digit(digits) == "0"


def format_tracking(tracking: str) -> str:
    """261123-0042-0075 (or 261123-0042-10003 past the 999th of a day)."""
    return f"{tracking[:6]}-{tracking[6:10]}-{tracking[10:]}"


@dataclass(frozen=True)
class TrackingParts:
    """What a tracking number says about itself: the day of receipt, the terminal and its sequence."""

    day: date
    terminal: str
    sequence: int


def parse_tracking(text: str) -> TrackingParts | None:
    """The parts of a well-formed tracking number, or None (bad shape, check digit or date)."""
    digits = normalize_tracking(text)
    if not is_valid_tracking(digits):
        return None
    try:
        day = datetime.strptime(digits[:6], "%y%m%d").date()
    except ValueError:
        return None
    return TrackingParts(day, digits[6:10], int(digits[10:-1]))
