"""How fresh the installed catalog is and how the last sync went: one function that `kiosk status`
and the UI's freshness line both read, so they never disagree."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import peewee

from kiosk.catalog.documents import count_documents, get_state, set_state
from kiosk.catalog.models import database
from kiosk.catalog.store import open_store
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
    }


def freshness_line(status: dict[str, Any]) -> str:
    """The one line residents and clerks see about how current the catalog is."""
    if status["demo"]:
        return f"演示目录（{status['documents']} 份文件），尚未与中心同步"
    if status["version"] is None:
        return f"本地目录（{status['documents']} 份文件），尚未与中心同步"
    age = status["age_days"]
    when = "今天" if age == 0 else f"{age} 天前"
    line = f"目录第 {status['version']} 版，{when}发布，共 {status['documents']} 份文件"
    if status["expired"]:
        line += "；已过有效期，内容可能不是最新"
    elif status["last_result"] not in (None, "updated", "up_to_date"):
        line += "；最近一次同步未成功"
    return line


def withdrawal(doc_id: str) -> dict[str, Any] | None:
    """{"title", "version", "at"} when a sync withdrew this document; the reader says so."""
    raw = get_state(state.WITHDRAWN_PREFIX + doc_id)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
