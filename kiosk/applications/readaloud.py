"""What the receipt screen reads aloud: masked data only (never an ID number), and numbers and dates
worded so espeak-ng reads them digit by digit and as dates, not as one huge number."""

from __future__ import annotations

import re
from typing import Any

from kiosk.applications.masking import MASK
from kiosk.applications.statuses import label_zh
from kiosk.applications.tracking import format_tracking

_DIGITS = "零一二三四五六七八九"
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


_LONG_NUMBER = re.compile(r"\d{3,}(?:-\d{3,})+|\d{7,}")


def spell_digits(number: str) -> str:
    """261123-0042-0075 → 二六一一二三，零零四二，零零七五: a listener can write it down as it comes.
    Bare tracking numbers are grouped first; other dashes (telephone numbers) become pauses."""
    if number.isdigit() and len(number) in (14, 15):
        number = format_tracking(number)
    return "，".join("".join(_DIGITS[int(c)] if c.isdigit() else c for c in group) for group in number.split("-"))


def spoken_date(text: str) -> str:
    """2026-12-21 (or an ISO timestamp) → 2026年12月21日."""
    match = _ISO_DATE.match(text or "")
    if match is None:
        return text or ""
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def spoken_name(masked: str) -> str:
    """张* → 张某: the stars of a masked name would be read out as 星号."""
    return re.sub(re.escape(MASK) + "+", "某", masked)


def receipt_speech(data: dict[str, Any]) -> str:
    """The receipt (from kiosk.applications.receipt.receipt_data) as sentences to read aloud."""
    due = spoken_date(data["due"]) + ("" if data.get("calendar_complete", True) else "（预计）")
    lines = [
        "政府信息公开申请回执。",
        f"查询号：{spell_digits(data['tracking'])}。",
        f"办理状态：{label_zh(data['status'])}。",
        f"收到申请日期：{spoken_date(data['received'])}。",
        f"答复期限：{due}。",
        f"申请人：{spoken_name(data['applicant_masked'])}。",
        f"获取方式：{data['delivery_form']}，{data['delivery_way']}。",
    ]
    # The follow-up repeats the tracking number and may give the office's telephone: digit by digit too.
    lines.append(_LONG_NUMBER.sub(lambda m: spell_digits(m.group(0)), data["follow_up"]))
    return "\n".join(lines)
