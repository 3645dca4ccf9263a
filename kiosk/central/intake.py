"""The central office's side of applications: terminals and their tokens, exactly-once intake
(idempotency keys), status changes the terminals fetch back. Used by the web service and the CLI."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from peewee import IntegrityError, fn

from kiosk.applications import statuses
from kiosk.applications.masking import mask_id, mask_name, mask_phone, mask_text
from kiosk.applications.tracking import is_valid_tracking
from kiosk.applications.validation import FieldError, validate_application
from kiosk.central.intake_models import IntakeApplication, StatusChange, Terminal, intake_database
from kiosk.errors import BadInput, NotFound

log = logging.getLogger(__name__)

MAX_TERMINAL_NUMBER = 8999  # 9000-9999 are what terminals without a central token number themselves
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
ENVELOPE = ("tracking", "received_at", "due", "extended_due", "calendar_complete", "application")
MAX_STATUS_QUERY = 500


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- terminals


def add_terminal(name: str) -> tuple[Terminal, str]:
    """Register a terminal; returns it and its token (shown once, only its hash is kept)."""
    name = name.strip()
    if not re.fullmatch(r"[\w.\-\u4e00-\u9fff]{1,64}", name):
        raise BadInput(
            "终端名称只能包含字母、数字、汉字、点、横线和下划线（最多64个字符）。", f"bad terminal name {name!r}"
        )
    for _ in range(5):  # two clerks adding terminals at once may race for the next number
        try:
            with intake_database.atomic():
                if Terminal.get_or_none(Terminal.name == name) is not None:
                    raise BadInput(f"终端“{name}”已存在。", f"terminal {name!r} already exists", field="name")
                number = (Terminal.select(fn.MAX(Terminal.number)).scalar() or 0) + 1
                if number > MAX_TERMINAL_NUMBER:
                    raise BadInput("终端数量已达上限。", "no terminal numbers left")
                token = f"{number:04d}-{secrets.token_urlsafe(32)}"
                terminal = Terminal.create(number=number, name=name, token_hash=hash_token(token), created_at=_now())
                return terminal, token
        except IntegrityError:
            continue
    raise BadInput("无法登记终端，请重试。", "terminal number race lost five times")


def list_terminals() -> list[dict[str, Any]]:
    rows = []
    for t in Terminal.select().order_by(Terminal.number):
        count = IntakeApplication.select().where(IntakeApplication.terminal == t.id).count()
        rows.append(
            {
                "name": t.name,
                "number": t.number,
                "created_at": t.created_at,
                "revoked": t.revoked_at is not None,
                "applications": count,
            }
        )
    return rows


def revoke_terminal(name: str) -> None:
    updated = Terminal.update(revoked_at=_now()).where(Terminal.name == name).execute()
    if not updated:
        raise NotFound(f"没有名为“{name}”的终端。", f"no terminal {name!r}")


def terminal_for_token(token: str) -> Terminal | None:
    if not token:
        return None
    terminal = Terminal.get_or_none(Terminal.token_hash == hash_token(token))
    if terminal is None or terminal.revoked_at is not None:
        return None
    return terminal


# ---------------------------------------------------------------- intake


@dataclass
class Refusal(Exception):
    """Why a request is refused: an HTTP status, a code, the two messages and per-field errors."""

    status: int
    code: str
    message_zh: str
    message_en: str
    errors: list[FieldError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "error": {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}
        }
        if self.errors:
            data["errors"] = [e.to_dict() for e in self.errors]
        return data


def _envelope_errors(body: Any) -> list[FieldError]:
    if not isinstance(body, dict):
        return [FieldError("body", "bad_type", "请求格式不正确。", "body must be a JSON object")]
    errors = []
    for key in body:
        if key not in ENVELOPE and key != "terminal_id":
            errors.append(FieldError(key, "unknown_field", "未知的项目。", "unknown field"))
    for key in ENVELOPE:
        if key not in body:
            errors.append(FieldError(key, "required", "缺少此项。", "required"))
    if "tracking" in body and not (isinstance(body["tracking"], str) and is_valid_tracking(body["tracking"])):
        errors.append(FieldError("tracking", "bad_format", "查询号无效。", "tracking number malformed"))
    if "received_at" in body and not _is_datetime(body["received_at"]):
        errors.append(FieldError("received_at", "bad_format", "收到时间无效。", "received_at must be ISO 8601"))
    for key in ("due", "extended_due"):
        if key in body and not _is_date(body[key]):
            errors.append(FieldError(key, "bad_format", "日期无效。", f"{key} must be YYYY-MM-DD"))
    if "calendar_complete" in body and not isinstance(body["calendar_complete"], bool):
        errors.append(FieldError("calendar_complete", "bad_type", "应为真或假。", "must be a boolean"))
    return errors


def _is_datetime(value: Any) -> bool:
    try:
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _is_date(value: Any) -> bool:
    try:
        return isinstance(value, str) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def record_application(
    terminal: Terminal, idempotency_key: str, body: Any, *, today: date | None = None
) -> tuple[IntakeApplication, bool]:
    """Store an application exactly once. A retry with the same key returns the stored one
    (created=False); anything else that would make two applications of one is refused."""
    if not IDEMPOTENCY_KEY.fullmatch(idempotency_key or ""):
        raise Refusal(400, "idempotency_key", "缺少有效的幂等键。", "Idempotency-Key header missing or malformed")
    errors = _envelope_errors(body)
    cleaned: dict[str, Any] = {}
    if not errors:
        raw = body["application"]
        if isinstance(raw, dict):
            cleaned, field_errors = validate_application(raw, today=today or date.today())
            errors += [FieldError(f"application.{e.field}", e.code, e.message_zh, e.message_en) for e in field_errors]
        else:
            errors.append(FieldError("application", "bad_type", "申请表格式不正确。", "must be a JSON object"))
    if errors:
        raise Refusal(422, "invalid", "申请内容未通过校验。", "application failed validation", errors)

    existing = _by_key(terminal, idempotency_key)
    if existing is not None:
        return _same_or_refuse(existing, body["tracking"]), False
    now = _now()
    try:
        with intake_database.atomic():
            app = IntakeApplication.create(
                tracking=body["tracking"],
                terminal=terminal.id,
                idempotency_key=idempotency_key,
                received_at=body["received_at"],
                due=date.fromisoformat(body["due"]),
                extended_due=date.fromisoformat(body["extended_due"]),
                calendar_complete=body["calendar_complete"],
                applicant_type=cleaned["applicant_type"],
                id_type=cleaned["id_type"],
                delivery_form=cleaned["delivery_form"],
                delivery_way=cleaned["delivery_way"],
                data=json.dumps(cleaned, ensure_ascii=False, sort_keys=True),
                status=statuses.RECEIVED,
                status_at=now,
                created_at=now,
            )
            StatusChange.create(application=app.id, status=statuses.RECEIVED, note=None, at=now)
    except IntegrityError:
        # A concurrent retry with the same key won the race, or the tracking number is taken.
        existing = _by_key(terminal, idempotency_key)
        if existing is not None:
            return _same_or_refuse(existing, body["tracking"]), False
        raise Refusal(
            409,
            "tracking_taken",
            "该查询号已被另一份申请使用。",
            f"tracking {body['tracking']} already belongs to another application",
        ) from None
    log.info("application %s received from terminal %s", app.tracking, terminal.name)
    return app, True


def _by_key(terminal: Terminal, key: str) -> IntakeApplication | None:
    return IntakeApplication.get_or_none(
        (IntakeApplication.terminal == terminal.id) & (IntakeApplication.idempotency_key == key)
    )


def _same_or_refuse(app: IntakeApplication, tracking: str) -> IntakeApplication:
    if app.tracking != tracking:
        raise Refusal(422, "key_reused", "幂等键已用于另一份申请。", f"idempotency key already used for {app.tracking}")
    return app


# ---------------------------------------------------------------- status


def set_status(tracking: str, status: str, note: str | None = None) -> IntakeApplication:
    if status not in statuses.CENTRAL_STATUSES:
        raise BadInput(
            f"状态只能是 {'、'.join(statuses.CENTRAL_STATUSES)}。", f"unknown status {status!r}", field="status"
        )
    now = _now()
    with intake_database.atomic():
        app = IntakeApplication.get_or_none(IntakeApplication.tracking == tracking.replace("-", ""))
        if app is None:
            raise NotFound(f"没有查询号为 {tracking} 的申请。", f"no application {tracking}")
        note = (note or "").strip() or None
        IntakeApplication.update(status=status, status_note=note, status_at=now).where(
            IntakeApplication.id == app.id
        ).execute()
        StatusChange.create(application=app.id, status=status, note=note, at=now)
    log.info("application %s set to %s", app.tracking, status)
    return IntakeApplication.get_by_id(app.id)


def statuses_for(terminal: Terminal, trackings: Any) -> list[dict[str, Any]]:
    """Current status of the given applications, only those this terminal handed in."""
    if not isinstance(trackings, list) or not all(isinstance(t, str) for t in trackings):
        raise Refusal(400, "invalid", "请求格式不正确。", "tracking must be a list of strings")
    if len(trackings) > MAX_STATUS_QUERY:
        raise Refusal(413, "too_many", "一次查询的申请过多。", f"at most {MAX_STATUS_QUERY} per request")
    if not trackings:
        return []
    query = IntakeApplication.select().where(
        (IntakeApplication.terminal == terminal.id) & IntakeApplication.tracking.in_(trackings)
    )
    return [{"tracking": a.tracking, "status": a.status, "note": a.status_note, "at": a.status_at} for a in query]


# ---------------------------------------------------------------- listing


def application_row(app: IntakeApplication, *, full: bool = False) -> dict[str, Any]:
    data = json.loads(app.data)
    is_org = data["applicant_type"] == "organization"
    row = {
        "tracking": app.tracking,
        "terminal": app.terminal.name,
        "received_at": app.received_at,
        "due": app.due.isoformat() if hasattr(app.due, "isoformat") else app.due,
        "extended_due": app.extended_due.isoformat() if hasattr(app.extended_due, "isoformat") else app.extended_due,
        "calendar_complete": bool(app.calendar_complete),
        "status": app.status,
        "status_zh": statuses.label_zh(app.status),
        "status_note": app.status_note,
        "status_at": app.status_at,
        "applicant_type": app.applicant_type,
        "applicant_masked": data["name"] if is_org else mask_name(data["name"]),
        "id_masked": mask_id(data["id_number"]),
        "contact_masked": mask_phone(data["phone"]),
        "description": mask_text(data["description"], 200),
        "delivery_form": app.delivery_form,
        "delivery_way": app.delivery_way,
    }
    if full:
        row["application"] = data
    return row


def list_applications(
    *, status: str | None = None, limit: int | None = None, full: bool = False
) -> list[dict[str, Any]]:
    query = (
        IntakeApplication.select(IntakeApplication, Terminal)
        .join(Terminal)
        .order_by(IntakeApplication.received_at, IntakeApplication.tracking)
    )
    if status:
        query = query.where(IntakeApplication.status == status)
    if limit:
        query = query.limit(limit)
    return [application_row(app, full=full) for app in query]
