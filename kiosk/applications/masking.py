"""Personal data as it may be shown or printed: enough to recognise one's own, not to copy it."""

from __future__ import annotations

MASK = "*"


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


def mask_text(text: str, limit: int) -> str:
    """Free text shown on a receipt, cut at `limit` characters."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
