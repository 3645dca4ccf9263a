"""Heartbeats from the terminals (the heartbeat contract, format 1): validated field by field,
stored once per idempotency key, the anonymous per-document counters added to monthly usage.
Nothing a terminal sends here is personal data; anything outside the contract is not stored."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from typing import Any

from peewee import IntegrityError

from kiosk.applications.validation import FieldError
from kiosk.central.intake import Refusal, Terminal, writing
from kiosk.central.intake_models import DocumentTitle, Heartbeat, Usage

log = logging.getLogger(__name__)

FORMAT = 1
KEY = re.compile(r"[0-9a-fA-F]{32}")
SYNC_RESULTS = ("updated", "up_to_date", "refused", "offline", "not_found", "storage", "error")
PRINTER_STATES = ("ready", "needs_attention", "offline", "unknown")
PRINTERS = ("document", "receipt")
MAX_DOC_COUNTS = 500
MAX_DOC_ID = 128
MAX_TITLE = 300
MAX_COUNT = 10**9
MAX_BYTES = 2**62


class _Check:
    """Collects every field error of one body, so a terminal learns all of them at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, en: str, zh: str = "此项格式不正确。") -> None:
        self.errors.append(FieldError(field, "invalid", zh, en))

    def dict(self, value: Any, field: str) -> dict:
        if not isinstance(value, dict):
            self.fail(field, "must be an object")
            return {}
        return value

    def int(self, value: Any, field: str, *, null: bool = False, maximum: int = MAX_COUNT) -> int | None:
        if value is None and null:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            self.fail(field, f"must be an integer 0..{maximum}")
            return None
        return value

    def time(self, value: Any, field: str, *, null: bool = False) -> str | None:
        if value is None and null:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.fail(field, "must be an ISO 8601 time with its offset")
            return None
        return moment.isoformat(timespec="seconds")

    def choice(self, value: Any, choices: tuple[str, ...], field: str, *, null: bool = False) -> str | None:
        if value is None and null:
            return None
        if value not in choices:
            self.fail(field, f"must be one of {', '.join(choices)}")
            return None
        return value

    def text(self, value: Any, field: str, limit: int) -> str:
        if not isinstance(value, str) or len(value) > limit:
            self.fail(field, f"must be text of at most {limit} characters")
            return ""
        return value

    def titles(self, value: Any, field: str, counted: set[str]) -> dict[str, str]:
        """Titles of counted documents only (public catalog text, so the console names what was read)."""
        table = self.dict(value, field)
        out = {}
        for doc_id, title in table.items():
            if doc_id not in counted:
                self.fail(field, "titles are only for documents in views or printed")
                return {}
            text = self.text(title, f"{field}.{doc_id[:40]}", MAX_TITLE)
            if text and text.isprintable():
                out[doc_id] = text
            elif text:
                self.fail(f"{field}.{doc_id[:40]}", "a title must be printable text")
        return out

    def counts(self, value: Any, field: str) -> dict[str, int]:
        table = self.dict(value, field)
        if len(table) > MAX_DOC_COUNTS:
            self.fail(field, f"at most {MAX_DOC_COUNTS} documents")
            return {}
        out = {}
        for doc_id, count in table.items():
            if not doc_id or len(doc_id) > MAX_DOC_ID or not doc_id.isprintable():
                self.fail(field, "document ids must be printable, 1..128 characters")
                return {}
            number = self.int(count, f"{field}.{doc_id[:40]}")
            if number is not None:
                out[doc_id] = number
        return out


def validate(body: Any) -> dict[str, Any]:
    """The heartbeat as it will be stored, or a 422 Refusal listing every bad field."""
    if not isinstance(body, dict):
        raise Refusal(422, "invalid", "心跳格式不正确。", "body must be a JSON object")
    c = _Check()
    if body.get("format") != FORMAT or isinstance(body.get("format"), bool):
        c.fail("format", f"format must be {FORMAT}")
    key = body.get("key")
    if not (isinstance(key, str) and KEY.fullmatch(key)):
        c.fail("key", "key must be a uuid4 hex string")
    catalog = c.dict(body.get("catalog"), "catalog")
    last_sync = c.dict(body.get("last_sync"), "last_sync")
    printers = c.dict(body.get("printers"), "printers")
    counters = c.dict(body.get("counters"), "counters")
    demo = catalog.get("demo")
    if not isinstance(demo, bool):
        c.fail("catalog.demo", "must be true or false")
    stored_printers = {}
    for name in PRINTERS:
        if name not in printers:
            continue
        printer = c.dict(printers[name], f"printers.{name}")
        stored_printers[name] = {
            "state": c.choice(printer.get("state"), PRINTER_STATES, f"printers.{name}.state"),
            "message_zh": c.text(printer.get("message_zh", ""), f"printers.{name}.message_zh", 200),
        }
    clean = {
        "key": key,
        "sent_at": c.time(body.get("sent_at"), "sent_at"),
        "app_version": c.text(body.get("app_version"), "app_version", 64),
        "catalog_version": c.int(catalog.get("version"), "catalog.version", null=True, maximum=2**31 - 1),
        "catalog_published": c.time(catalog.get("published"), "catalog.published", null=True),
        "catalog_expires": c.time(catalog.get("expires"), "catalog.expires", null=True),
        "catalog_demo": bool(demo),
        "sync_result": c.choice(last_sync.get("result"), SYNC_RESULTS, "last_sync.result", null=True),
        "sync_at": c.time(last_sync.get("at"), "last_sync.at", null=True),
        "outbox_backlog": c.int(body.get("outbox_backlog"), "outbox_backlog", null=True),
        "printers": stored_printers,
        "disk_free_bytes": c.int(body.get("disk_free_bytes"), "disk_free_bytes", null=True, maximum=MAX_BYTES),
        "counters": {
            "since": c.time(counters.get("since"), "counters.since"),
            "until": c.time(counters.get("until"), "counters.until"),
            **{
                name: c.int(counters.get(name, 0), f"counters.{name}")
                for name in ("searches", "idle_resets", "applications", "prints", "pages")
            },
        },
        "views": c.counts(counters.get("views", {}), "counters.views"),
        "printed": c.counts(counters.get("printed", {}), "counters.printed"),
    }
    # Optional: terminals older than the titles send only ids.
    clean["titles"] = c.titles(
        counters.get("titles", {}), "counters.titles", set(clean["views"]) | set(clean["printed"])
    )
    if c.errors:
        raise Refusal(422, "invalid", "心跳内容未通过校验。", "heartbeat failed validation", c.errors)
    return clean


def record_heartbeat(terminal: Terminal, body: Any, now: datetime) -> bool:
    """Store a heartbeat once; True when it was new, False for a key this terminal already sent."""
    beat = validate(body)
    if Heartbeat.get_or_none((Heartbeat.terminal == terminal.id) & (Heartbeat.key == beat["key"])) is not None:
        return False
    month = beat["counters"]["until"][:7]
    try:
        with writing():
            Heartbeat.create(
                terminal=terminal.id,
                received_at=now.isoformat(timespec="seconds"),
                printers=json.dumps(beat["printers"], ensure_ascii=False),
                counters=json.dumps(beat["counters"]),
                **{k: v for k, v in beat.items() if k not in ("printers", "counters", "views", "printed", "titles")},
            )
            for doc_id in sorted(set(beat["views"]) | set(beat["printed"])):
                views, prints = beat["views"].get(doc_id, 0), beat["printed"].get(doc_id, 0)
                Usage.insert(terminal=terminal.id, month=month, doc_id=doc_id, views=views, prints=prints).on_conflict(
                    conflict_target=[Usage.terminal, Usage.month, Usage.doc_id],
                    update={Usage.views: Usage.views + views, Usage.prints: Usage.prints + prints},
                ).execute()
            for doc_id, title in beat["titles"].items():
                DocumentTitle.insert(doc_id=doc_id, title=title, seen_at=month).on_conflict(
                    conflict_target=[DocumentTitle.doc_id],
                    update={DocumentTitle.title: title, DocumentTitle.seen_at: month},
                ).execute()
    except IntegrityError:
        return False  # the same key raced in from a retry: stored once all the same
    log.info("heartbeat from terminal %s", terminal.name)
    return True
