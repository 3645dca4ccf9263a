import contextlib
import socket
import threading
import time
from datetime import datetime, timedelta

import pytest
from flask import Flask
from werkzeug.serving import make_server

from kiosk.applications.models import Application, Outbox
from kiosk.applications.outbox import (
    CONFIRMED,
    HOLD,
    MAX_SERVER_ERRORS,
    RETRY,
    OutboxWorker,
    backoff_seconds,
    deliver_outbox,
    judge_answer,
)
from kiosk.applications.records import get_application, personal_data, submit_application
from kiosk.central import intake
from kiosk.central.intake_models import IntakeApplication
from kiosk.config import load_config
from kiosk.environment import Env
from kiosk.errors import ConfigError
from kiosk.http import build_session
from tests.applications.samples import person
from tests.central.intake_server import running_intake
from tests.clock import CHINA, Clock


@pytest.fixture
def central(tmp_path):
    # central's clock agrees with the terminals' test clock: central checks the day of receipt
    with running_intake(f"sqlite:///{tmp_path / 'central.sqlite3'}", clock=Clock()) as server:
        yield server


def terminal_env(home, url: str, token: str, clock=None, **settings) -> Env:
    environ = {"KIOSK_CENTRAL_URL": url, "KIOSK_TERMINAL_TOKEN": token, "KIOSK_TERMINAL_ID": "hall-1"}
    environ |= {f"KIOSK_{k.upper()}": str(v) for k, v in settings.items()}
    return Env(home=home, config=load_config(None, environ), clock=clock or Clock())


def no_retries(env: Env):
    return build_session(env, retries=0)


@contextlib.contextmanager
def answering(status: int, body=None):
    """A server that answers every request with `status` (a proxy in trouble, a broken central)."""
    app = Flask("broken")
    body = body if body is not None else {"error": {"code": "x", "message_zh": "x", "message_en": "x"}}

    @app.route("/<path:anything>", methods=["GET", "POST"])
    def everything(anything):
        return body, status

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


# ---------------------------------------------------------------- what to do with an answer

TRACKING = "26092800010014"
REFUSED = {"error": {"code": "tracking_day", "message_zh": "x", "message_en": "x"}, "errors": [{"field": "tracking"}]}


@pytest.mark.parametrize(
    ("status", "body", "action", "stop_pass"),
    [
        (201, {"tracking": TRACKING}, CONFIRMED, False),
        (200, {"tracking": TRACKING}, CONFIRMED, False),
        (200, "<html>Wi-Fi login</html>", RETRY, True),  # a captive portal is no receipt
        (201, {"tracking": "26092800010022"}, RETRY, True),
        (200, None, RETRY, True),
        (401, None, RETRY, True),
        (403, None, RETRY, True),
        (404, None, RETRY, True),  # central_url points at the wrong place
        (429, None, RETRY, True),
        (502, None, RETRY, True),
        (503, {"error": {"code": "unavailable"}}, RETRY, True),
        (504, None, RETRY, True),
        (400, {"error": {"code": "too_deep"}}, HOLD, False),
        (409, {"error": {"code": "tracking_taken"}}, HOLD, False),
        (413, None, HOLD, False),
        (422, REFUSED, HOLD, False),
        (410, None, HOLD, False),
        (500, None, RETRY, False),
        (501, None, RETRY, False),
    ],
)
def test_what_to_do_with_each_answer(status, body, action, stop_pass):
    verdict = judge_answer(status, body, TRACKING)
    assert (verdict.action, verdict.stop_pass) == (action, stop_pass)


def test_a_refusal_is_held_with_centrals_reason():
    assert judge_answer(422, REFUSED, TRACKING).reason == "tracking_day:tracking"
    assert judge_answer(400, {"error": {"code": "too_deep"}}, TRACKING).reason == "too_deep"
    assert judge_answer(415, "not json", TRACKING).reason == "http_415"
    assert judge_answer(422, {"error": {"code": ["x"]}}, TRACKING).reason == "http_422"


def test_a_server_error_on_one_request_is_retried_a_bounded_number_of_times():
    verdicts = [judge_answer(500, None, TRACKING, before) for before in range(MAX_SERVER_ERRORS)]
    assert [v.action for v in verdicts] == [RETRY] * (MAX_SERVER_ERRORS - 1) + [HOLD]
    assert all(v.blames_request for v in verdicts)
    assert verdicts[-1].reason == f"http_500: failed {MAX_SERVER_ERRORS} times"


def test_an_outage_never_counts_against_an_application():
    for status in (502, 503, 504, 429):
        verdict = judge_answer(status, None, TRACKING, server_errors_before=MAX_SERVER_ERRORS * 10)
        assert verdict.action == RETRY and not verdict.blames_request


def test_a_central_that_fails_on_one_application_holds_it_sealed_for_a_clerk(home):
    with answering(500, {"error": {"code": "internal", "message_zh": "x", "message_en": "x"}}) as url:
        env = terminal_env(home, url, "0001-token")
        tracking = submit_application(env, person()).tracking
        for _ in range(MAX_SERVER_ERRORS + 3):
            deliver_outbox(env, http=no_retries(env), force=True)
    entry = Outbox.get_by_id(tracking)
    assert (entry.state, entry.attempts, entry.failures) == ("held", MAX_SERVER_ERRORS, MAX_SERVER_ERRORS)
    assert entry.last_error == f"http_500: failed {MAX_SERVER_ERRORS} times"
    app = get_application(env, tracking)
    assert app.status == "held" and personal_data(env, app)["name"] == "张三"


def test_a_central_that_is_down_is_retried_for_as_long_as_it_is_down(home):
    with answering(503) as url:
        env = terminal_env(home, url, "0001-token")
        tracking = submit_application(env, person()).tracking
        for _ in range(MAX_SERVER_ERRORS + 3):
            report = deliver_outbox(env, http=no_retries(env), force=True)
    entry = Outbox.get_by_id(tracking)
    assert (entry.state, entry.failures, entry.attempts) == ("pending", 0, MAX_SERVER_ERRORS + 3)
    assert report.offline and report.pending == 1


def test_a_page_that_is_not_centrals_receipt_confirms_nothing(home):
    with answering(200, {"welcome": "hall Wi-Fi"}) as url:
        env = terminal_env(home, url, "0001-token")
        tracking = submit_application(env, person()).tracking
        deliver_outbox(env, http=no_retries(env))
    app = get_application(env, tracking)
    assert app.confirmed_at is None and Outbox.get_by_id(tracking).state == "pending"


def test_an_application_central_refuses_as_implausible_is_held_with_its_reason(home, central):
    clock = Clock()
    clock.now = datetime(2001, 1, 1, 9, 0, tzinfo=CHINA)  # a terminal whose clock battery died
    env = terminal_env(home, central.url, central.add_terminal("hall-1"), clock=clock)
    tracking = submit_application(env, person()).tracking
    report = deliver_outbox(env)
    assert report.held == 1
    entry = Outbox.get_by_id(tracking)
    assert (entry.state, entry.last_error) == ("held", "tracking_day:received_at")
    assert personal_data(env, get_application(env, tracking)) is not None
    assert IntakeApplication.select().count() == 0
