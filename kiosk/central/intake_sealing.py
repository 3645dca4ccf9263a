"""Applicants' personal data at central, sealed at rest like the terminal's: AES-256-GCM (the
terminal's Sealer, bound to the tracking number) with a key file (0600) outside the database; the
record keeps only masked copies, so every list, report and log works without the key, and the
personal data can be purged after the office's retention time while records and statistics stay."""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from peewee import Database, PostgresqlDatabase, SqliteDatabase

from kiosk.applications.masking import mask_address, mask_email, mask_id, mask_name, mask_phone, mask_text
from kiosk.applications.sealing import Sealer, load_key
from kiosk.central.intake_models import IntakeApplication, Setting, intake_database
from kiosk.environment import default_home
from kiosk.errors import StorageError

log = logging.getLogger(__name__)

# What identifies or reaches a person, and the free text they may have typed it into.
PERSONAL_FIELDS = ("name", "id_number", "contact_person", "phone", "email", "address", "description")
DESCRIPTION_SHOWN = 200
DEFAULT_RETENTION_DAYS = 365 * 3
KEYS_DIR_NAME = "central-keys"

_current: dict[str, Sealer] = {}


def default_keys_dir(url: str) -> Path:
    """Where central keeps its application key when nobody says: beside a SQLite file, in a folder of
    its own (never inside the database); for PostgreSQL, in the kiosk home of this machine."""
    if os.environ.get("KIOSK_CENTRAL_KEYS"):
        return Path(os.environ["KIOSK_CENTRAL_KEYS"]).expanduser()
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :]).expanduser().parent / KEYS_DIR_NAME
    if "://" not in url:
        return Path(url).expanduser().parent / KEYS_DIR_NAME
    return default_home() / KEYS_DIR_NAME


def open_sealer(keys_dir: Path) -> Sealer:
    """The central application key (created 0600 in a 0700 folder on first use)."""
    key = load_key(keys_dir, create=True)
    assert key is not None
    sealer = Sealer(key)
    _current["sealer"] = sealer
    return sealer


def current_sealer() -> Sealer:
    sealer = _current.get("sealer")
    if sealer is None:
        raise StorageError("申请加密密钥未加载，请联系管理员。", "central application key not loaded")
    return sealer


def masked(cleaned: dict[str, Any]) -> dict[str, str]:
    """The applicant as every list shows it. An organisation's name is no personal data."""
    is_org = cleaned.get("applicant_type") == "organization"
    names = [cleaned.get("name", ""), cleaned.get("contact_person", "")]
    return {
        "applicant": cleaned.get("name", "") if is_org else mask_name(cleaned.get("name", "")),
        "id_number": mask_id(cleaned.get("id_number", "")),
        "contact_person": mask_name(cleaned.get("contact_person", "")),
        "phone": mask_phone(cleaned.get("phone", "")),
        "email": mask_email(cleaned["email"]) if cleaned.get("email") else "",
        "address": mask_address(cleaned["address"]) if cleaned.get("address") else "",
        "description": mask_text(cleaned.get("description", ""), DESCRIPTION_SHOWN, names=names),
    }


def split(cleaned: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the record as stored in the clear, the personal data to seal)."""
    public = {k: v for k, v in cleaned.items() if k not in PERSONAL_FIELDS}
    public["masked"] = masked(cleaned)
    personal = {k: cleaned[k] for k in PERSONAL_FIELDS if k in cleaned}
    return public, personal


def seal_fields(cleaned: dict[str, Any], tracking: str, sealer: Sealer) -> dict[str, Any]:
    """The columns of a new or re-sealed row: data, sealed, key_id."""
    public, personal = split(cleaned)
    return {
        "data": json.dumps(public, ensure_ascii=False, sort_keys=True),
        "sealed": sealer.seal(personal, tracking),
        "key_id": sealer.key_id,
    }


def personal_data(app: IntakeApplication, sealer: Sealer | None = None) -> dict[str, Any] | None:
    """The full application (record + personal data), or None once purged."""
    if app.sealed is None:
        return None
    sealer = sealer or current_sealer()
    if sealer.key_id != app.key_id:
        raise StorageError(
            "该申请由另一把密钥加密，无法查看个人信息。", f"application {app.tracking} sealed with key {app.key_id}"
        )
    record = json.loads(app.data)
    record.pop("masked", None)
    return record | sealer.open(bytes(app.sealed), app.tracking)


def seal_plain_rows(db: Database, sealer: Sealer) -> int:
    """Seal the rows a schema-1 database kept in plain JSON. Idempotent; afterwards the freed pages
    and old row versions are cleared (SQLite secure_delete + VACUUM, PostgreSQL VACUUM FULL) so the
    plain text does not linger in the file."""
    plain = IntakeApplication.select(IntakeApplication.id, IntakeApplication.tracking, IntakeApplication.data).where(
        IntakeApplication.sealed.is_null(True) & IntakeApplication.purged_at.is_null(True)
    )
    count = 0
    with db.atomic():
        for row in plain:
            data = json.loads(row.data)
            if "masked" in data:  # already in today's layout and purged by hand: nothing to seal
                continue
            IntakeApplication.update(
                organization_kind=data.get("organization_kind", ""), **seal_fields(data, row.tracking, sealer)
            ).where(IntakeApplication.id == row.id).execute()
            count += 1
    if count:
        _scrub(db)
        log.info("sealed the personal data of %d applications stored in plain text", count)
    return count


def _scrub(db: Database) -> None:
    if isinstance(db, SqliteDatabase):
        db.execute_sql("VACUUM")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif isinstance(db, PostgresqlDatabase):
        db.execute_sql("VACUUM FULL intake_application")


def secure_files(path: Path) -> None:
    """The SQLite file and its -wal/-shm owner-only (SQLite gives new -wal/-shm files the database's
    mode, so an old 0644 database keeps making readable journals until it is changed)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            if candidate.exists() and stat.S_IMODE(candidate.stat().st_mode) & 0o077:
                candidate.chmod(0o600)
        except OSError as exc:
            raise StorageError(f"无法设置数据库文件 {candidate} 的权限。", f"cannot chmod {candidate}: {exc}") from exc


# ---------------------------------------------------------------- retention


def retention_days() -> int:
    row = Setting.get_or_none(Setting.key == "retention_days")
    return int(row.value) if row is not None else DEFAULT_RETENTION_DAYS


def purge_expired(now: datetime, days: int | None = None) -> int:
    """Drop the personal data of applications closed more than the retention time ago; the record,
    its masked copy, its history and its place in the statistics stay."""
    days = retention_days() if days is None else days
    cutoff = (now - timedelta(days=days)).isoformat(timespec="seconds")
    stamp = now.isoformat(timespec="seconds")
    with intake_database.atomic():
        count = (
            IntakeApplication.update(sealed=None, purged_at=stamp)
            .where(
                IntakeApplication.sealed.is_null(False)
                & IntakeApplication.closed_at.is_null(False)
                & (IntakeApplication.closed_at < cutoff)
            )
            .execute()
        )
    if count:
        log.info("purged the personal data of %d applications closed before %s", count, cutoff)
    return count
