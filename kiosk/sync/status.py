"""How fresh the installed catalog is and how the last sync went: one function that `kiosk status`
and the UI's freshness line both read, so they never disagree."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import peewee

from kiosk.catalog.catalog_db import open_store
from kiosk.catalog.documents import count_documents, get_state, set_state
from kiosk.catalog.models import database
from kiosk.environment import Env
from kiosk.errors import BadInput, ConfigError, KioskError, NotFound, Offline, Refused, StorageError
from kiosk.sync import state

log = logging.getLogger(__name__)


def _result_name(error: KioskError) -> str:
    for kind, name in (
        (Refused, "refused"),
        (Offline, "offline"),
        (NotFound, "not_found"),
        (StorageError, "storage"),
        (ConfigError, "config"),
        (BadInput, "bad_input"),
    ):
        if isinstance(error, kind):
            return name
    return "error"


def record_attempt(env: Env, *, result: str | None = None, error: KioskError | None = None) -> None:
    """Note the outcome of a sync attempt. Best effort: on a full disk this may fail too, and the
    sync's own error is what matters then."""
    now = env.now().isoformat(timespec="seconds")
    try:
        with database.atomic():
            set_state(state.LAST_ATTEMPT, now)
            if error is None:
                set_state(state.LAST_RESULT, result or "updated")
                set_state(state.LAST_ERROR_ZH, "")
                set_state(state.LAST_ERROR_EN, "")
                set_state(state.LAST_SUCCESS, now)
            else:
                set_state(state.LAST_RESULT, _result_name(error))
                set_state(state.LAST_ERROR_ZH, error.message_zh)
                set_state(state.LAST_ERROR_EN, error.message_en)
    except peewee.OperationalError as exc:
        log.warning("could not record the sync attempt: %s", exc)


def _time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def catalog_status(env: Env) -> dict[str, Any]:
    """version, expires, expired, age_days, documents, last_attempt, last_result, last_error_zh,
    source (and a few more facts) of the installed catalog. Opens the catalog if needed."""
    open_store(env.catalog_db)
    now = env.now()
    version = get_state(state.VERSION)
    expires = _time(get_state(state.EXPIRES))
    published = _time(get_state(state.PUBLISHED))
    calendar_years: list[str] = []
    calendar = get_state(state.CALENDAR)
    if calendar:
        try:
            calendar_years = sorted(json.loads(calendar).get("years", {}))
        except (ValueError, AttributeError):
            calendar_years = []
    return {
        "version": int(version) if version and version.isdigit() else None,
        "expires": expires.isoformat() if expires else None,
        "expired": bool(expires and expires <= now),
        "published": published.isoformat() if published else None,
        "age_days": (now - published).days if published else None,
        "documents": count_documents(),
        "last_attempt": get_state(state.LAST_ATTEMPT),
        "last_result": get_state(state.LAST_RESULT),
        "last_error_zh": get_state(state.LAST_ERROR_ZH) or None,
        "last_success": get_state(state.LAST_SUCCESS),
        "source": get_state(state.SOURCE),
        "source_kind": get_state(state.SOURCE_KIND),
        "demo": get_state(state.DEMO) == "1" or get_state(state.SOURCE) == "demo",
        "calendar_years": calendar_years,
        "imported": get_state(state.LAST_IMPORT),
    }


# Older than this, a synced catalog is called stale on screen even when its feed has not expired.
STALE_DAYS = 30


def freshness_line(status: dict[str, Any]) -> str:
    """The one line residents and clerks see about how current the catalog is."""
    count = status["documents"]
    imported = _time(status.get("imported"))
    if status["version"] is None or (status["demo"] and imported):
        if imported:
            return f"目录更新于 {_day(imported)}（本机导入），共 {count} 份文件，尚未与中心同步"
        return f"本地目录（{count} 份文件），尚未与中心同步"
    if status["demo"]:
        return f"演示目录（{count} 份文件），尚未与中心同步"
    published = _time(status["published"])
    line = (
        f"目录更新于 {_day(published)}（第 {status['version']} 版），共 {count} 份文件"
        if published
        else (f"目录第 {status['version']} 版，共 {count} 份文件")
    )
    warning = freshness_warning(status)
    return f"{line}；{warning}" if warning else line


def freshness_warning(status: dict[str, Any]) -> str:
    """Why the catalog may not be current ("" when it is): the screen shows it with a warning sign."""
    if status["demo"] or status["version"] is None:
        return ""
    if status["expired"]:
        return "已过有效期，内容可能不是最新"
    if status["last_result"] not in (None, "updated", "up_to_date"):
        return "最近一次同步未成功"
    if status["age_days"] is not None and status["age_days"] > STALE_DAYS:
        return f"已 {status['age_days']} 天未更新，内容可能不是最新"
    return ""


def _day(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def withdrawal(doc_id: str) -> dict[str, Any] | None:
    """{"title", "version", "at"} when a sync withdrew this document; the reader says so."""
    raw = get_state(state.WITHDRAWN_PREFIX + doc_id)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
