"""What the receipt screen reads aloud: the receipt's own rows (kiosk.applications.receipt), masked data
only (never an ID or telephone number), with numbers and times worded so espeak-ng reads them digit by
digit and as times, not as one huge number."""

from __future__ import annotations

import re
from typing import Any

from kiosk.applications.masking import MASK
from kiosk.applications.receipt import Row, receipt_rows
from kiosk.applications.tracking import format_tracking

_DIGITS = "零一二三四五六七八九"
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_LONG_NUMBER = re.compile(r"\d{3,}(?:-\d{3,})+|\d{7,}")


def spell_digits(number: str) -> str:
    """261123-0042-0075 → 二六一一二三，零零四二，零零七五: a listener can write it down as it comes.
    Bare tracking numbers are grouped first; other dashes (telephone numbers) become pauses."""
    if number.isdigit() and len(number) in (14, 15):
        number = format_tracking(number)
    return "，".join("".join(_DIGITS[int(c)] if c.isdigit() else c for c in group) for group in number.split("-"))


def spoken_name(masked: str) -> str:
    """张* → 张某: the stars of a masked name would be read out as 星号."""
    return re.sub(re.escape(MASK) + "+", "某", masked)


def spoken_time(text: str) -> str:
    """10:02 → 10点02分: a colon between digits means nothing to a speech synthesiser."""
    return _CLOCK.sub(lambda m: f"{int(m.group(1))}点{m.group(2)}分", text)


def _spoken_row(row: Row) -> str:
    if row.key == "tracking":
        value = spell_digits(row.value)
    else:
        value = _LONG_NUMBER.sub(lambda m: spell_digits(m.group(0)), spoken_time(spoken_name(row.value)))
    return f"{row.label}：{value}。"


# Read aloud in a hall, these would be heard by everyone nearby (the ID and telephone numbers, even
# masked, tell part of the number); the description is long free text the resident wrote themselves.
UNSPOKEN = frozenset({"id", "phone", "description"})


def receipt_speech(data: dict[str, Any]) -> str:
    """The receipt (from kiosk.applications.receipt.receipt_data) as sentences to read aloud: its rows,
    with the labels and values the screen and the printed receipt show, worded for the ear."""
    lines = ["政府信息公开申请回执。"]
    lines += [_spoken_row(row) for row in receipt_rows(data) if row.key not in UNSPOKEN]
    # The follow-up repeats the tracking number and may give the office's telephone: digit by digit too.
    lines.append(_LONG_NUMBER.sub(lambda m: spell_digits(m.group(0)), data["follow_up"]))
    return "\n".join(lines)
