"""What a printed receipt (回执) says, as data: the printing layer lays it out, nothing personal
leaves here unmasked."""

from __future__ import annotations

from typing import Any

from kiosk.applications.identity import ID_TYPE_NAMES
from kiosk.applications.records import get_application, masked_view
from kiosk.applications.tracking import format_tracking
from kiosk.applications.validation import describe_choice
from kiosk.environment import Env
from kiosk.workdays import ANSWER_DAYS, CORRECTION_DAYS, EXTENSION_DAYS

DESCRIPTION_LIMIT = 200


def follow_up_text(env: Env, tracking: str, calendar_complete: bool) -> str:
    office = env.config.office_name
    phone = env.config.office_phone
    lines = [
        f"请妥善保管本回执。凭查询号 {format_tracking(tracking)} 可在本终端“申请查询”中查看办理进度，"
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
