"""Personal data as it may be shown or printed: enough to recognise one's own, not to copy it."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "*"

# Personal data as it is typed into free text (and as it may slip into a log line): the one set of
# patterns, used by mask_text here and by kiosk.logs' scrubber. Digits and Latin letters around a run
# mean it is part of something longer (a hash, a tracking number), not a number of its own.
_ALONE_BEFORE = r"(?<![0-9A-Za-z])"
_ALONE_AFTER = r"(?![0-9A-Za-z])"
_SEP = r"[ \-]?"
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Resident IDs (18 characters, or the old 15 digits), also written in groups: 210381 19850315 1523.
ID_RE = re.compile(_ALONE_BEFORE + rf"(?:\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx]|\d{{15}})" + _ALONE_AFTER)
# Mobiles 138 1234 5678 and landlines with their area code (0412-1234567), with or without +86/0086.
PHONE_RE = re.compile(
    _ALONE_BEFORE
    + r"(?:(?:\+|00)86[ \-]?)?"
    + rf"(?:1[3-9]\d(?:{_SEP}\d){{8}}|\(?0\d{{2,3}}\)?{_SEP}\d{{3,4}}{_SEP}\d{{4}})"
    + _ALONE_AFTER
)
PERSONAL_PATTERNS = (("id", ID_RE), ("phone", PHONE_RE), ("email", EMAIL_RE))


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character and one star for each other one."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + MASK * (len(name) - 1)


def mask_id(number: str) -> str:
    """2103811985…1523 → 2103**********1523: long numbers keep 4 at each end, short ones fewer."""
    number = number.strip()
    n = len(number)
    if n >= 12:
        keep = 4
    elif n >= 8:
        keep = 2
    else:
        keep = 1 if n >= 4 else 0
    if keep == 0:
        return MASK * n
    return number[:keep] + MASK * (n - 2 * keep) + number[-keep:]


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; 0412-1234567 → 0412-***4567; +852-91234567 → +852-****4567."""
    phone = phone.strip()
    if not phone:
        return ""
    if phone.isdigit() and len(phone) == 11:
        return phone[:3] + MASK * 4 + phone[-4:]
    head, sep, tail = phone.partition("-")
    if sep and len(tail) > 4:
        digits = tail.split("-")[0]
        return f"{head}-" + MASK * (len(digits) - 4) + digits[-4:]
    return phone[:3] + MASK * max(len(phone) - 7, 1) + phone[-4:]


def mask_email(email: str) -> str:
    """zhangsan@example.com → z***@example.com."""
    local, at, domain = email.strip().partition("@")
    if not at:
        return mask_name(email)
    return f"{local[:1]}***@{domain}"


def mask_address(address: str) -> str:
    """The first six characters (province, city) and stars: the street and door stay private."""
    address = address.strip()
    if len(address) <= 6:
        return address[:2] + MASK * max(len(address) - 2, 0)
    return address[:6] + MASK * 4


def _mask_digits(run: str, keep: int = 4) -> str:
    """Every digit but the last `keep` starred; separators stay so the shape is recognisable."""
    total = sum(c.isdigit() for c in run)
    out, seen = [], 0
    for char in run:
        if char.isdigit() or char in "Xx":
            seen += 1
            out.append(char if seen > total - keep else MASK)
        else:
            out.append(char)
    return "".join(out)


def mask_personal(text: str, names: Iterable[str] = ()) -> str:
    """ID-, phone- and e-mail-shaped runs in free text masked, and the given names (the applicant's
    own, the contact person's) wherever they appear."""
    text = EMAIL_RE.sub(lambda m: mask_email(m.group(0)), text)
    text = ID_RE.sub(lambda m: mask_id(re.sub(r"[ \-]", "", m.group(0))), text)
    text = PHONE_RE.sub(lambda m: _mask_digits(m.group(0)), text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def mask_text(text: str, limit: int, *, names: Iterable[str] = ()) -> str:
    """Free text (the description) as shown on a receipt or a list: personal data masked first, so a
    cut never leaves half a number in clear, then cut at `limit` characters."""
    text = mask_personal(text.strip(), names)
    return text if len(text) <= limit else text[: limit - 1] + "…"
