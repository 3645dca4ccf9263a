"""What an officer does with an application: the queue with its clocks, one application in full
(audited), and the actions 受理 / 补正 / 收到补正 / 延期 / 答复 / 撤回. Each action is a status change
through kiosk.central.intake.set_status, so the terminal's status lookup and the history follow."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.applications import statuses
from kiosk.central import intake
from kiosk.central.console.clocks import flags, working_days_left
from kiosk.central.console.officers import audit, audit_trail
from kiosk.central.console.outcomes import OUTCOME_KEYS, outcome_label
from kiosk.central.intake_models import IntakeApplication, StatusChange, Terminal
from kiosk.errors import BadInput, NotFound
from kiosk.workdays import ANSWER_DAYS, EXTENSION_DAYS, WorkCalendar

log = logging.getLogger(__name__)

MAX_NOTE = 500
# Which action may follow which status; a final status ends the file.
ALLOWED = {
    "accept": {"received"},
    "correct": {"received", "accepted"},
    "corrected": {"needs_correction"},
    "extend": {"received", "accepted"},
    "answer": {"received", "accepted", "needs_correction", "extended"},
    "withdraw": {"received", "accepted", "needs_correction", "extended"},
}
ACTION_ZH = {
    "accept": "受理",
    "correct": "补正",
    "corrected": "收到补正",
    "extend": "延期",
    "answer": "答复",
    "withdraw": "撤回",
}


@dataclass(frozen=True)
class Filters:
    status: str = "open"  # open | all | one of statuses.CENTRAL_STATUSES
    terminal: str = ""
    received_from: date | None = None
    received_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def queue(calendar: WorkCalendar, today: date, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """Applications sorted by due date, each with working days left and its flags; masked."""
    query = IntakeApplication.select(IntakeApplication, Terminal).join(Terminal)
    if filters.status == "open":
        query = query.where(IntakeApplication.status.not_in(statuses.FINAL_STATUSES))
    elif filters.status != "all":
        query = query.where(IntakeApplication.status == filters.status)
    if filters.terminal:
        query = query.where(Terminal.name == filters.terminal)
    if filters.received_from:
        query = query.where(IntakeApplication.received_at >= filters.received_from.isoformat())
    if filters.received_to:
        query = query.where(IntakeApplication.received_at < f"{filters.received_to.isoformat()}~")
    if filters.due_from:
        query = query.where(IntakeApplication.due >= filters.due_from)
    if filters.due_to:
        query = query.where(IntakeApplication.due <= filters.due_to)
    rows = []
    for app in query.order_by(IntakeApplication.due, IntakeApplication.tracking):
        row = intake.application_row(app)
        due = _day(app.due)
        left = working_days_left(calendar, today, due)
        late_correction = (
            app.status in ("received", "accepted")
            and app.correction_due is not None
            and today > _day(app.correction_due)
            and not _had_correction(app)
        )
        row |= {
            "received": app.received_at[:10],
            "left": left,
            "flags": flags(app.status, left, correction_overdue=late_correction),
            "outcome_zh": outcome_label(app.outcome),
        }
        rows.append(row)
    return rows


def _had_correction(app: IntakeApplication) -> bool:
    return (
        StatusChange.select()
        .where((StatusChange.application == app.id) & (StatusChange.status == "needs_correction"))
        .exists()
    )


def _get(tracking: str) -> IntakeApplication:
    app = IntakeApplication.get_or_none(IntakeApplication.tracking == tracking.replace("-", ""))
    if app is None:
        raise NotFound(f"没有查询号为 {tracking} 的申请。", f"no application {tracking}")
    return app


def application(tracking: str, officer: str, calendar: WorkCalendar, now: datetime) -> dict[str, Any]:
    """One application in full: the only place personal data is shown, so every call is audited."""
    app = _get(tracking)
    row = intake.application_row(app, full=True)
    audit(officer, "view", app.tracking, "purged" if row["application"] is None else "personal data shown", now)
    data = json.loads(app.data)
    due = _day(app.due)
    left = working_days_left(calendar, now.date(), due)
    history = [
        {
            "status": c.status,
            "status_zh": statuses.label_zh(c.status),
            "note": c.note,
            "at": c.at,
            "officer": c.officer or "",
            "outcome_zh": outcome_label(c.outcome),
        }
        for c in StatusChange.select().where(StatusChange.application == app.id).order_by(StatusChange.id)
    ]
    return row | {
        "received": app.received_at[:10],
        "correction_due": app.correction_due.isoformat() if app.correction_due else "",
        "left": left,
        "flags": flags(app.status, left),
        "matches": data.get("matches", []),
        "history": history,
        "audit": audit_trail(app.tracking, limit=50),
        "allowed": [a for a, allowed in ALLOWED.items() if app.status in allowed],
        "outcome_zh": outcome_label(app.outcome),
    }


def _note(text: str | None, what: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise BadInput(f"请填写{what}。", f"{what} is required", field="note")
    if len(text) > MAX_NOTE:
        raise BadInput(f"{what}不能超过 {MAX_NOTE} 个字。", f"{what} longer than {MAX_NOTE}", field="note")
    return text


def act(
    tracking: str,
    action: str,
    officer: str,
    calendar: WorkCalendar,
    now: datetime,
    *,
    note: str = "",
    outcome: str = "",
) -> IntakeApplication:
    """Carry out one action (see ALLOWED); refuses an action the current status does not allow."""
    if action not in ALLOWED:
        raise BadInput("未知的操作。", f"unknown action {action!r}", field="action")
    app = _get(tracking)
    if app.status not in ALLOWED[action]:
        raise BadInput(
            f"当前状态（{statuses.label_zh(app.status)}）不能{ACTION_ZH[action]}。",
            f"action {action} not allowed in status {app.status}",
            field="action",
        )
    today = now.date()
    changes: dict[str, Any] = {}
    chosen = None
    if action == "accept":
        status, shown = "accepted", _note(note, "说明", required=False)
    elif action == "correct":
        # Art. 30: the notice says what to add and by when; the 20 days stop until it comes.
        status, shown = "needs_correction", _note(note, "需要补正的内容", required=True)
        if today > _day(app.correction_due or app.due):
            log.warning("correction for %s asked after the 7 working days of Art. 30", app.tracking)
    elif action == "corrected":
        # The resident's correction restarts the 20 working days from the day it arrived.
        due, _ = calendar.add_working_days(today, ANSWER_DAYS)
        extended, _ = calendar.add_working_days(today, ANSWER_DAYS + EXTENSION_DAYS)
        changes = {"due": due, "extended_due": extended}
        status = "accepted"
        shown = f"已收到补正材料，答复期限重新计算至 {due.isoformat()}。"
    elif action == "extend":
        reason = _note(note, "延期理由", required=True)
        changes = {"due": app.extended_due}
        status = "extended"
        shown = f"经批准，答复期限延长至 {_day(app.extended_due).isoformat()}。延期理由：{reason}"
    elif action == "answer":
        if outcome not in OUTCOME_KEYS:
            raise BadInput("请选择答复类型。", f"unknown outcome {outcome!r}", field="outcome")
        chosen = outcome
        extra = _note(note, "答复说明", required=False)
        status, shown = "answered", f"已答复：{outcome_label(outcome)}" + (f"。{extra}" if extra else "")
    else:
        status, shown = "withdrawn", _note(note, "说明", required=False) or "申请人已撤回申请。"
    updated = intake.set_status(app.tracking, status, shown, officer=officer, outcome=chosen, changes=changes, at=now)
    audit(officer, action, app.tracking, chosen or status, now)
    return updated
