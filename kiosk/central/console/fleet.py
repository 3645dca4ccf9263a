"""The fleet from the terminals' heartbeats (or their last delivery when none came yet), with the
flags an IT officer acts on, and the usage counts (Art. 44: information asked for often)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from kiosk.central.intake_models import DocumentTitle, Heartbeat, IntakeApplication, Terminal, Usage

# A terminal heartbeats every few minutes: silent this long, it is offline (or its network is).
OFFLINE_AFTER = timedelta(hours=2)
TOP = 10


def _version_key(text: str | None) -> tuple:
    parts = re.findall(r"\d+", text or "")
    return tuple(int(p) for p in parts)


def _age(now: datetime, iso: str | None) -> timedelta | None:
    if not iso:
        return None
    return now - datetime.fromisoformat(iso)


def _age_zh(age: timedelta | None) -> str:
    if age is None:
        return "—"
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} 分钟"
    if minutes < 48 * 60:
        return f"{minutes // 60} 小时"
    return f"{minutes // 1440} 天"


def fleet(now: datetime) -> list[dict[str, Any]]:
    """Every terminal that is not revoked, with its last heartbeat's figures and flags
    离线 / 目录过期 / 缺纸 / 版本落后 (behind the newest version any terminal of the fleet reports)."""
    latest_ids = Heartbeat.select(fn.MAX(Heartbeat.id)).group_by(Heartbeat.terminal)
    beats = {h.terminal_id: h for h in Heartbeat.select().where(Heartbeat.id.in_(latest_ids))}
    delivered = dict(
        IntakeApplication.select(IntakeApplication.terminal, fn.MAX(IntakeApplication.created_at))
        .group_by(IntakeApplication.terminal)
        .tuples()
    )
    newest_app = max((_version_key(b.app_version) for b in beats.values()), default=())
    newest_catalog = max((b.catalog_version or 0 for b in beats.values()), default=0)
    rows = []
    for terminal in Terminal.select().where(Terminal.revoked_at.is_null(True)).order_by(Terminal.number):
        beat = beats.get(terminal.id)
        last_contact = max(filter(None, [beat.received_at if beat else None, delivered.get(terminal.id)]), default=None)
        contact_age = _age(now, last_contact)
        row: dict[str, Any] = {
            "name": terminal.name,
            "number": terminal.number,
            "last_contact": last_contact,
            "last_contact_age": _age_zh(contact_age),
            "heartbeat": beat is not None,
            "app_version": beat.app_version if beat else None,
            "catalog_version": beat.catalog_version if beat else None,
            "catalog_published": beat.catalog_published if beat else None,
            "catalog_age": _age_zh(_age(now, beat.catalog_published)) if beat else "—",
            "catalog_expires": beat.catalog_expires if beat else None,
            "catalog_demo": bool(beat.catalog_demo) if beat else None,
            "last_sync": {"result": beat.sync_result, "at": beat.sync_at} if beat else None,
            "outbox_backlog": beat.outbox_backlog if beat else None,
            "printers": json.loads(beat.printers) if beat else {},
            "disk_free_bytes": beat.disk_free_bytes if beat else None,
        }
        flags = []
        if contact_age is None or contact_age > OFFLINE_AFTER:
            flags.append("离线")
        if beat is not None:
            expired = beat.catalog_expires is not None and datetime.fromisoformat(beat.catalog_expires) < now
            if expired or beat.catalog_demo or (beat.catalog_version or 0) < newest_catalog:
                flags.append("目录过期")
            if any(
                p.get("state") == "needs_attention" and "纸" in p.get("message_zh", "")
                for p in row["printers"].values()
            ):
                flags.append("缺纸")
            if _version_key(beat.app_version) < newest_app:
                flags.append("版本落后")
        row["flags"] = flags
        rows.append(row)
    return rows


def usage(month: str | None = None) -> dict[str, Any]:
    """Most viewed and most printed documents per month and terminal (titles where terminals reported
    them, else ids; anonymous counts)."""
    query = Usage.select(Usage, Terminal).join(Terminal)
    if month:
        query = query.where(Usage.month == month)
    grouped: dict[tuple[str, str], list[Usage]] = defaultdict(list)
    for row in query:
        grouped[(row.month, row.terminal.name)].append(row)
    titles = dict(DocumentTitle.select(DocumentTitle.doc_id, DocumentTitle.title).tuples())
    months = []
    for (mon, terminal), rows in sorted(grouped.items(), key=lambda item: (item[0][0], item[0][1]), reverse=False):
        viewed = sorted((r for r in rows if r.views), key=lambda r: (-r.views, r.doc_id))[:TOP]
        printed = sorted((r for r in rows if r.prints), key=lambda r: (-r.prints, r.doc_id))[:TOP]
        months.append(
            {
                "month": mon,
                "terminal": terminal,
                "viewed": [{"doc_id": r.doc_id, "title": titles.get(r.doc_id), "count": r.views} for r in viewed],
                "printed": [{"doc_id": r.doc_id, "title": titles.get(r.doc_id), "count": r.prints} for r in printed],
            }
        )
    return {"by_month_and_terminal": months, "topics": topics()}


def topics(limit: int = 20) -> list[dict[str, Any]]:
    """The catalog documents applications asked for most often (the descriptions' matches kept at
    intake: titles and ids, no personal data)."""
    counts: Counter[tuple[str, str]] = Counter()
    for (data,) in IntakeApplication.select(IntakeApplication.data).tuples():
        for match in json.loads(data).get("matches", []):
            counts[(match["id"], match["title"])] += 1
    return [{"doc_id": d, "title": t, "applications": n} for (d, t), n in counts.most_common(limit)]
