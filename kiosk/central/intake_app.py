"""The intake web service (WSGI, Flask): terminals post applications with their token and an
idempotency key, and fetch back status changes. Stateless: run as many processes as needed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, Response, g, jsonify, request
from peewee import Database, InterfaceError, OperationalError, SqliteDatabase
from werkzeug.exceptions import HTTPException

from kiosk.central import intake
from kiosk.central.intake_heartbeats import record_heartbeat
from kiosk.central.intake_models import intake_database
from kiosk.workdays import WorkCalendar

log = logging.getLogger(__name__)

# An application is a few kilobytes (description ≤ 2,000 characters); 64 KiB leaves room and
# stops a misbehaving client from filling memory.
MAX_REQUEST_BYTES = 64 * 1024
API = "/v1"


def _local_now() -> datetime:
    return datetime.now().astimezone()


def create_intake_app(
    db: Database,
    *,
    calendar: WorkCalendar | None = None,
    clock: Callable[[], datetime] = _local_now,
    precheck: Callable[[str, str], list[dict[str, Any]]] | None = None,
    console: dict[str, Any] | None = None,
) -> Flask:
    """The WSGI app on an opened intake database (see kiosk.central.intake_db.open_intake).
    `calendar` is the office's working-day calendar that deadlines are counted from (the one it
    signs into the feed); `clock` is central's clock, which bounds what terminals may claim.
    `precheck`: the "already disclosed?" lookup in central's catalog, whose matches are kept with each
    application (the console's topics); `console`: options of the office's console mounted at
    /console/ (kiosk.central.console.web.register), None for the API alone."""
    calendar = calendar or WorkCalendar()
    app = Flask("kiosk.central.intake")
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    pooled = not isinstance(db, SqliteDatabase)
    intake_database.initialize(db)  # one intake database per process

    @app.before_request
    def _connect() -> None:
        if pooled:
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def _release(exc: BaseException | None) -> None:
        # PostgreSQL: return the connection to the pool. SQLite keeps one per server thread.
        if pooled and not db.is_closed():
            db.close()

    @app.errorhandler(intake.Refusal)
    def _refused(error: intake.Refusal) -> tuple[Response, int]:
        return jsonify(_flat_for_heartbeats(error.to_dict())), error.status

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response, int]:
        code = error.code or 500
        zh = {413: "请求内容过大。", 404: "地址不存在。", 405: "不支持的请求方法。"}.get(code, "请求无效。")
        if request.path.startswith("/console"):  # people read the console: a page, not JSON
            page = f"<!doctype html><meta charset=utf-8><title>{code}</title><p>{zh}</p><p><a href=/console/>返回</a>"
            return Response(page, mimetype="text/html"), code
        return jsonify(_flat_for_heartbeats(_error("http_" + str(code), zh, error.description or error.name))), code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[Response, int]:
        # A bug, not bad input (that is a Refusal): the log gets the traceback, the client a JSON
        # 500 the outbox can act on, never an HTML page.
        log.exception("intake request failed: %s %s", request.method, request.path)
        return jsonify(_error("internal", "受理服务出错，请稍后重试。", "internal error")), 500

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_down(error: Exception) -> tuple[Response, int]:
        log.error("intake database unavailable: %s", error.__class__.__name__)
        return jsonify(_error("unavailable", "受理服务暂时不可用，请稍后重试。", "database unavailable")), 503

    def _terminal() -> intake.Terminal:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        terminal = intake.terminal_for_token(token)
        if terminal is None:
            raise intake.Refusal(401, "unauthorized", "终端未获授权。", "missing, unknown or revoked terminal token")
        g.terminal = terminal
        return terminal

    def _json_body() -> Any:
        if not request.is_json:
            raise intake.Refusal(415, "not_json", "请求应为 JSON。", "Content-Type must be application/json")
        return intake.parse_body(request.get_data(cache=False))

    @app.get(f"{API}/health")
    def health() -> Response:
        intake_database.execute_sql("SELECT 1")
        return jsonify({"ok": True})

    @app.post(f"{API}/applications")
    def receive() -> tuple[Response, int]:
        terminal = _terminal()
        body = _json_body()
        stored, created = intake.record_application(
            terminal, request.headers.get("Idempotency-Key", ""), body, now=clock(), calendar=calendar
        )
        if precheck is not None and created:
            intake.keep_matches(stored, precheck)
        # The deadlines central counted are the ones that bind; the terminal may show them.
        reply = {
            "tracking": stored.tracking,
            "status": stored.status,
            "received_at": stored.received_at,
            "received_at_central": stored.created_at,
            "due": _iso(stored.due),
            "extended_due": _iso(stored.extended_due),
            "calendar_complete": bool(stored.calendar_complete),
            "replayed": not created,
        }
        return jsonify(reply), 201 if created else 200

    @app.post(f"{API}/statuses")
    def fetch_statuses() -> Response:
        terminal = _terminal()
        body = _json_body()
        trackings = body.get("tracking") if isinstance(body, dict) else None
        return jsonify({"statuses": intake.statuses_for(terminal, trackings)})

    @app.post(f"{API}/heartbeats")
    def receive_heartbeat() -> tuple[Response, int]:
        terminal = _terminal()
        # Any content type: the contract promises 400 for what does not parse, never 415.
        stored = record_heartbeat(terminal, intake.parse_body(request.get_data(cache=False)), clock())
        return jsonify({"stored": stored}), 201 if stored else 200

    if console is not None:
        from kiosk.central.console.web import register

        register(app, calendar=calendar, clock=clock, **console)

    return app


def _flat_for_heartbeats(body: dict[str, Any]) -> dict[str, Any]:
    """The heartbeat contract names {code, message_zh, message_en} at the top level; the other
    endpoints nest them under "error". Heartbeat answers carry both, so either reading works."""
    if request.path == f"{API}/heartbeats":
        return body | body["error"]
    return body


def _iso(day: Any) -> str:
    return day.isoformat() if hasattr(day, "isoformat") else str(day)


def _error(code: str, zh: str, en: str) -> dict[str, Any]:
    return {"error": {"code": code, "message_zh": zh, "message_en": en}}
