"""Applications on the terminal: submit (validated, sealed, fsync'd before any receipt), look up,
show masked, and purge personal data once central has it and the retention time has passed."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from kiosk.applications import channels, statuses
from kiosk.applications.applications_db import open_applications
from kiosk.applications.deadlines import deadlines_for
from kiosk.applications.masking import mask_address, mask_email, mask_id, mask_name, mask_phone, mask_text
from kiosk.applications.models import Application, Outbox, database
from kiosk.applications.regions import load_regions
from kiosk.applications.sealing import Sealer, load_key
from kiosk.applications.tracking import (
    format_tracking,
    is_valid_tracking,
    make_tracking,
    normalize_tracking,
    terminal_number,
)
from kiosk.applications.validation import FieldError, describe_choice, validate_application
from kiosk.environment import Env
from kiosk.errors import BadInput, NotFound, StorageError
from kiosk.update.layout import fsync_dir
from kiosk.usage import count_application

log = logging.getLogger(__name__)

PURGED_ZH = "（已清除）"
UNREADABLE_ZH = "（无法读取）"


class InvalidApplication(BadInput):
    """The application has errors; `errors` names every field, the message the first one."""

    def __init__(self, errors: list[FieldError]) -> None:
        first = errors[0]
        more = f"（共{len(errors)}处需要修改）" if len(errors) > 1 else ""
        super().__init__(
            first.message_zh + more,
            f"application invalid: {', '.join(f'{e.field}:{e.code}' for e in errors)}",
            field=first.field,
        )
        self.errors = errors

    def to_dict(self) -> dict:
        return {**super().to_dict(), "errors": [e.to_dict() for e in self.errors]}


MAX_APPLICATION_BYTES = 256 * 1024  # one application is a few KB (description ≤ 2,000 characters)


def parse_application(data: bytes, name: str = "application") -> Any:
    """An application file's JSON (UTF-8 with or without a BOM, or GB18030 as Windows tools save it);
    BadInput, never a traceback, for anything else."""
    if len(data) > MAX_APPLICATION_BYTES:
        raise BadInput(
            f"申请文件过大（超过 {MAX_APPLICATION_BYTES // 1024} KB），请检查是否选错了文件。",
            f"{name} is larger than {MAX_APPLICATION_BYTES} bytes",
        )
    from kiosk.importer.textutil import decode_bytes  # the importer package is heavy; only files need it

    text = decode_bytes(data)
    if text is None:
        raise BadInput("申请文件不是有效的 JSON（无法识别的文字编码）。", f"{name} is neither UTF-8 nor GB18030")
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise BadInput(
            "申请文件不是有效的申请表：嵌套层数过多。", f"{name} is nested too deeply to be an application"
        ) from exc
    except ValueError as exc:
        raise BadInput("申请文件不是有效的 JSON。", f"{name} is not valid JSON: {exc}") from exc


def check_application(env: Env, raw: Any) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate a whole application as the CLI or central receives it (a JSON object)."""
    if not isinstance(raw, dict):
        error = FieldError("application", "bad_type", "申请表格式不正确。", "application must be a JSON object")
        return {}, [error]
    return validate_application(raw, today=env.now().date(), regions=load_regions(env))


def sealer_for(env: Env, *, create: bool = False) -> Sealer | None:
    key = load_key(env.keys_dir, create=create)
    return Sealer(key) if key is not None else None


def submit_application(env: Env, raw: Any, *, channel: str = channels.KIOSK) -> Application:
    """Store a valid application and queue it for central. Returns only once it is on disk for good.
    `channel` paper: handed in on paper and entered by a clerk (staff mode)."""
    if channel not in channels.CHANNELS:
        raise BadInput("申请渠道无效。", f"unknown channel {channel!r}", field="channel")
    cleaned, errors = check_application(env, raw)
    if errors:
        raise InvalidApplication(errors)
    now = env.now()
    deadlines = deadlines_for(env, now.date())
    sealer = sealer_for(env, create=True)
    assert sealer is not None
    db = open_applications(env)
    terminal_no = terminal_number(env.config.terminal_token, env.terminal_id)
    with db.atomic("IMMEDIATE"):  # the write lock first, so two submits never take the same number
        last = (
            Application.select(fn.MAX(Application.sequence))
            .where((Application.received_on == now.date()) & (Application.terminal_no == terminal_no))
            .scalar()
        )
        sequence = (last or 0) + 1
        if sequence > 9999:
            raise StorageError("今日本终端受理数量已达上限，请到窗口办理。", "tracking sequence exhausted today")
        tracking = make_tracking(now.date(), terminal_no, sequence)
        app = Application.create(
            tracking=tracking,
            idempotency_key=uuid.uuid4().hex,
            terminal_id=env.terminal_id,
            terminal_no=terminal_no,
            received_on=now.date(),
            sequence=sequence,
            received_at=now.isoformat(timespec="seconds"),
            due=deadlines.due,
            extended_due=deadlines.extended_due,
            correction_due=deadlines.correction_due,
            calendar_complete=deadlines.calendar_complete,
            applicant_type=cleaned["applicant_type"],
            id_type=cleaned["id_type"],
            delivery_form=cleaned["delivery_form"],
            delivery_way=cleaned["delivery_way"],
            key_id=sealer.key_id,
            sealed=sealer.seal(cleaned, tracking),
            status=statuses.PENDING,
            channel=channel,
        )
        Outbox.create(application=tracking)
    # SQLite fsync'd the WAL at commit (synchronous=full); a WAL file created just now also needs
    # its directory entry on disk, or a power cut could take the whole file with it.
    fsync_dir(env.applications_db.parent)
    log.info("application %s (%s) stored and queued for central", tracking, channel)
    count_application(env)
    return app


def get_application(env: Env, tracking: str) -> Application:
    open_applications(env)
    digits = normalize_tracking(tracking)
    if not is_valid_tracking(digits):
        raise BadInput(
            "查询号有误，请核对后重新输入（共14位数字）。",
            "tracking number malformed or check digit wrong",
            field="tracking",
        )
    app = Application.get_or_none(Application.tracking == digits)
    if app is None:
        raise NotFound("本终端没有这个查询号的申请，请核对后重新输入。", f"no application {digits} on this terminal")
    return app


def list_applications(env: Env, *, limit: int | None = None) -> list[Application]:
    open_applications(env)
    query = Application.select().order_by(Application.received_at.desc(), Application.tracking.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(query)


def personal_data(env: Env, app: Application, sealer: Sealer | None = None) -> dict[str, Any] | None:
    """The unsealed application, or None once purged."""
    if app.sealed is None:
        return None
    sealer = sealer or sealer_for(env)
    if sealer is None or sealer.key_id != app.key_id:
        raise StorageError(
            "申请记录的加密密钥不在本机，无法读取，请联系工作人员。", f"key {app.key_id} of {app.tracking} is missing"
        )
    return sealer.open(app.sealed, app.tracking)


def masked_view(env: Env, app: Application, sealer: Sealer | None = None) -> dict[str, Any]:
    """Everything a screen, a receipt or `applications list` may show: personal fields masked."""
    try:
        data = personal_data(env, app, sealer)
        unreadable = False
    except StorageError:  # key lost: the row stays listable, its personal data does not
        data, unreadable = None, True
    if data is None:
        applicant = id_masked = contact = description = UNREADABLE_ZH if unreadable else PURGED_ZH
        contact_person = email = address = ""
    else:
        is_org = data["applicant_type"] == "organization"
        applicant = data["name"] if is_org else mask_name(data["name"])  # organisations are not personal data
        id_masked = mask_id(data["id_number"])
        contact = mask_phone(data["phone"])
        contact_person = mask_name(data.get("contact_person", ""))
        email = mask_email(data.get("email", "")) if data.get("email") else ""
        address = mask_address(data.get("address", "")) if data.get("address") else ""
        names = (
            [data.get("name", ""), data.get("contact_person", "")] if not is_org else [data.get("contact_person", "")]
        )
        description = mask_text(data["description"], 200, names=names)
    return {
        "tracking": app.tracking,
        "tracking_display": format_tracking(app.tracking),
        "received": app.received_at,
        "due": app.due.isoformat(),
        "extended_due": app.extended_due.isoformat(),
        "calendar_complete": app.calendar_complete,
        "applicant_type": app.applicant_type,
        "applicant_masked": applicant,
        "contact_person_masked": contact_person,
        "id_type": app.id_type,
        "id_masked": id_masked,
        "contact_masked": contact,
        "email_masked": email,
        "address_masked": address,
        "description": description,
        "delivery_form": app.delivery_form,
        "delivery_way": app.delivery_way,
        "status": app.status,
        "status_zh": statuses.label_zh(app.status),
        "status_note": app.status_note,
        "status_at": app.status_at,
        "purged": app.sealed is None,
        "channel": app.channel,
        "channel_zh": channels.label_zh(app.channel),
    }


def status_view(app: Application) -> dict[str, Any]:
    """What `applications status` shows: no personal data at all, so no key is needed."""
    outbox = Outbox.get_or_none(Outbox.application == app.tracking)
    return {
        "tracking": app.tracking,
        "tracking_display": format_tracking(app.tracking),
        "received": app.received_at,
        "due": app.due.isoformat(),
        "extended_due": app.extended_due.isoformat(),
        "calendar_complete": app.calendar_complete,
        "status": app.status,
        "status_zh": statuses.label_zh(app.status),
        "status_note": app.status_note,
        "status_at": app.status_at,
        "delivery": outbox.state if outbox else None,
        "delivery_attempts": outbox.attempts if outbox else 0,
        "confirmed_at": app.confirmed_at,
        "purged": app.sealed is None,
        "delivery_form": describe_choice(app.delivery_form),
        "delivery_way": describe_choice(app.delivery_way),
    }


def purge_expired(env: Env) -> int:
    """Drop the personal data of applications central confirmed more than `retention_days` ago."""
    db = open_applications(env)
    cutoff = env.now() - timedelta(days=int(env.config.retention_days))
    candidates = Application.select().where(Application.confirmed_at.is_null(False) & Application.sealed.is_null(False))
    due = [app.tracking for app in candidates if datetime.fromisoformat(app.confirmed_at) <= cutoff]
    if not due:
        return 0
    with db.atomic("IMMEDIATE"):
        count = (
            Application.update(sealed=None, purged_at=env.now().isoformat(timespec="seconds"))
            .where(Application.tracking.in_(due) & Application.sealed.is_null(False))
            .execute()
        )
    # secure_delete overwrote the freed pages; a checkpoint also clears the old pages from the WAL.
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    log.info("purged personal data of %d applications", count)
    return count
