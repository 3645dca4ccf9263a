"""Anonymous usage counters kept at the terminal until central acknowledged the heartbeat carrying them.

Counts go into the open *period*; building a heartbeat closes that period and stores the heartbeat
(its body and idempotency key) in the same transaction, so counts made while it is being sent fall
into the next period. Only central's acknowledgement deletes a period's counts; a refused heartbeat
gives its counts back to the open period. Nothing here ever holds query text or personal data:
names are fixed, and the only item a counter may carry is a catalog document id."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from peewee import (
    SQL,
    CharField,
    DatabaseError,
    DatabaseProxy,
    FloatField,
    IntegerField,
    Model,
    PeeweeException,
    SqliteDatabase,
    TextField,
    fn,
)

from kiosk.environment import Env
from kiosk.errors import KioskError, StorageError
from kiosk.migrations import migrate_sqlite, sqlite_schema_version

log = logging.getLogger(__name__)

SEARCHES, VIEWS, PRINTS, PAGES, PRINTED, APPLICATIONS, IDLE_RESETS = (
    "searches",
    "views",
    "prints",
    "pages",
    "printed",
    "applications",
    "idle_resets",
)
TOTALS = (SEARCHES, IDLE_RESETS, APPLICATIONS, PRINTS, PAGES)
PER_DOCUMENT = (VIEWS, PRINTED)
# The catalog's document id shape (kiosk.catalog.document_record): anything else is refused, so no free text
# (a query, a name) can ever reach a counter through a caller's mistake.
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
KEEP_DELIVERED = 20  # delivered heartbeats kept for diagnosis (`kiosk heartbeat --json` shows the last)

PENDING, DELIVERED, HELD = "pending", "delivered", "held"

PRAGMAS = {
    "journal_mode": "wal",
    # A count runs on the UI thread when a document opens: no fsync for it (a power cut may forget
    # the last few counts; a crash forgets none). Closing and acknowledging a period sync (_durable).
    "synchronous": "normal",
    "busy_timeout": 10_000,
}

database = DatabaseProxy()


class _Base(Model):
    class Meta:
        database = database


class Period(_Base):
    """A span of counting; the one with the highest id is open, the others wait for central."""

    id = IntegerField(primary_key=True)
    since = CharField()  # ISO 8601 with offset

    class Meta:
        table_name = "period"


class Tally(_Base):
    period = IntegerField()
    name = CharField()
    item = CharField(default="")  # a document id for views/printed, else ""
    value = IntegerField()

    class Meta:
        table_name = "tally"
        primary_key = False


class Heartbeat(_Base):
    """One report to central, stored before it is first sent so every retry carries the same key."""

    key = CharField(primary_key=True)
    period = IntegerField()
    body = TextField()  # the JSON sent, exactly
    state = CharField(default=PENDING)  # pending | delivered | held
    created = FloatField()  # epoch seconds; the interval is counted from here
    attempts = IntegerField(default=0)
    failures = IntegerField(default=0)  # answers that blamed this request (5xx)
    next_attempt = FloatField(default=0.0)
    last_error = TextField(null=True)  # short English reason
    delivered_at = CharField(null=True)

    class Meta:
        table_name = "heartbeat"

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.body)


def _m0001(db: SqliteDatabase, _migrator: Any) -> None:
    db.execute_sql("CREATE TABLE period (id INTEGER PRIMARY KEY AUTOINCREMENT, since TEXT NOT NULL)")
    db.execute_sql(
        "CREATE TABLE tally (period INTEGER NOT NULL, name TEXT NOT NULL, item TEXT NOT NULL DEFAULT '',"
        " value INTEGER NOT NULL, PRIMARY KEY (period, name, item)) WITHOUT ROWID"
    )
    db.execute_sql(
        "CREATE TABLE heartbeat (key TEXT PRIMARY KEY, period INTEGER NOT NULL, body TEXT NOT NULL,"
        " state TEXT NOT NULL DEFAULT 'pending', created REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
        " failures INTEGER NOT NULL DEFAULT 0, next_attempt REAL NOT NULL DEFAULT 0, last_error TEXT,"
        " delivered_at TEXT)"
    )
    db.execute_sql("CREATE INDEX heartbeat_state ON heartbeat (state, created)")


# One small schema, frozen here as plain SQL; a second migration would move these into a package
# like the other stores' (kiosk.migrations runs both shapes).
MIGRATIONS = [(1, SimpleNamespace(apply=_m0001))]


def usage_db(env: Env) -> Path:
    """Its own file: counting never waits on the catalog or the sealed applications."""
    return env.home / "usage.sqlite3"


def open_usage(env: Env) -> SqliteDatabase:
    """Open (creating and migrating if needed) HOME's usage database and bind the models to it.
    Opened once per process and file, like the application store."""
    path = usage_db(env)
    current = database.obj
    if isinstance(current, SqliteDatabase) and current.database == str(path) and path.exists():
        return current
    try:
        env.ensure_home()
        db = SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)
        db.connect(reuse_if_open=True)
        if sqlite_schema_version(db) > MIGRATIONS[-1][0]:
            db.close()
            raise StorageError(
                "使用统计数据库来自更新版本的软件，请升级本机软件。", f"usage database {path} has a newer schema"
            )
        migrate_sqlite(db, MIGRATIONS, what="usage")  # type: ignore[arg-type]
        database.initialize(db)
        with db.atomic("IMMEDIATE"):
            if not Period.select().exists():
                Period.create(since=env.now().isoformat(timespec="seconds"))
    except (OSError, DatabaseError, sqlite3.Error) as exc:
        raise StorageError(
            "使用统计数据库无法打开，请联系工作人员。", f"cannot open usage database {path}: {exc}"
        ) from exc
    return db


# --- counting: never breaks the action it counts ------------------------------------------------


def count_search(env: Env) -> None:
    _add(env, [(SEARCHES, "", 1)])


def count_view(env: Env, doc_id: str) -> None:
    _add(env, [(VIEWS, doc_id, 1)])


def count_print(env: Env, doc_id: str, pages: int) -> None:
    _add(env, [(PRINTS, "", 1), (PAGES, "", pages), (PRINTED, doc_id, 1)])


def count_application(env: Env) -> None:
    _add(env, [(APPLICATIONS, "", 1)])


def count_idle_reset(env: Env) -> None:
    _add(env, [(IDLE_RESETS, "", 1)])


def _add(env: Env, rows: Iterable[tuple[str, str, int]]) -> None:
    rows = list(rows)
    bad = [item for name, item, _ in rows if name in PER_DOCUMENT and not _DOC_ID.match(item)]
    if bad:
        log.warning("usage counter refused an item that is not a document id")  # never log the item itself
        return
    try:
        db = open_usage(env)
        with db.atomic():
            open_period = Period.select(fn.MAX(Period.id))  # read in the statement: a close never splits it
            for name, item, amount in rows:
                _upsert(open_period, name, item, amount)
    except (KioskError, PeeweeException, sqlite3.Error, OSError) as exc:
        message = exc.message_en if isinstance(exc, KioskError) else f"{exc.__class__.__name__}: {exc}"
        log.warning("usage not counted (%s): %s", ", ".join(name for name, _, _ in rows), message)


def _upsert(period: Any, name: str, item: str, amount: int) -> None:
    Tally.insert(period=period, name=name, item=item, value=amount).on_conflict(
        conflict_target=[Tally.period, Tally.name, Tally.item],
        update={Tally.value: Tally.value + SQL("excluded.value")},
    ).execute()


# --- periods and the heartbeats that carry them -------------------------------------------------


@dataclass(frozen=True)
class Counters:
    since: str
    totals: dict[str, int]
    per_document: dict[str, dict[str, int]]  # views / printed → {doc_id: count}, most counted first


def _counters(period_id: int, since: str) -> Counters:
    totals = dict.fromkeys(TOTALS, 0)
    per_document: dict[str, dict[str, int]] = {name: {} for name in PER_DOCUMENT}
    rows = (
        Tally.select(Tally.name, Tally.item, Tally.value)
        .where(Tally.period == period_id)
        .order_by(Tally.value.desc(), Tally.item)
        .tuples()
    )
    for name, item, value in rows:
        if name in per_document:
            per_document[name][item] = value
        elif name in totals:
            totals[name] = value
    return Counters(since, totals, per_document)


@contextlib.contextmanager
def _durable(db: SqliteDatabase) -> Iterator[None]:
    """A write transaction that is on disk when it returns, with every count before it: a closed
    period or an acknowledgement lost in a power cut could make central count a period twice."""
    db.execute_sql("PRAGMA synchronous = FULL")
    try:
        with db.atomic("IMMEDIATE"):
            yield
    finally:
        db.execute_sql("PRAGMA synchronous = NORMAL")


def _open_period() -> Period:
    return Period.select().order_by(Period.id.desc()).get()


def open_counters(env: Env) -> Counters:
    """What the open period has counted so far (for a dry run; nothing is closed)."""
    open_usage(env)
    period = _open_period()
    return _counters(period.id, period.since)


def pending_heartbeat(env: Env) -> Heartbeat | None:
    """The heartbeat stored and not yet acknowledged (at most one: the next waits for it)."""
    open_usage(env)
    return Heartbeat.get_or_none(Heartbeat.state == PENDING)


def last_heartbeat(env: Env) -> Heartbeat | None:
    open_usage(env)
    return Heartbeat.select().order_by(Heartbeat.created.desc()).first()


def heartbeat_due(env: Env, interval_seconds: float) -> bool:
    """True when the newest heartbeat was built at least `interval_seconds` ago (or none ever was)."""
    open_usage(env)
    newest = Heartbeat.select(fn.MAX(Heartbeat.created)).scalar()
    return newest is None or time.time() - newest >= interval_seconds


def close_period(env: Env, build: Callable[[Counters, str, str], dict[str, Any]]) -> Heartbeat:
    """Close the open period into a new stored heartbeat, `build(counters, key, now)` giving its body,
    and open the next period, all in one transaction. A heartbeat still pending is returned instead:
    its counts must reach central before the next period closes."""
    db = open_usage(env)
    with _durable(db):
        pending = Heartbeat.get_or_none(Heartbeat.state == PENDING)
        if pending is not None:
            return pending
        period = _open_period()
        now = env.now().isoformat(timespec="seconds")
        key = uuid.uuid4().hex
        body = build(_counters(period.id, period.since), key, now)
        beat = Heartbeat.create(
            key=key, period=period.id, body=json.dumps(body, ensure_ascii=False), created=time.time()
        )
        Period.create(since=now)
    return beat


def acknowledged(env: Env, key: str) -> None:
    """Central stored heartbeat `key`: its period's counts are central's now."""
    db = open_usage(env)
    now = env.now().isoformat(timespec="seconds")
    with _durable(db):
        beat = Heartbeat.get_or_none(Heartbeat.key == key)
        if beat is None or beat.state != PENDING:
            return
        Tally.delete().where(Tally.period == beat.period).execute()
        Period.delete().where(Period.id == beat.period).execute()
        Heartbeat.update(state=DELIVERED, delivered_at=now, last_error=None, attempts=Heartbeat.attempts + 1).where(
            Heartbeat.key == key
        ).execute()
        keep = (
            Heartbeat.select(Heartbeat.key)
            .where(Heartbeat.state == DELIVERED)
            .order_by(Heartbeat.created.desc())
            .limit(KEEP_DELIVERED)
        )
        Heartbeat.delete().where((Heartbeat.state == DELIVERED) & Heartbeat.key.not_in(keep)).execute()


def retry_later(env: Env, key: str, reason: str, delay_seconds: float, *, failed: bool = False) -> None:
    """Not acknowledged: the same body and key go again after `delay_seconds`."""
    open_usage(env)
    Heartbeat.update(
        attempts=Heartbeat.attempts + 1,
        failures=Heartbeat.failures + int(failed),
        next_attempt=time.time() + delay_seconds,
        last_error=reason,
    ).where(Heartbeat.key == key).execute()


def refused(env: Env, key: str, reason: str) -> None:
    """Central will never take this body: keep it for diagnosis and give its counts back to the open
    period (with its start), so the next heartbeat carries them and nothing is lost."""
    db = open_usage(env)
    with _durable(db):
        beat = Heartbeat.get_or_none(Heartbeat.key == key)
        if beat is None or beat.state != PENDING:
            return
        held = Period.get_or_none(Period.id == beat.period)
        current = _open_period()
        for name, item, value in (
            Tally.select(Tally.name, Tally.item, Tally.value).where(Tally.period == beat.period).tuples()
        ):
            _upsert(current.id, name, item, value)
        Tally.delete().where(Tally.period == beat.period).execute()
        if held is not None:
            Period.update(since=held.since).where(Period.id == current.id).execute()
            held.delete_instance()
        Heartbeat.update(state=HELD, attempts=Heartbeat.attempts + 1, last_error=reason).where(
            Heartbeat.key == key
        ).execute()
