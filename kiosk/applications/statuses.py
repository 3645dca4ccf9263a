"""The states an application passes through, shared by the terminal and the central intake."""

from __future__ import annotations

# On the terminal only: stored, not yet confirmed by central; or refused by central for good.
PENDING = "pending"
HELD = "held"
# Set by central; the terminal learns them through the outbox.
RECEIVED = "received"
CENTRAL_STATUSES = ("received", "accepted", "needs_correction", "extended", "answered", "withdrawn")
FINAL_STATUSES = frozenset({"answered", "withdrawn"})

LABELS_ZH = {
    PENDING: "已提交，正在发送至受理机关",
    HELD: "发送受阻，请联系工作人员",
    "received": "受理机关已收到",
    "accepted": "已受理，正在办理",
    "needs_correction": "需要补正，请按通知补充材料",
    "extended": "已延长答复期限",
    "answered": "已答复",
    "withdrawn": "已撤回",
}


def label_zh(status: str) -> str:
    return LABELS_ZH.get(status, status)
