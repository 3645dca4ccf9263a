"""The console's web layer (Flask blueprint at /console/, Jinja templates): sessions that expire,
lockout, a CSRF token on every form, strict security headers; views call kiosk.central.console's
core modules and render the result."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from kiosk.applications import statuses
from kiosk.applications.identity import ID_TYPE_NAMES
from kiosk.applications.validation import describe_choice
from kiosk.central.console import actions, fleet, officers, report, settings
from kiosk.central.console.letter import letter_pdf
from kiosk.central.console.outcomes import COLUMNS, OUTCOMES, ROWS, outcome_label
from kiosk.central.intake_models import Officer
from kiosk.errors import KioskError, NotFound, Refused, StorageError
from kiosk.private_files import tighten_private_file, write_private_file
from kiosk.workdays import WorkCalendar

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=10)
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
STATUS_FILTERS = (("open", "未办结"), ("all", "全部"), *((s, statuses.label_zh(s)) for s in statuses.CENTRAL_STATUSES))


def register(
    app: Flask,
    *,
    calendar: WorkCalendar,
    clock: Callable[[], datetime],
    secret: bytes,
    secure_cookies: bool = False,
) -> None:
    """Mount the console on the intake app. `secret` signs the session cookie (kept in a 0600 file by
    `kiosk central serve`); `secure_cookies` when served behind HTTPS."""
    app.secret_key = secret
    app.config.update(
        SESSION_COOKIE_NAME="console_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_COOKIE_PATH="/console",
        PERMANENT_SESSION_LIFETIME=ABSOLUTE,
    )
    bp = Blueprint(
        "console",
        __name__,
        url_prefix="/console",
        template_folder=str(HERE / "templates"),
        static_folder=str(HERE / "static"),
    )

    def now() -> datetime:
        return clock()

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return session["csrf"]

    def current() -> Officer | None:
        name = session.get("officer")
        if not name:
            return None
        moment = now().timestamp()
        if (
            moment - session.get("seen", 0) > IDLE.total_seconds()
            or moment - session.get("since", 0) > ABSOLUTE.total_seconds()
        ):
            session.clear()
            flash("登录已超时，请重新登录。")
            return None
        officer = Officer.get_or_none(Officer.name == name)
        if officer is None or officer.disabled_at is not None:
            session.clear()
            return None
        session["seen"] = moment
        return officer

    @bp.app_context_processor
    def _globals() -> dict[str, Any]:
        return {"csrf_token": csrf_token, "choice": describe_choice, "id_type_name": ID_TYPE_NAMES.get}

    @bp.before_request
    def _guard() -> Response | None:
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            wanted = session.get("csrf", "")
            if not wanted or not hmac.compare_digest(sent.encode(), wanted.encode()):
                log.warning("console POST without a valid CSRF token: %s", request.path)
                return Response(
                    render_template("error.html", message="请求已失效（缺少安全令牌），请刷新页面后重试。"), 400
                )
        if request.endpoint in ("console.login", "console.static"):
            return None
        officer = current()
        if officer is None:
            return redirect(url_for("console.login", next=request.path))
        request.officer = officer  # type: ignore[attr-defined]
        return None

    @bp.after_app_request
    def _headers(response: Response) -> Response:
        if request.path.startswith("/console"):
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"  # personal data must not stay in a browser cache
        return response

    @bp.errorhandler(KioskError)
    def _kiosk_error(error: KioskError) -> tuple[str, int]:
        log.info("console: %s", error.message_en)
        return render_template("error.html", message=error.message_zh), 404 if isinstance(error, NotFound) else 400

    @bp.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "GET":
            return render_template("login.html")
        try:
            officer = officers.log_in(request.form.get("name", ""), request.form.get("password", ""), now())
        except Refused as exc:
            return render_template("login.html", error=exc.message_zh, name=request.form.get("name", "")), 401
        session.clear()  # a fresh session (and CSRF token) after login: no fixation
        session.permanent = True
        moment = now().timestamp()
        session.update(officer=officer.name, role=officer.role, since=moment, seen=moment)
        target = request.args.get("next", "")
        return redirect(target if target.startswith("/console/") and "//" not in target else url_for("console.queue"))

    @bp.post("/logout")
    def logout() -> Any:
        officers.audit(session.get("officer", "?"), "logout", None, None, now())
        session.clear()
        return redirect(url_for("console.login"))

    def _date(name: str) -> date | None:
        value = request.args.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            flash(f"日期“{value[:20]}”格式不正确，应为 YYYY-MM-DD，已忽略。")
            return None

    @bp.get("/")
    def queue() -> str:
        status = request.args.get("status", "open")
        filters = actions.Filters(
            status=status if status in dict(STATUS_FILTERS) else "open",
            terminal=request.args.get("terminal", "").strip(),
            received_from=_date("received_from"),
            received_to=_date("received_to"),
            due_from=_date("due_from"),
            due_to=_date("due_to"),
        )
        rows = actions.queue(calendar, now().date(), filters)
        terminals = [t["name"] for t in fleet.fleet(now())]
        return render_template(
            "queue.html", rows=rows, filters=filters, status_filters=STATUS_FILTERS, terminals=terminals, page="queue"
        )

    @bp.get("/a/<tracking>")
    def application(tracking: str) -> str:
        app_view = actions.application(tracking, request.officer.name, calendar, now())  # type: ignore[attr-defined]
        return render_template("application.html", a=app_view, outcomes=OUTCOMES, rows=ROWS, page="queue")

    @bp.post("/a/<tracking>/<action>")
    def act(tracking: str, action: str) -> Any:
        try:
            actions.act(
                tracking,
                action,
                request.officer.name,  # type: ignore[attr-defined]
                calendar,
                now(),
                note=request.form.get("note", ""),
                outcome=request.form.get("outcome", ""),
            )
            flash(f"已{actions.ACTION_ZH.get(action, action)}。")
        except KioskError as exc:
            if isinstance(exc, NotFound):
                raise
            flash(exc.message_zh)
        return redirect(url_for("console.application", tracking=tracking))

    @bp.get("/a/<tracking>/letter.pdf")
    def letter(tracking: str) -> Response:
        officer = request.officer.name  # type: ignore[attr-defined]
        view = actions.application(tracking, officer, calendar, now())
        if view["status"] != "answered":
            abort(404)
        officers.audit(officer, "letter", view["tracking"], view["outcome"], now())
        pdf = letter_pdf(view, settings.office(), now().date())
        return Response(
            pdf,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'inline; filename="reply-{view["tracking"]}.pdf"'},
        )

    def _year() -> int:
        try:
            year = int(request.args.get("year", now().year))
        except ValueError:
            year = now().year
        return min(max(year, 2000), 2999)

    @bp.get("/report")
    def annual() -> str:
        return render_template("report.html", r=report.annual_report(_year()), columns=COLUMNS, page="report")

    @bp.get("/report.csv")
    def annual_csv() -> Response:
        year = _year()
        return Response(
            report.as_csv(report.annual_report(year)),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="annual-report-{year}.csv"'},
        )

    @bp.get("/report.pdf")
    def annual_pdf() -> Response:
        year = _year()
        pdf = report.as_pdf(report.annual_report(year), settings.office()["name"])
        return Response(
            pdf,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'inline; filename="annual-report-{year}.pdf"'},
        )

    @bp.get("/fleet")
    def fleet_page() -> str:
        return render_template("fleet.html", rows=fleet.fleet(now()), page="fleet")

    @bp.get("/usage")
    def usage_page() -> str:
        month = request.args.get("month", "").strip()[:7] or None
        return render_template("usage.html", u=fleet.usage(month), month=month or "", page="usage")

    @bp.get("/audit")
    def audit_page() -> Any:
        if request.officer.role != "admin":  # type: ignore[attr-defined]
            abort(403)
        return render_template("audit.html", lines=officers.audit_trail(limit=500), page="audit")

    app.jinja_env.globals["outcome_label"] = outcome_label
    app.register_blueprint(bp)


SECRET_FILE = "console-session.key"
SECRET_BYTES = 32


def load_secret(keys_dir: Path) -> bytes:
    """The key that signs console session cookies: random, created once 0600 beside the application
    key, so sessions survive a restart and every server process of the office shares them."""
    path = keys_dir / SECRET_FILE
    if not path.exists():
        try:
            keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            # keep_existing: server processes starting together all end up with the first one's secret.
            write_private_file(path, secrets.token_hex(SECRET_BYTES).encode("ascii"), keep_existing=True)
        except OSError as exc:
            raise StorageError(
                f"无法创建控制台会话密钥文件 {path}，请检查该文件夹的权限和磁盘空间。",
                f"cannot create the console session key {path}: {exc}",
            ) from exc
    try:
        tighten_private_file(path, "console session key")
        text = path.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(text)
    except OSError as exc:
        raise StorageError(
            f"无法读取控制台会话密钥文件 {path}，请检查该文件的权限。",
            f"cannot read the console session key {path}: {exc}",
        ) from exc
    except ValueError:  # also UnicodeDecodeError: not the hex text this function writes
        secret = b""
    # An empty key would make every session cookie forgeable, a short one guessable: never serve with one.
    if len(secret) < SECRET_BYTES:
        raise StorageError(
            f"控制台会话密钥文件 {path} 已损坏（为空或不完整）。请删除该文件后重新启动服务，"
            "系统会生成新的密钥（已登录的人员需重新登录）。",
            f"console session key {path} is empty, truncated or not hex: delete it and restart the server "
            "to create a new one (everyone has to log in again)",
        )
    return secret
