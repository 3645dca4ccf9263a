"""What a terminal reports to central in a heartbeat (issue 15, contract format 1): versions, catalog
age, last sync, outbox backlog, printers, disk, and the anonymous counters since the last report.

Each part is gathered on its own: a sick terminal (a corrupt catalog, no printer) is exactly the one
whose heartbeat matters, so a part that fails is reported as unknown instead of stopping the report."""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from collections.abc import Callable
from typing import Any

from peewee import PeeweeException

from kiosk import __version__, usage
from kiosk.environment import Env
from kiosk.errors import KioskError

log = logging.getLogger(__name__)

FORMAT = 1
MAX_BODY_BYTES = 64 * 1024  # central refuses larger bodies (413)
MAX_PER_DOCUMENT = 500  # entries in `views` and in `printed`: the most counted
MAX_TITLE = 300  # central's limit
SYNC_RESULTS = frozenset({"updated", "up_to_date", "refused", "offline", "not_found", "storage", "error"})
# kiosk.printing's printer states → the contract's; a busy printer is a working one.
PRINTER_STATES = {"ready": "ready", "busy": "ready", "needs-attention": "needs_attention", "unavailable": "offline"}
JOB_TYPES = {"document": "documents", "receipt": "receipts"}  # contract name → kiosk.printing's


def collect_status(env: Env) -> dict[str, Any]:
    """Everything in a heartbeat but its key, time and counters."""
    return {
        "app_version": __version__,
        **_catalog(env),
        "outbox_backlog": _outbox_backlog(env),
        "printers": _printers(env),
        "disk_free_bytes": _disk_free(env),
    }


def build_body(
    status: dict[str, Any],
    counters: usage.Counters,
    *,
    key: str,
    sent_at: str,
    titles: Callable[[list[str]], dict[str, str]] = lambda ids: {},
) -> dict[str, Any]:
    """The heartbeat as posted, within MAX_BODY_BYTES: the per-document lists lose their least
    counted entries first when a catalog's long ids would not fit. `titles` names the counted
    documents (public catalog text) so the office reads titles, not ids."""
    limit = MAX_PER_DOCUMENT
    while True:
        top = {name: _top(entries, limit) for name, entries in counters.per_document.items()}
        counted = sorted({doc_id for entries in top.values() for doc_id in entries})
        body = {
            "format": FORMAT,
            "key": key,
            "sent_at": sent_at,
            **status,
            "counters": {
                "since": counters.since,
                "until": sent_at,
                **counters.totals,
                **top,
                "titles": titles(counted) if counted else {},
            },
        }
        if limit == 0 or len(json.dumps(body, ensure_ascii=False).encode("utf-8")) <= MAX_BODY_BYTES:
            return body
        limit //= 2


def preview(env: Env) -> dict[str, Any]:
    """The body the next new heartbeat would carry, built now and stored nowhere (`--dry-run`)."""
    now = env.now().isoformat(timespec="seconds")
    counters = usage.open_counters(env)
    return build_body(collect_status(env), counters, key=uuid.uuid4().hex, sent_at=now, titles=catalog_titles(env))


def catalog_titles(env: Env) -> Callable[[list[str]], dict[str, str]]:
    """Titles of documents by id from this terminal's catalog (none for a catalog that cannot be read:
    the heartbeat goes without them)."""

    def titles(doc_ids: list[str]) -> dict[str, str]:
        from kiosk.catalog.catalog_db import open_store
        from kiosk.catalog.models import Document

        try:
            open_store(env.catalog_db)
            found: dict[str, str] = {}
            for start in range(0, len(doc_ids), 200):  # SQLite's bound-variable limit
                chunk = doc_ids[start : start + 200]
                query = Document.select(Document.id, Document.title).where(Document.id.in_(chunk)).tuples()
                found.update({doc_id: title[:MAX_TITLE] for doc_id, title in query if title})
            return found
        except (KioskError, PeeweeException) as exc:
            log.warning("heartbeat: document titles unknown: %s", getattr(exc, "message_en", exc))
            return {}

    return titles


def _top(entries: dict[str, int], limit: int) -> dict[str, int]:
    ranked = sorted(entries.items(), key=lambda pair: (-pair[1], pair[0]))
    return dict(ranked[:limit])


def _catalog(env: Env) -> dict[str, Any]:
    from kiosk.sync.status import catalog_status  # the catalog and sync packages load only when reported

    try:
        status = catalog_status(env)
    except (KioskError, PeeweeException) as exc:
        log.warning("heartbeat: catalog status unknown: %s", getattr(exc, "message_en", exc))
        return {
            "catalog": {"version": None, "published": None, "expires": None, "demo": False},
            "last_sync": {"result": None, "at": None},
        }
    result = status["last_result"]
    return {
        "catalog": {
            "version": status["version"],
            "published": status["published"],
            "expires": status["expires"],
            "demo": bool(status["demo"]),
        },
        "last_sync": {
            # config and bad_input are a misconfigured terminal, which the contract calls error
            "result": None if result is None else result if result in SYNC_RESULTS else "error",
            "at": status["last_attempt"],
        },
    }


def _outbox_backlog(env: Env) -> int | None:
    """Applications not yet delivered to central (waiting or held for a clerk)."""
    from kiosk.applications.applications_db import open_applications
    from kiosk.applications.models import Outbox

    if not env.applications_db.exists():
        return 0  # no application ever handed in here: nothing to create just to count it
    try:
        open_applications(env)
        return Outbox.select().where(Outbox.state != "delivered").count()
    except (KioskError, PeeweeException) as exc:
        log.warning("heartbeat: outbox backlog unknown: %s", getattr(exc, "message_en", exc))
        return None


def _printers(env: Env) -> dict[str, dict[str, str]]:
    from kiosk.printing.service import printers_overview  # what `kiosk printers` shows

    try:
        defaults = printers_overview(env)["defaults"]
    except KioskError as exc:
        log.warning("heartbeat: printer state unknown: %s", exc.message_en)
        defaults = {}
    printers = {}
    for job_type, kind in JOB_TYPES.items():
        info = defaults.get(kind, {})
        printers[job_type] = {
            "state": PRINTER_STATES.get(info.get("state", ""), "unknown"),
            "message_zh": info.get("message_zh", ""),
        }
    return printers


def _disk_free(env: Env) -> int | None:
    try:
        return shutil.disk_usage(env.ensure_home()).free
    except (OSError, KioskError) as exc:
        log.warning("heartbeat: disk free unknown: %s", exc)
        return None
