import contextlib
import socket
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from flask import Flask
from werkzeug.serving import make_server

from kiosk.applications.models import Application, Outbox
from kiosk.applications.outbox import OutboxWorker, backoff_seconds, deliver_outbox
from kiosk.applications.records import get_application, submit_application
from kiosk.central import intake
from kiosk.central.intake_models import IntakeApplication
from kiosk.config import load_config
from kiosk.environment import Env
from kiosk.errors import ConfigError
from kiosk.http import build_session
from tests.applications.samples import person
from tests.central.intake_server import running_intake

CHINA = timezone(timedelta(hours=8))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 9, 28, 9, 30, tzinfo=CHINA)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def central(tmp_path):
    with running_intake(f"sqlite:///{tmp_path / 'central.sqlite3'}") as server:
        yield server


def terminal_env(home, url: str, token: str, clock=None, **settings) -> Env:
    environ = {"KIOSK_CENTRAL_URL": url, "KIOSK_TERMINAL_TOKEN": token, "KIOSK_TERMINAL_ID": "hall-1"}
    environ |= {f"KIOSK_{k.upper()}": str(v) for k, v in settings.items()}
    return Env(home=home, config=load_config(None, environ), clock=clock or Clock())


def no_retries(env: Env):
    return build_session(env, retries=0)


@contextlib.contextmanager
def answering(status: int):
    """A server that answers every request with `status` (a proxy in trouble, a broken central)."""
    app = Flask("broken")

    @app.route("/<path:anything>", methods=["GET", "POST"])
    def everything(anything):
        return {"error": {"code": "x", "message_zh": "x", "message_en": "x"}}, status

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_delivery_reaches_central_once_and_confirms_locally(home, central):
    env = terminal_env(home, central.url, central.add_terminal("hall-1"))
    tracking = submit_application(env, person()).tracking
    report = deliver_outbox(env)
    assert (report.delivered, report.pending, report.offline) == (1, 0, False)
    app = get_application(env, tracking)
    assert app.status == "received" and app.confirmed_at
    assert Outbox.get_by_id(tracking).state == "delivered"
    stored = IntakeApplication.get(IntakeApplication.tracking == tracking)
    assert stored.idempotency_key == app.idempotency_key
    assert deliver_outbox(env).delivered == 0


def test_a_terminal_that_died_before_noting_the_answer_gets_the_same_application_back(home, central):
    env = terminal_env(home, central.url, central.add_terminal("hall-1"))
    tracking = submit_application(env, person()).tracking
    deliver_outbox(env)
    # as if killed after central stored it but before the local commit
    Outbox.update(state="pending", delivered_at=None).execute()
    Application.update(confirmed_at=None, status="pending").execute()
    report = deliver_outbox(env)
    assert (report.delivered, report.replayed) == (0, 1)
    assert IntakeApplication.select().where(IntakeApplication.tracking == tracking).count() == 1


def test_when_central_is_unreachable_delivery_backs_off_and_retries_later(home):
    env = terminal_env(home, closed_port_url(), "0001-token")
    tracking = submit_application(env, person()).tracking
    report = deliver_outbox(env, http=no_retries(env))
    assert report.offline and report.retry_later == 1 and report.pending == 1
    entry = Outbox.get_by_id(tracking)
    assert entry.attempts == 1 and entry.next_attempt > time.time() + 15
    assert "network" in entry.last_error
    assert deliver_outbox(env, http=no_retries(env)).retry_later == 0  # still backing off
    assert deliver_outbox(env, http=no_retries(env), force=True).retry_later == 1
    assert Outbox.get_by_id(tracking).attempts == 2


def test_backoff_doubles_up_to_an_hour_with_jitter():
    assert 22 <= backoff_seconds(1) <= 38
    assert 45 <= backoff_seconds(2) <= 75
    assert backoff_seconds(30) <= 3600 * 1.25


@pytest.mark.parametrize(("status", "state"), [(503, "pending"), (502, "pending"), (422, "held"), (409, "held")])
def test_server_errors_are_retried_and_refusals_are_held_for_a_clerk(home, status, state):
    with answering(status) as url:
        env = terminal_env(home, url, "0001-token")
        tracking = submit_application(env, person()).tracking
        deliver_outbox(env, http=no_retries(env))
    assert Outbox.get_by_id(tracking).state == state
    if state == "held":
        assert get_application(env, tracking).status == "held"


def test_a_refused_token_stops_the_pass_and_keeps_everything(home, central):
    env = terminal_env(home, central.url, "0001-not-issued")
    submit_application(env, person())
    submit_application(env, person())
    report = deliver_outbox(env)
    assert report.offline and report.retry_later == 1 and report.pending == 2
    assert "terminal token" in report.errors[0]


def test_status_changes_made_at_central_come_back_to_the_terminal(home, central):
    env = terminal_env(home, central.url, central.add_terminal("hall-1"))
    tracking = submit_application(env, person()).tracking
    deliver_outbox(env)
    intake.set_status(tracking, "needs_correction", "请补充所需信息的文号")
    assert deliver_outbox(env).statuses_updated == 1
    app = get_application(env, tracking)
    assert (app.status, app.status_note) == ("needs_correction", "请补充所需信息的文号")
    intake.set_status(tracking, "answered")
    deliver_outbox(env)
    assert get_application(env, tracking).status == "answered"


def test_personal_data_goes_once_central_confirmed_and_the_retention_passed(home, central):
    clock = Clock()
    env = terminal_env(home, central.url, central.add_terminal("hall-1"), clock=clock, retention_days=7)
    tracking = submit_application(env, person()).tracking
    assert deliver_outbox(env).purged == 0
    clock.now += timedelta(days=8)
    assert deliver_outbox(env).purged == 1
    assert get_application(env, tracking).sealed is None


def test_delivery_needs_a_central_url_and_a_token(home):
    submit_application(terminal_env(home, "", ""), person())
    with pytest.raises(ConfigError) as info:
        deliver_outbox(terminal_env(home, "", ""))
    assert info.value.field == "central_url"
    with pytest.raises(ConfigError):
        deliver_outbox(terminal_env(home, "http://127.0.0.1:1", ""))


def test_the_background_worker_delivers_on_its_own(home, central):
    env = terminal_env(home, central.url, central.add_terminal("hall-1"))
    tracking = submit_application(env, person()).tracking
    worker = OutboxWorker(env, interval_seconds=0.05)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while Outbox.get_by_id(tracking).state != "delivered" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        worker.join(timeout=5)
    assert Outbox.get_by_id(tracking).state == "delivered"
