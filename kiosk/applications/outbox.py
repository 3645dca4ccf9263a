"""Delivery of applications to the central intake, exactly once: every attempt carries the same
idempotency key, so a terminal that dies after central stored an application (but before it
noted the answer) simply asks again and gets the stored one back. What to do with an answer is
decided by `judge_answer` from the answer alone (no I/O, tested with plain values): outages back
off and are retried for as long as they last, refusals that no retry can fix are held for a clerk,
and a request central keeps failing on is held after a bounded number of tries. A held
application stays sealed in the outbox. Status changes come back the same way, and the terminal's
heartbeat goes out under the same rules (stored with its key before it is sent, judged the same)."""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import requests
from peewee import PeeweeException

from kiosk import heartbeat, usage
from kiosk.applications import channels, statuses
from kiosk.applications.applications_db import open_applications
from kiosk.applications.models import Application, Outbox, database
from kiosk.applications.records import personal_data, purge_expired, sealer_for
from kiosk.environment import Env
from kiosk.errors import ConfigError, KioskError, StorageError
from kiosk.http import session

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30.0
BACKOFF_MAX_SECONDS = 3600.0
STATUS_BATCH = 500
# Central or the way to it is down, or asks us to slow down: every application would get the same
# answer, so the pass stops and everything is retried later, for as long as the outage lasts.
UNAVAILABLE_STATUSES = frozenset({408, 429, 502, 503, 504})
# The terminal's token or central_url is wrong: fixed by the IT officer, not per application.
MISCONFIGURED_STATUSES = frozenset({401, 403, 404, 405})
# A server error on this one request (central answers, but fails on it): with back-off from 30 s
# this many tries span about an hour; a central bug that outlasts that will not go away by itself,
# so the application is held for a clerk instead of being sent forever.
MAX_SERVER_ERRORS = 8

CONFIRMED, RETRY, HOLD = "confirmed", "retry", "hold"


@dataclass(frozen=True)
class Verdict:
    """What to do with central's answer to one delivery."""

    action: str  # CONFIRMED | RETRY | HOLD
    reason: str  # short English, never personal data; kept as the outbox entry's last_error
    replayed: bool = False  # confirmed: central already had it
    stop_pass: bool = False  # every other application would get the same answer now
    blames_request: bool = False  # counts towards MAX_SERVER_ERRORS


def judge_answer(status: int, body: Any, tracking: str, server_errors_before: int = 0) -> Verdict:
    """Central's answer (HTTP status, parsed JSON body or None) to the delivery of `tracking`, after
    `server_errors_before` earlier server errors for it → confirm, retry later or hold for a clerk."""
    if status in (200, 201):
        if isinstance(body, dict) and body.get("tracking") == tracking:
            return Verdict(CONFIRMED, "", replayed=status == 200)
        # Not central's answer (a captive portal, a misrouted proxy): never take it as a receipt,
        # or the personal data would be purged from a terminal while central has nothing.
        return Verdict(RETRY, f"HTTP {status} without central's receipt", stop_pass=True)
    if status in MISCONFIGURED_STATUSES:
        what = "terminal token" if status in (401, 403) else "central_url"
        return Verdict(RETRY, f"refused: HTTP {status} ({what})", stop_pass=True)
    if status in UNAVAILABLE_STATUSES:
        return Verdict(RETRY, f"HTTP {status} (central unavailable)", stop_pass=True)
    if 400 <= status < 500:
        return Verdict(HOLD, _refusal_code(status, body))
    errors = server_errors_before + 1
    if errors >= MAX_SERVER_ERRORS:
        return Verdict(HOLD, f"http_{status}: failed {errors} times", blames_request=True)
    return Verdict(RETRY, f"HTTP {status} (server error {errors} of {MAX_SERVER_ERRORS})", blames_request=True)


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


def _endpoint(env: Env, path: str, meanwhile_zh: str = "申请暂存本机") -> str:
    base = env.config.central_url.strip()
    if not base:
        raise ConfigError(
            f"未配置中心受理地址（central_url），{meanwhile_zh}。", "central_url is not set", field="central_url"
        )
    if not env.config.terminal_token:
        raise ConfigError(
            f"未配置终端令牌（terminal_token），{meanwhile_zh}。", "terminal_token is not set", field="terminal_token"
        )
    return base.rstrip("/") + path


def _headers(env: Env) -> dict[str, str]:
    return {"Authorization": f"Bearer {env.config.terminal_token}"}


def payload(app: Application, data: dict[str, Any]) -> dict[str, Any]:
    body = {
        "tracking": app.tracking,
        "terminal_id": app.terminal_id,
        "received_at": app.received_at,
        "due": app.due.isoformat(),
        "extended_due": app.extended_due.isoformat(),
        "calendar_complete": bool(app.calendar_complete),
        "application": data,
    }
    # Only a paper application says how it came: a kiosk one goes out as before, so a central that
    # predates the field keeps taking everything residents type in.
    if app.channel != channels.KIOSK:
        body["channel"] = app.channel
    return body


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
    verdict = judge_answer(response.status_code, _json_or_none(response), app.tracking, entry.failures)
    if verdict.stop_pass:
        report.offline = True
    if verdict.action == CONFIRMED:
        _confirmed(env, app, entry, replayed=verdict.replayed, report=report)
    elif verdict.action == HOLD:
        _hold(entry, verdict.reason, report, f"HTTP {response.status_code}", failed=verdict.blames_request)
    else:
        _retry(entry, verdict.reason, report, failed=verdict.blames_request)


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):
        return None


def _refusal_code(status: int, body: Any) -> str:
    """`code:field,field` from central's error body, e.g. `invalid:application.phone`; short and
    free of personal data (codes and field names only)."""
    try:
        code = body["error"]["code"]
        fields = ",".join(e["field"] for e in body.get("errors", []))
    except (KeyError, TypeError):
        return f"http_{status}"
    if not isinstance(code, str) or not isinstance(fields, str):
        return f"http_{status}"
    reason = f"{code}:{fields}" if fields else code
    return reason[:200]


def _confirmed(env: Env, app: Application, entry: Outbox, *, replayed: bool, report: DeliveryReport) -> None:
    now = env.now().isoformat(timespec="seconds")
    with database.atomic():
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


def _retry(entry: Outbox, reason: str, report: DeliveryReport, *, failed: bool = False) -> None:
    attempts = entry.attempts + 1
    Outbox.update(
        attempts=attempts,
        failures=entry.failures + failed,
        next_attempt=time.time() + backoff_seconds(attempts),
        last_error=reason,
    ).where(Outbox.application == entry.application_id).execute()
    report.retry_later += 1
    report.errors.append(f"{entry.application_id}: {reason}")
    log.warning("delivery of %s failed (%s); attempt %d", entry.application_id, reason, attempts)


def _hold(entry: Outbox, reason: str, report: DeliveryReport, detail: str, *, failed: bool = False) -> None:
    with database.atomic():
        Outbox.update(
            state="held", attempts=entry.attempts + 1, failures=entry.failures + failed, last_error=reason
        ).where(Outbox.application == entry.application_id).execute()
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


# --- heartbeats ---------------------------------------------------------------------------------


def judge_heartbeat_answer(status: int, body: Any, server_errors_before: int = 0) -> Verdict:
    """Central's answer to a heartbeat → confirm, retry later or hold: the applications' rules, with
    central's heartbeat receipt ({"stored": true|false}) in place of an application's."""
    if status in (200, 201):
        if isinstance(body, dict) and isinstance(body.get("stored"), bool):
            return Verdict(CONFIRMED, "", replayed=status == 200)
        return Verdict(RETRY, f"HTTP {status} without central's receipt", stop_pass=True)
    verdict = judge_answer(status, body, "", server_errors_before)
    code = body.get("code") if isinstance(body, dict) else None  # the contract's refusal: {code, message_*}
    if verdict.action == HOLD and isinstance(code, str) and code:
        return replace(verdict, reason=code[:200])
    return verdict


@dataclass
class HeartbeatReport:
    sent: int = 0  # requests made
    delivered: int = 0  # central stored a heartbeat now
    replayed: int = 0  # central already had it (an earlier attempt got through)
    held: int = 0  # refused for good; its counts went back to the next heartbeat
    pending: str | None = None  # key of a heartbeat still waiting for central
    last: dict[str, Any] | None = None  # the body of the last heartbeat sent
    errors: list[str] = field(default_factory=list)  # short English reasons

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def deliver_heartbeat(env: Env, *, force: bool = False, http: requests.Session | None = None) -> HeartbeatReport:
    """Resend the stored heartbeat if one waits (when its back-off is over), then, once it is through
    and the interval has passed since the last one was built, close the counters into a new one and
    send it. `force` ignores back-off and interval (`kiosk heartbeat`)."""
    url = _endpoint(env, "/v1/heartbeats", "无法向中心报告本机状态")
    http = http or session(env)
    report = HeartbeatReport()
    waiting = usage.pending_heartbeat(env)
    if waiting is not None:
        if not force and waiting.next_attempt > time.time():
            report.pending = waiting.key
            return report
        if not _send_heartbeat(env, http, url, waiting, report):
            return report
    interval = env.config.heartbeat_interval_minutes * 60
    if not force and (interval == 0 or not usage.heartbeat_due(env, interval)):
        return report
    status = heartbeat.collect_status(env)
    beat = usage.close_period(
        env,
        lambda counters, key, now: heartbeat.build_body(
            status, counters, key=key, sent_at=now, titles=heartbeat.catalog_titles(env)
        ),
    )
    _send_heartbeat(env, http, url, beat, report)
    return report


def _send_heartbeat(env: Env, http: requests.Session, url: str, beat: usage.Heartbeat, report: HeartbeatReport) -> bool:
    """Post one stored heartbeat with its own key; True once central holds it."""
    report.sent += 1
    report.last = beat.data
    headers = {**_headers(env), "Idempotency-Key": beat.key, "Content-Type": "application/json"}
    try:
        response = http.post(url, data=beat.body.encode("utf-8"), headers=headers)
    except requests.RequestException as exc:
        reason = f"network: {exc.__class__.__name__}"
        verdict = Verdict(RETRY, reason, stop_pass=True)
    else:
        verdict = judge_heartbeat_answer(response.status_code, _json_or_none(response), beat.failures)
    if verdict.action == CONFIRMED:
        usage.acknowledged(env, beat.key)
        report.replayed += verdict.replayed
        report.delivered += not verdict.replayed
        log.info("heartbeat %s stored by central%s", beat.key, " (replay)" if verdict.replayed else "")
        return True
    report.errors.append(f"heartbeat: {verdict.reason}")
    if verdict.action == HOLD:
        usage.refused(env, beat.key, verdict.reason)
        report.held += 1
        log.error("heartbeat %s refused by central: %s; its counts go into the next one", beat.key, verdict.reason)
    else:
        usage.retry_later(
            env, beat.key, verdict.reason, backoff_seconds(beat.attempts + 1), failed=verdict.blames_request
        )
        report.pending = beat.key
        log.warning("heartbeat %s not delivered (%s); attempt %d", beat.key, verdict.reason, beat.attempts + 1)
    return False


class OutboxWorker(threading.Thread):
    """Delivers in the background (the UI starts one); failures are logged and retried later."""

    def __init__(self, env: Env, interval_seconds: float = 60.0) -> None:
        super().__init__(name="outbox", daemon=True)
        self.env = env
        self.interval = interval_seconds
        self._stop_event = threading.Event()
        self._wake = threading.Event()
        self.last_report: DeliveryReport | None = None
        self.last_heartbeat: HeartbeatReport | None = None

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.last_report = deliver_outbox(self.env)
            except KioskError as exc:
                log.warning("outbox pass skipped: %s", exc.message_en)
            try:  # apart: a heartbeat that cannot go out must not stop applications, nor the reverse
                self.last_heartbeat = deliver_heartbeat(self.env)
            except (KioskError, PeeweeException) as exc:
                log.warning("heartbeat skipped: %s", getattr(exc, "message_en", exc))
            self._wake.wait(self.interval)
            self._wake.clear()

    def wake(self) -> None:
        """Deliver now (just after a submit) instead of at the next interval."""
        self._wake.set()

    def stop(self) -> None:
        self._stop_event.set()
        self._wake.set()
