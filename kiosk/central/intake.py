"""The central office's side of applications: terminals and their tokens, exactly-once intake
(idempotency keys), status changes the terminals fetch back. Used by the web service and the CLI.

Central believes a terminal only what it can check: a tracking number must be in the sending
terminal's own range and of a plausible day by central's clock, the time of receipt is bounded by
that clock, and the statutory deadlines are counted here from the office's own calendar."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from peewee import IntegrityError, SqliteDatabase, fn

from kiosk.applications import channels, statuses
from kiosk.applications.tracking import is_valid_tracking, normalize_tracking, parse_tracking
from kiosk.applications.validation import FieldError, validate_application
from kiosk.central.intake_models import IntakeApplication, StatusChange, Terminal, intake_database
from kiosk.central.intake_sealing import current_sealer, personal_data, seal_fields
from kiosk.errors import BadInput, NotFound
from kiosk.workdays import WorkCalendar, parse_signed_calendar

log = logging.getLogger(__name__)

MAX_TERMINAL_NUMBER = 8999  # 9000-9999 are what terminals without a central token number themselves
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
ENVELOPE = ("tracking", "received_at", "application")
# What terminals also send, from their own calendar; central counts deadlines itself and ignores these.
TERMINAL_OPINIONS = ("terminal_id", "due", "extended_due", "calendar_complete")
# Optional: how the application was received (kiosk.applications.channels); terminals of earlier
# releases and kiosk applications leave it out, which means the kiosk.
OPTIONAL = ("channel",)
MAX_STATUS_QUERY = 500
WITHDRAWN_OUTCOME = "三(六)3"  # a withdrawn application ends as 其他处理 / 其他 in the annual report
# A terminal's clock may run a little fast (no NTP in some halls): a received_at up to this far
# ahead of central is taken as central's own time; further ahead, the tracking number the resident
# holds carries a day that has not come yet, which central cannot rewrite, so it is refused.
CLOCK_SKEW = timedelta(minutes=10)
# How old a day of receipt central still takes. A terminal offline for weeks delivers its backlog
# late, and that must get through; but the extended deadline (40 working days) is about two months,
# so an application older than ~a quarter could not be answered in time under any extension and a
# terminal silent that long shows on the fleet page: such a number is a wrong clock (a dead RTC
# battery reads 2001) or a forged one. It is held on the terminal for a clerk, not lost.
MAX_BACKLOG = timedelta(days=92)
# Nothing in an application nests deeper than envelope → application → value; deeper is hostile.
MAX_JSON_DEPTH = 8


# SQLite has one writer at a time; threads that find the lock taken poll it with growing sleeps
# (up to 100 ms each), which makes the tail of the latency long. Queuing this process's writers
# on a lock of its own hands the database over at once. PostgreSQL needs no such thing.
_sqlite_writer = threading.Lock()


@contextmanager
def writing() -> Iterator[None]:
    """One write transaction: IMMEDIATE and queued in-process on SQLite, plain on PostgreSQL."""
    if isinstance(intake_database.obj, SqliteDatabase):
        with _sqlite_writer, intake_database.atomic("IMMEDIATE"):
            yield
    else:
        with intake_database.atomic():
            yield


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load_office_calendar(path: Path | None) -> WorkCalendar:
    """The office's working-day calendar (the file `kiosk central publish --calendar` signs into the
    feed), so central counts the same deadlines the terminals show; without one, the
    chinese-calendar package and then weekends alone (marked incomplete)."""
    if path is None:
        return WorkCalendar()
    try:
        return WorkCalendar(signed=parse_signed_calendar(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise BadInput(
            f"无法读取工作日历文件 {path}。", f"cannot read calendar {path}: {exc}", field="calendar"
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise BadInput(
            f"工作日历文件 {path} 格式错误。", f"calendar {path} is invalid: {exc}", field="calendar"
        ) from exc


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
            with writing():
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


def parse_body(raw: bytes) -> Any:
    """A request body as JSON, or a 400 naming what is wrong. Python's parser recurses per level of
    nesting and raises RecursionError on deep input; text central cannot store (lone surrogates,
    NUL, which PostgreSQL refuses) is turned away here rather than failing inside the database."""
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise Refusal(400, "too_deep", "请求的嵌套层次过多。", "JSON nested too deep to parse") from None
    except ValueError:  # also UnicodeDecodeError, and integers of more than 4,300 digits
        raise Refusal(400, "bad_json", "请求不是有效的 JSON。", "body is not valid JSON") from None
    _check_tree(body)
    return body


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_tree(body: Any) -> None:
    """Depth and text of every value, without recursion (the input decides the depth)."""
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Refusal(400, "too_deep", "请求的嵌套层次过多。", f"JSON nested deeper than {MAX_JSON_DEPTH}")
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Refusal(400, "bad_text", "请求含有无法识别的字符。", "text holds a lone surrogate") from None
    if "\x00" in text:
        raise Refusal(400, "bad_text", "请求含有无法识别的字符。", "text holds a NUL character")


def _envelope_errors(body: Any) -> list[FieldError]:
    if not isinstance(body, dict):
        return [FieldError("body", "bad_type", "请求格式不正确。", "body must be a JSON object")]
    errors = []
    for key in body:
        if key not in ENVELOPE and key not in TERMINAL_OPINIONS and key not in OPTIONAL:
            errors.append(FieldError(key, "unknown_field", "未知的项目。", "unknown field"))
    for key in ENVELOPE:
        if key not in body:
            errors.append(FieldError(key, "required", "缺少此项。", "required"))
    if "tracking" in body and not (isinstance(body["tracking"], str) and parse_tracking(body["tracking"])):
        errors.append(FieldError("tracking", "bad_format", "查询号无效。", "tracking number malformed"))
    if "received_at" in body and _datetime(body["received_at"]) is None:
        errors.append(FieldError("received_at", "bad_format", "收到时间无效。", "received_at must be ISO 8601"))
    if "channel" in body and body["channel"] not in channels.CHANNELS:
        errors.append(
            FieldError(
                "channel", "bad_choice", "申请渠道无效。", f"channel must be one of {', '.join(channels.CHANNELS)}"
            )
        )
    return errors


def _datetime(value: Any) -> datetime | None:
    """An ISO 8601 time with its offset (a time without one names no moment), else None."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _untrusted(code: str, zh: str, en: str, field_name: str) -> Refusal:
    return Refusal(422, code, zh, en, [FieldError(field_name, code, zh, en)])


def check_claims(terminal_number: int, tracking: str, received_at: str, now: datetime) -> datetime:
    """What a terminal says about an application, checked against what central knows: the number
    must be in this terminal's range and of a plausible day, the time of receipt not after central's
    clock. Returns the time of receipt to store (clamped to `now` within CLOCK_SKEW)."""
    parts = parse_tracking(tracking)
    received = _datetime(received_at)
    if parts is None or received is None:
        raise _untrusted("invalid", "查询号或收到时间无效。", "tracking or received_at malformed", "tracking")
    if parts.terminal != f"{terminal_number:04d}":
        raise _untrusted(
            "tracking_range",
            "查询号不属于本终端的号段。",
            f"tracking {tracking} is numbered by terminal {parts.terminal}, not {terminal_number:04d}",
            "tracking",
        )
    if received > now + CLOCK_SKEW:
        raise _untrusted(
            "received_in_future",
            "收到时间晚于中心时间，请校准终端时钟。",
            f"received_at {received_at} is ahead of central's clock {now.isoformat(timespec='seconds')}",
            "received_at",
        )
    if parts.day != received.date():
        raise _untrusted(
            "tracking_day",
            "查询号中的日期与收到时间不符。",
            f"tracking {tracking} is dated {parts.day}, received_at {received_at}",
            "tracking",
        )
    if received < now - MAX_BACKLOG:
        raise _untrusted(
            "tracking_day",
            "收到时间过早，请核对终端时钟。",
            f"received_at {received_at} is more than {MAX_BACKLOG.days} days before central's clock",
            "received_at",
        )
    return min(received, now.astimezone(received.tzinfo))


def record_application(
    terminal: Terminal,
    idempotency_key: str,
    body: Any,
    *,
    now: datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> tuple[IntakeApplication, bool]:
    """Store an application exactly once. A retry with the same key returns the stored one
    (created=False); anything else that would make two applications of one is refused, and so is
    anything a terminal says that central can check and finds wrong (see check_claims)."""
    now = now or datetime.now().astimezone()
    if not IDEMPOTENCY_KEY.fullmatch(idempotency_key or ""):
        raise Refusal(400, "idempotency_key", "缺少有效的幂等键。", "Idempotency-Key header missing or malformed")
    errors = _envelope_errors(body)
    cleaned: dict[str, Any] = {}
    if not errors:
        raw = body["application"]
        if isinstance(raw, dict):
            if raw.get("applicant_type") == "organization" and "organization_kind" not in raw:
                # A terminal of an earlier release did not ask; the annual report counts it as 其他.
                raw = raw | {"organization_kind": "other"}
            cleaned, field_errors = validate_application(raw, today=now.date())
            errors += [FieldError(f"application.{e.field}", e.code, e.message_zh, e.message_en) for e in field_errors]
        else:
            errors.append(FieldError("application", "bad_type", "申请表格式不正确。", "must be a JSON object"))
    if errors:
        raise Refusal(422, "invalid", "申请内容未通过校验。", "application failed validation", errors)
    tracking = normalize_tracking(body["tracking"])

    # A retry gets what was stored, even once its day has left the window it was first checked in.
    existing = _by_key(terminal, idempotency_key) or _by_key_and_tracking(idempotency_key, tracking)
    if existing is not None:
        return _same_or_refuse(existing, tracking), False
    received = check_claims(terminal.number, tracking, body["received_at"], now)
    day_of_receipt = received.astimezone(now.tzinfo).date()
    deadlines = (calendar or WorkCalendar()).deadlines(day_of_receipt)
    stamp = now.isoformat(timespec="seconds")
    sealed = seal_fields(cleaned, tracking, current_sealer())
    try:
        with writing():
            app = IntakeApplication.create(
                tracking=tracking,
                terminal=terminal.id,
                idempotency_key=idempotency_key,
                received_at=received.isoformat(timespec="seconds"),
                due=deadlines.due,
                extended_due=deadlines.extended_due,
                correction_due=deadlines.correction_due,
                calendar_complete=deadlines.calendar_complete,
                applicant_type=cleaned["applicant_type"],
                organization_kind=cleaned.get("organization_kind", ""),
                id_type=cleaned["id_type"],
                delivery_form=cleaned["delivery_form"],
                delivery_way=cleaned["delivery_way"],
                channel=body.get("channel", channels.KIOSK),
                **sealed,
                status=statuses.RECEIVED,
                status_at=stamp,
                created_at=stamp,
            )
            StatusChange.create(application=app.id, status=statuses.RECEIVED, note=None, at=stamp)
    except IntegrityError:
        # A concurrent retry with the same key won the race, or the tracking number is taken.
        existing = _by_key(terminal, idempotency_key) or _by_key_and_tracking(idempotency_key, tracking)
        if existing is not None:
            return _same_or_refuse(existing, tracking), False
        raise Refusal(
            409,
            "tracking_taken",
            "该查询号已被另一份申请使用。",
            f"tracking {tracking} already belongs to another application",
        ) from None
    log.info("application %s received from terminal %s", app.tracking, terminal.name)
    return app, True


def _by_key(terminal: Terminal, key: str) -> IntakeApplication | None:
    return IntakeApplication.get_or_none(
        (IntakeApplication.terminal == terminal.id) & (IntakeApplication.idempotency_key == key)
    )


def _by_key_and_tracking(key: str, tracking: str) -> IntakeApplication | None:
    """This very application sent under an earlier token of a re-registered terminal: keys are
    random UUIDs, so key and tracking together are the application."""
    return IntakeApplication.get_or_none(
        (IntakeApplication.idempotency_key == key) & (IntakeApplication.tracking == tracking)
    )


def _same_or_refuse(app: IntakeApplication, tracking: str) -> IntakeApplication:
    if app.tracking != tracking:
        raise Refusal(422, "key_reused", "幂等键已用于另一份申请。", f"idempotency key already used for {app.tracking}")
    return app


def keep_matches(app: IntakeApplication, precheck: Any) -> None:
    """Keep the catalog documents an application's description matches (ids and titles only), for
    the console's page and its list of frequent topics. Runs while the description is still at hand;
    a failing lookup costs the topics, never the application."""
    try:
        description = personal_data(app)["description"]
        found = precheck(description, json.loads(app.data).get("doc_number", ""))
    except Exception:  # the catalog is a nice-to-have here: log it, keep the application
        log.exception("precheck for %s failed", app.tracking)
        return
    data = json.loads(app.data)
    data["matches"] = [{"id": m["id"], "title": m["title"], "doc_number": m.get("doc_number")} for m in found]
    IntakeApplication.update(data=json.dumps(data, ensure_ascii=False, sort_keys=True)).where(
        IntakeApplication.id == app.id
    ).execute()


# ---------------------------------------------------------------- status


def set_status(
    tracking: str,
    status: str,
    note: str | None = None,
    *,
    officer: str | None = None,
    outcome: str | None = None,
    changes: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> IntakeApplication:
    """Record a status (the terminal's status lookup fetches it back) and keep it in the history.
    `changes`: further columns the same transaction updates (new due date, outcome, closed_at)."""
    if status not in statuses.CENTRAL_STATUSES:
        raise BadInput(
            f"状态只能是 {'、'.join(statuses.CENTRAL_STATUSES)}。", f"unknown status {status!r}", field="status"
        )
    now = at.isoformat(timespec="seconds") if at else _now()
    with writing():
        app = IntakeApplication.get_or_none(IntakeApplication.tracking == tracking.replace("-", ""))
        if app is None:
            raise NotFound(f"没有查询号为 {tracking} 的申请。", f"no application {tracking}")
        note = (note or "").strip() or None
        columns: dict[str, Any] = {"status": status, "status_note": note, "status_at": now}
        if status in statuses.FINAL_STATUSES and app.closed_at is None:
            columns["closed_at"] = now  # the year it counts under 三 in the annual report
            columns["outcome"] = outcome or app.outcome or (WITHDRAWN_OUTCOME if status == "withdrawn" else None)
        IntakeApplication.update(**columns, **(changes or {})).where(IntakeApplication.id == app.id).execute()
        StatusChange.create(
            application=app.id, status=status, note=note, at=now, officer=officer, outcome=columns.get("outcome")
        )
    log.info("application %s set to %s", app.tracking, status)
    return IntakeApplication.get_by_id(app.id)


def statuses_for(terminal: Terminal, trackings: Any) -> list[dict[str, Any]]:
    """Current status of the given applications, only those this terminal handed in."""
    if not isinstance(trackings, list) or not all(isinstance(t, str) for t in trackings):
        raise Refusal(400, "invalid", "请求格式不正确。", "tracking must be a list of strings")
    if len(trackings) > MAX_STATUS_QUERY:
        raise Refusal(413, "too_many", "一次查询的申请过多。", f"at most {MAX_STATUS_QUERY} per request")
    # Only well-formed numbers reach the database: anything else names no application anyway.
    trackings = [t for t in (normalize_tracking(t) for t in trackings) if is_valid_tracking(t)]
    if not trackings:
        return []
    query = IntakeApplication.select().where(
        (IntakeApplication.terminal == terminal.id) & IntakeApplication.tracking.in_(trackings)
    )
    return [{"tracking": a.tracking, "status": a.status, "note": a.status_note, "at": a.status_at} for a in query]


# ---------------------------------------------------------------- listing


def application_row(app: IntakeApplication, *, full: bool = False) -> dict[str, Any]:
    """An application as lists show it: personal data masked; `full` adds the unsealed application
    (None once purged)."""
    data = json.loads(app.data)
    shown = data["masked"]
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
        "applicant_masked": shown["applicant"],
        "organization_kind": app.organization_kind,
        "id_masked": shown["id_number"],
        "contact_masked": shown["phone"],
        "description": shown["description"],
        "delivery_form": app.delivery_form,
        "delivery_way": app.delivery_way,
        "channel": app.channel,
        "channel_zh": channels.label_zh(app.channel),
        "outcome": app.outcome,
        "closed_at": app.closed_at,
        "purged": app.sealed is None,
    }
    if full:
        row["application"] = personal_data(app)
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
