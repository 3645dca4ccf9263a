"""Delivery of applications to the central intake, exactly once: every attempt carries the same
idempotency key, so a terminal that dies after central stored an application (but before it
noted the answer) simply asks again and gets the stored one back. Failures back off; refusals
that no retry can fix are held for a clerk. Status changes come back the same way."""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import requests

from kiosk.applications import statuses
from kiosk.applications.models import Application, Outbox
from kiosk.applications.records import personal_data, purge_expired, sealer_for
from kiosk.applications.store import open_applications
from kiosk.environment import Env
from kiosk.errors import ConfigError, KioskError, StorageError
from kiosk.http import session

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30.0
BACKOFF_MAX_SECONDS = 3600.0
STATUS_BATCH = 500
# Refusals a retry cannot fix: the application waits for a clerk instead of being sent forever.
HOLD_STATUSES = {400, 409, 413, 415, 422}


@dataclass
class DeliveryReport:
    delivered: int = 0  # central stored it now
    replayed: int = 0  # central already had it (an earlier attempt got through)
    retry_later: int = 0
    held: int = 0
    pending: int = 0  # still waiting after this pass
    statuses_updated: int = 0
    purged: int = 0
    offline: bool = False
    errors: list[str] = field(default_factory=list)  # short English reasons, never personal data

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def backoff_seconds(attempts: int) -> float:
    """30 s, 1 min, 2 min … up to an hour, with jitter so a hall of terminals does not retry in step."""
    delay = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    return delay * random.uniform(0.75, 1.25)


def _endpoint(env: Env, path: str) -> str:
    base = env.config.central_url.strip()
    if not base:
        raise ConfigError(
            "未配置中心受理地址（central_url），申请暂存本机。", "central_url is not set", field="central_url"
        )
    if not env.config.terminal_token:
        raise ConfigError(
            "未配置终端令牌（terminal_token），申请暂存本机。", "terminal_token is not set", field="terminal_token"
        )
    return base.rstrip("/") + path


def _headers(env: Env) -> dict[str, str]:
    return {"Authorization": f"Bearer {env.config.terminal_token}"}


def payload(app: Application, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "tracking": app.tracking,
        "terminal_id": app.terminal_id,
        "received_at": app.received_at,
        "due": app.due.isoformat(),
        "extended_due": app.extended_due.isoformat(),
        "calendar_complete": bool(app.calendar_complete),
        "application": data,
    }


def deliver_outbox(env: Env, *, force: bool = False, http: requests.Session | None = None) -> DeliveryReport:
    """One pass: send what is due (everything pending with `force`), fetch status changes, purge."""
    url = _endpoint(env, "/v1/applications")
    http = http or session(env)
    open_applications(env)
    report = DeliveryReport()
    sealer = sealer_for(env)
    query = Outbox.select(Outbox, Application).join(Application).where(Outbox.state == "pending")
    if not force:
        query = query.where(Outbox.next_attempt <= time.time())
    for entry in query.order_by(Application.received_at):
        if report.offline:
            break
        _deliver_one(env, http, url, entry, sealer, report)
    if not report.offline:
        _refresh_statuses(env, http, report)
    report.purged = purge_expired(env)
    report.pending = Outbox.select().where(Outbox.state == "pending").count()
    return report


def _deliver_one(env: Env, http: requests.Session, url: str, entry: Outbox, sealer, report: DeliveryReport) -> None:
    app: Application = entry.application
    try:
        data = personal_data(env, app, sealer)
    except StorageError as exc:
        _hold(entry, "key_missing", report, exc.message_en)
        return
    if data is None:  # purged before delivery cannot happen (purge waits for confirmation); be safe
        _hold(entry, "purged", report, "personal data gone before delivery")
        return
    headers = {**_headers(env), "Idempotency-Key": app.idempotency_key}
    try:
        response = http.post(url, json=payload(app, data), headers=headers)
    except requests.RequestException as exc:
        report.offline = True
        _retry(entry, f"network: {exc.__class__.__name__}", report)
        return
    if response.status_code in (200, 201):
        _confirmed(env, app, entry, replayed=response.status_code == 200, report=report)
    elif response.status_code in (401, 403):
        report.offline = True  # every other item would be refused too
        _retry(entry, f"refused: HTTP {response.status_code} (terminal token)", report)
    elif response.status_code in HOLD_STATUSES:
        _hold(entry, _refusal_code(response), report, f"HTTP {response.status_code}")
    else:
        _retry(entry, f"HTTP {response.status_code}", report)


def _refusal_code(response: requests.Response) -> str:
    try:
        body = response.json()
        code = body["error"]["code"]
        fields = ",".join(e["field"] for e in body.get("errors", []))
    except (ValueError, KeyError, TypeError):
        return f"http_{response.status_code}"
    return f"{code}:{fields}" if fields else str(code)


def _confirmed(env: Env, app: Application, entry: Outbox, *, replayed: bool, report: DeliveryReport) -> None:
    now = env.now().isoformat(timespec="seconds")
    with Outbox._meta.database.atomic():
        Outbox.update(state="delivered", delivered_at=now, last_error=None, attempts=Outbox.attempts + 1).where(
            Outbox.application == app.tracking
        ).execute()
        Application.update(confirmed_at=now).where(
            (Application.tracking == app.tracking) & Application.confirmed_at.is_null()
        ).execute()
        Application.update(status=statuses.RECEIVED, status_at=now).where(
            (Application.tracking == app.tracking) & (Application.status == statuses.PENDING)
        ).execute()
    if replayed:
        report.replayed += 1
    else:
        report.delivered += 1
    log.info("application %s confirmed by central%s", app.tracking, " (replay)" if replayed else "")


def _retry(entry: Outbox, reason: str, report: DeliveryReport) -> None:
    attempts = entry.attempts + 1
    Outbox.update(attempts=attempts, next_attempt=time.time() + backoff_seconds(attempts), last_error=reason).where(
        Outbox.application == entry.application_id
    ).execute()
    report.retry_later += 1
    report.errors.append(f"{entry.application_id}: {reason}")
    log.warning("delivery of %s failed (%s); attempt %d", entry.application_id, reason, attempts)


def _hold(entry: Outbox, reason: str, report: DeliveryReport, detail: str) -> None:
    with Outbox._meta.database.atomic():
        Outbox.update(state="held", attempts=entry.attempts + 1, last_error=reason).where(
            Outbox.application == entry.application_id
        ).execute()
        Application.update(status=statuses.HELD).where(Application.tracking == entry.application_id).execute()
    report.held += 1
    report.errors.append(f"{entry.application_id}: held ({reason})")
    log.error("application %s held for a clerk: %s (%s)", entry.application_id, reason, detail)


def _refresh_statuses(env: Env, http: requests.Session, report: DeliveryReport) -> None:
    """Ask central for the status of every delivered application not yet finished."""
    url = _endpoint(env, "/v1/statuses")
    open_trackings = [
        a.tracking
        for a in Application.select(Application.tracking).where(
            Application.confirmed_at.is_null(False) & Application.status.not_in(statuses.FINAL_STATUSES)
        )
    ]
    for start in range(0, len(open_trackings), STATUS_BATCH):
        batch = open_trackings[start : start + STATUS_BATCH]
        try:
            response = http.post(url, json={"tracking": batch}, headers=_headers(env))
        except requests.RequestException as exc:
            report.errors.append(f"statuses: network: {exc.__class__.__name__}")
            return
        if response.status_code != 200:
            report.errors.append(f"statuses: HTTP {response.status_code}")
            return
        try:
            rows = response.json()["statuses"]
        except (ValueError, KeyError, TypeError):
            report.errors.append("statuses: malformed reply")
            return
        local = {a.tracking: a for a in Application.select().where(Application.tracking.in_(batch))}
        for row in rows:
            if not isinstance(row, dict) or row.get("status") not in statuses.CENTRAL_STATUSES:
                continue
            app = local.get(row.get("tracking"))
            if app is None or (app.status, app.status_note, app.status_at) == (
                row["status"],
                row.get("note"),
                row.get("at"),
            ):
                continue
            Application.update(status=row["status"], status_note=row.get("note"), status_at=row.get("at")).where(
                Application.tracking == app.tracking
            ).execute()
            report.statuses_updated += 1


class OutboxWorker(threading.Thread):
    """Delivers in the background (the UI starts one); failures are logged and retried later."""

    def __init__(self, env: Env, interval_seconds: float = 60.0) -> None:
        super().__init__(name="outbox", daemon=True)
        self.env = env
        self.interval = interval_seconds
        self._stop_event = threading.Event()
        self._wake = threading.Event()
        self.last_report: DeliveryReport | None = None

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.last_report = deliver_outbox(self.env)
            except KioskError as exc:
                log.warning("outbox pass skipped: %s", exc.message_en)
            self._wake.wait(self.interval)
            self._wake.clear()

    def wake(self) -> None:
        """Deliver now (just after a submit) instead of at the next interval."""
        self._wake.set()

    def stop(self) -> None:
        self._stop_event.set()
        self._wake.set()
