"""What a clerk sees of the applications handed in at this terminal: masked as on a receipt, with
where each one stands on its way to central (waiting and when it is tried again, delivered, or held
with the reason central gave) — and the clerk's reprint of a receipt by its tracking number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk.applications.applications_db import open_applications
from kiosk.applications.models import Application, Outbox
from kiosk.applications.records import masked_view, sealer_for
from kiosk.applications.validation import LABELS
from kiosk.environment import Env
from kiosk.printing.service import PrintOutcome, load_receipt_data, print_receipt

QUEUE_LIMIT = 200

DELIVERY_ZH = {"pending": "等待发送", "delivered": "已送达中心", "held": "发送受阻"}

# Central's refusal codes (kiosk.central.intake) and the outbox's own, in a clerk's words.
HELD_REASONS_ZH = {
    "invalid": "中心校验未通过",
    "tracking_range": "查询号不属于本终端的号段，请技术人员检查终端令牌",
    "tracking_day": "终端时钟有误，请校准时间后联系技术人员",
    "received_in_future": "终端时钟比中心快，请校准时间后联系技术人员",
    "key_reused": "中心已收到另一份同编号的申请，请联系技术人员",
    "tracking_taken": "该查询号在中心已被占用，请联系技术人员",
    "idempotency_key": "申请记录不完整，请联系技术人员",
    "key_missing": "本机加密密钥丢失，申请内容无法读取",
    "purged": "申请内容已被清除",
}


def held_reason_zh(reason: str | None) -> str:
    """The outbox's short English reason (`code:field,field`, `http_500: failed 8 times`) in Chinese."""
    if not reason:
        return ""
    code, _, fields = reason.partition(":")
    if code.startswith("http_5"):
        return "中心多次处理失败，请联系技术人员"
    if code.startswith("http_"):
        return f"中心拒收（{code[5:]}），请联系技术人员"
    text = HELD_REASONS_ZH.get(code, f"中心拒收（{code}）")
    if code == "invalid" and fields:
        names = [LABELS.get(f.split(".")[-1], f.split(".")[-1]) for f in fields.split(",") if f]
        text += "：" + "、".join(names)
    return text


def retry_reason_zh(reason: str | None) -> str:
    if not reason:
        return ""
    if reason.startswith("network"):
        return "网络不通"
    if "central unavailable" in reason or "without central's receipt" in reason:
        return "中心暂时无法访问"
    if reason.startswith("refused"):
        return "中心拒绝了本终端的令牌或地址，请技术人员检查配置"
    if "server error" in reason:
        return "中心处理出错"
    return reason


def application_queue(env: Env, *, limit: int = QUEUE_LIMIT) -> list[dict[str, Any]]:
    """The newest applications on this terminal, masked, each with its delivery state."""
    open_applications(env)
    sealer = sealer_for(env)
    query = (
        Application.select(Application, Outbox)
        .join(Outbox, on=(Outbox.application == Application.tracking), attr="entry")
        .order_by(Application.received_at.desc(), Application.tracking.desc())
        .limit(limit)
    )
    zone = env.now().tzinfo
    rows = []
    for app in query:
        entry: Outbox = app.entry
        view = masked_view(env, app, sealer)
        next_retry = None
        if entry.state == "pending" and entry.next_attempt:
            next_retry = datetime.fromtimestamp(entry.next_attempt, tz=zone).isoformat(timespec="minutes")
        rows.append(
            {
                "tracking": app.tracking,
                "tracking_display": view["tracking_display"],
                "received": app.received_at,
                "applicant_masked": view["applicant_masked"],
                "id_masked": view["id_masked"],
                "channel": app.channel,
                "channel_zh": view["channel_zh"],
                "status": app.status,
                "status_zh": view["status_zh"],
                "delivery": entry.state,
                "delivery_zh": DELIVERY_ZH.get(entry.state, entry.state),
                "attempts": entry.attempts,
                "next_retry": next_retry,
                "retry_reason_zh": retry_reason_zh(entry.last_error) if entry.state == "pending" else "",
                "held_reason": entry.last_error if entry.state == "held" else None,
                "held_reason_zh": held_reason_zh(entry.last_error) if entry.state == "held" else "",
                "purged": view["purged"],
            }
        )
    return rows


def queue_line_zh(row: dict[str, Any]) -> str:
    """One row's delivery as one line for the screen."""
    if row["delivery"] == "held":
        return f"{row['delivery_zh']}：{row['held_reason_zh']}"
    if row["delivery"] == "pending" and row["attempts"]:
        when = row["next_retry"][11:16] if row["next_retry"] else "稍后"
        why = f"（{row['retry_reason_zh']}）" if row["retry_reason_zh"] else ""
        return f"{row['delivery_zh']}，已尝试 {row['attempts']} 次{why}，{when} 再试"
    return row["delivery_zh"]


def reprint_receipt(env: Env, tracking: str, *, printer: str | None = None) -> PrintOutcome:
    """A clerk's reprint: the same masked receipt, on the receipt printer. BadInput or NotFound for a
    wrong number; the printer's own errors as printing raises them."""
    data = load_receipt_data(env, tracking)
    return print_receipt(env, data, printer=printer)
