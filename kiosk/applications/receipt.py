"""What a receipt (回执) says, as data and as labelled rows: the printed receipt, the receipt screen
and read-aloud lay out the same rows, and nothing personal leaves here unmasked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.applications import channels
from kiosk.applications.identity import ID_TYPE_NAMES
from kiosk.applications.records import get_application, masked_view
from kiosk.applications.statuses import label_zh
from kiosk.applications.tracking import format_tracking
from kiosk.applications.validation import LABELS, describe_choice
from kiosk.environment import Env
from kiosk.workdays import ANSWER_DAYS, CORRECTION_DAYS, EXTENSION_DAYS

DESCRIPTION_LIMIT = 200


def follow_up_text(env: Env, tracking: str, calendar_complete: bool) -> str:
    office = env.config.office_name
    phone = env.config.office_phone
    lines = [
        f"请妥善保管本回执。凭查询号 {format_tracking(tracking)} 可在本终端“申请进度查询”中查看办理进度，"
        f"也可向{office}查询" + (f"（电话 {phone}）。" if phone else "。"),
        f"答复期限自收到申请之日起{ANSWER_DAYS}个工作日内；需要延长的，延长期限最长不超过{EXTENSION_DAYS}个工作日，"
        "受理机关将告知您。",
        f"申请内容需要补正的，受理机关将在{CORRECTION_DAYS}个工作日内一次性告知。",
    ]
    if not calendar_complete:
        lines.append("本机尚未取得相关年份完整的节假日安排，上述日期为预计日期，以受理机关告知为准。")
    return "\n".join(lines)


def receipt_data(env: Env, tracking: str) -> dict[str, Any]:
    """The receipt of one application; NotFound for an unknown tracking number."""
    app = get_application(env, tracking)
    view = masked_view(env, app)
    return {
        "tracking": app.tracking,
        "received": app.received_at,
        "channel": app.channel,
        "due": view["due"],
        "extended_due": view["extended_due"],
        "calendar_complete": bool(app.calendar_complete),
        # Display words, not codes: the printing layer prints these values as they come.
        "applicant_type": describe_choice(app.applicant_type),
        "applicant_masked": view["applicant_masked"],
        "id_type": ID_TYPE_NAMES.get(app.id_type, app.id_type),
        "id_masked": view["id_masked"],
        "contact_masked": view["contact_masked"],
        "description": view["description"][:DESCRIPTION_LIMIT],
        "delivery_form": describe_choice(app.delivery_form),
        "delivery_way": describe_choice(app.delivery_way),
        "status": app.status,  # a code (kiosk.applications.statuses); label_zh() words it
        "follow_up": follow_up_text(env, app.tracking, bool(app.calendar_complete)),
    }


# ---------------------------------------------------------------- the rows every receipt shows


@dataclass(frozen=True)
class Row:
    """One line of a receipt: `key` lets a layout place it (the tracking number big, the status
    apart), `label` and `value` are what a person sees, the value already masked and worded."""

    key: str
    label: str
    value: str


TRACKING_LABEL = "查询号"
ROW_LABELS = {
    "tracking": TRACKING_LABEL,
    "status": "办理状态",
    "received": "收到时间",
    "channel": "申请方式",
    "due": "答复期限",
    "extended_due": "如需延长",
    "applicant_type": LABELS["applicant_type"],
    "applicant": "申请人",
    "id": "证件",
    "phone": LABELS["phone"],
    "description": "所需信息",
    "delivery_form": LABELS["delivery_form"],
    "delivery_way": LABELS["delivery_way"],
}


def date_zh(value: str | date | None) -> str:
    """'2026-12-21' (or an ISO timestamp) → '2026年12月21日'."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def received_zh(value: str | None) -> str:
    """'2026-11-23T10:02:27+08:00' → '2026年11月23日 10:02' (the terminal's local time as stored)."""
    if not value:
        return ""
    if len(value) <= 10:
        return date_zh(value)
    moment = datetime.fromisoformat(value)
    return f"{date_zh(moment.date())} {moment:%H:%M}"


def due_zh(data: Mapping[str, Any]) -> str:
    """'2026年12月21日前', marked 预计 while the holiday calendar for those dates is not yet published."""
    if not data.get("due"):
        return ""
    return f"{date_zh(data['due'])}前" + ("" if data.get("calendar_complete", True) else "（预计）")


def tracking_zh(tracking: str) -> str:
    """A terminal's tracking number in the groups a person reads and types (261123-0042-0075)."""
    return format_tracking(tracking) if tracking.isdigit() and len(tracking) in (14, 15) else tracking


def receipt_rows(data: Mapping[str, Any]) -> list[Row]:
    """The receipt's rows, in order, from receipt_data(): the one source of the printed receipt, the
    receipt screen and read-aloud, so that a label or a mask cannot differ between them. Rows
    without a value are left out."""
    values = {
        "tracking": tracking_zh(str(data.get("tracking") or "")),
        "status": label_zh(data["status"]) if data.get("status") else "",
        "received": received_zh(data.get("received")),
        # Only a paper application says how it came: a clerk typed it in from the form handed over.
        "channel": "纸质申请（工作人员代为录入）" if data.get("channel") == channels.PAPER else "",
        "due": due_zh(data),
        "extended_due": f"最迟不超过{date_zh(data['extended_due'])}" if data.get("extended_due") else "",
        "applicant_type": data.get("applicant_type") or "",
        "applicant": data.get("applicant_masked") or "",
        "id": " ".join(v for v in (data.get("id_type"), data.get("id_masked")) if v),
        "phone": data.get("contact_masked") or "",
        "description": data.get("description") or "",
        "delivery_form": data.get("delivery_form") or "",
        "delivery_way": data.get("delivery_way") or "",
    }
    return [Row(key, ROW_LABELS[key], str(value)) for key, value in values.items() if value]


def rows_text(rows: Iterable[Row]) -> str:
    """Rows as lines of 'label：value', as the receipt screen shows its details."""
    return "\n".join(f"{row.label}：{row.value}" for row in rows)
