"""Small text helpers shared by the page-dump and JSON importers: dates, spaces, decoding."""

from __future__ import annotations

import re
from datetime import date

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

DATE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[年\-/.．]\s*(?P<m>\d{1,2})\s*[月\-/.．]\s*(?P<d>\d{1,2})(?!\d)\s*日?")
CN_DATE_RE = re.compile(
    r"(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日"
)
_SPACES = re.compile(r"[\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff\t ]+")


def clean_line(line: str) -> str:
    """Collapse the many kinds of spaces portals use; strip both ends."""
    return _SPACES.sub(" ", line).strip()


def _cn_number(text: str) -> int:
    """十七 → 17, 二十 → 20; 0 (never a valid month or day) for a malformed numeral such as 十十."""
    if text == "十":
        return 10
    tens, ten, units = text.partition("十")
    try:
        if ten:
            return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
        return _CN_DIGITS[text]
    except KeyError:
        return 0


def _make_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """(date, start, end) for every valid date written 2019年7月17日, 2019-07-17, 2019/7/17 or 二〇一九年七月十七日."""
    found = []
    for match in DATE_RE.finditer(text):
        value = _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
        if value:
            found.append((value, match.start(), match.end()))
    for match in CN_DATE_RE.finditer(text):
        year = int("".join(str(_CN_DIGITS[ch]) for ch in match["y"]))
        value = _make_date(year, _cn_number(match["m"]), _cn_number(match["d"]))
        if value:
            found.append((value, match.start(), match.end()))
    return sorted(found, key=lambda item: item[1])


def parse_date(text: str) -> date | None:
    dates = find_dates(text)
    return dates[0][0] if dates else None


def is_date_line(line: str) -> bool:
    """A line that holds a date and little else (a signature date, a 发布时间 stamp)."""
    dates = find_dates(line)
    if not dates:
        return False
    rest = line[: dates[0][1]] + line[dates[0][2] :]
    rest = re.sub(r"[\d:：\s•·\-]|发布|日期|时间|成文|印发", "", rest)
    return len(rest) <= 2


def decode_bytes(raw: bytes) -> str | None:
    """UTF-8 (with or without BOM), else GB18030 as older portals save; None if neither fits."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
