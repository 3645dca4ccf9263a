import json
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import requests

from kiosk.applications.tracking import damm_digit
from kiosk.central import intake
from kiosk.central.intake_app import MAX_REQUEST_BYTES
from kiosk.central.intake_models import IntakeApplication, StatusChange
from kiosk.errors import BadInput, NotFound
from kiosk.workdays import WorkCalendar, YearRules
from tests.applications.samples import person
from tests.central.intake_server import running_intake

CHINA = timezone(timedelta(hours=8))
CENTRAL_NOW = datetime(2026, 11, 23, 10, 5, tzinfo=CHINA)  # central's clock in these tests


def tracking(sequence: int, terminal: str = "0001", day: str = "261123") -> str:
    body = f"{day}{terminal}{sequence:03d}"
    return body + damm_digit(body)


def envelope(sequence: int = 1, **application) -> dict:
    return {
        "tracking": tracking(sequence),
        "terminal_id": "hall-1",
        "received_at": "2026-11-23T10:00:00+08:00",
        "due": "2026-12-21",
        "extended_due": "2027-01-18",
        "calendar_complete": False,
        "application": person(**application),
    }


def claiming(sequence: int = 1, *, terminal: str = "0001", received_at: str = "2026-11-23T10:00:00+08:00") -> dict:
    """An envelope whose tracking number and time of receipt say what the test wants them to."""
    day = datetime.fromisoformat(received_at).strftime("%y%m%d")
    return envelope() | {"tracking": tracking(sequence, terminal, day), "received_at": received_at}


def post(server, token: str, body, key: str = "k" * 32, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    return requests.post(f"{server.url}/v1/applications", json=body, headers=headers, timeout=10, **kwargs)


@pytest.fixture
def server(intake_url):
    with running_intake(intake_url, clock=lambda: CENTRAL_NOW) as running:
        yield running


def test_health_answers_without_a_token(server):
    assert requests.get(f"{server.url}/v1/health", timeout=5).json() == {"ok": True}


def test_an_application_is_stored_once_however_often_it_is_retried(server):
    token = server.add_terminal("hall-1")
    first = post(server, token, envelope())
    assert first.status_code == 201 and first.json()["replayed"] is False
    again = post(server, token, envelope())
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["tracking"] == first.json()["tracking"]
    assert IntakeApplication.select().count() == 1
    assert StatusChange.select().count() == 1


def test_concurrent_retries_of_one_application_store_it_once(server):
    token = server.add_terminal("hall-1")
    codes = []

    def send():
        codes.append(post(server, token, envelope()).status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes).count(201) == 1 and set(codes) <= {200, 201}
    assert IntakeApplication.select().count() == 1


def test_terminals_need_their_own_valid_token(server):
    assert post(server, "", envelope()).status_code == 401
    assert post(server, "0001-forged", envelope()).status_code == 401
    token = server.add_terminal("hall-1")
    intake.revoke_terminal("hall-1")
    reply = post(server, token, envelope())
    assert reply.status_code == 401 and reply.json()["error"]["message_zh"] == "终端未获授权。"


def test_a_tracking_number_is_never_given_to_a_second_application(server):
    one = server.add_terminal("hall-1")
    assert post(server, one, envelope(), key="a" * 32).status_code == 201
    # a terminal whose database was reset numbers again from 1
    clash = post(server, one, envelope(), key="b" * 32)
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "tracking_taken"
    reused = post(server, one, envelope(sequence=2), key="a" * 32)
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "key_reused"


def test_a_terminal_re_registered_with_a_new_token_still_gets_its_application_back(server):
    old = server.add_terminal("hall-1")
    assert post(server, old, envelope(), key="a" * 32).status_code == 201
    intake.revoke_terminal("hall-1")
    new = server.add_terminal("hall-1-replaced")
    reply = post(server, new, envelope(), key="a" * 32)
    assert reply.status_code == 200 and reply.json()["replayed"] is True
    assert IntakeApplication.select().count() == 1


def test_central_applies_the_same_rules_as_the_terminal(server):
    token = server.add_terminal("hall-1")
    reply = post(server, token, envelope(phone="12345", reason=""))
    assert reply.status_code == 422
    fields = {e["field"]: e["code"] for e in reply.json()["errors"]}
    assert fields == {"application.phone": "bad_format", "application.reason": "required"}
    bad_tracking = envelope() | {"tracking": "26112300010010"}
    assert post(server, token, bad_tracking).json()["errors"][0]["field"] == "tracking"


def test_requests_are_size_limited_and_must_be_json(server):
    token = server.add_terminal("hall-1")
    huge = envelope(description="政" * MAX_REQUEST_BYTES)
    reply = post(server, token, huge)
    assert reply.status_code == 413 and reply.json()["error"]["code"] == "http_413"
    text = requests.post(
        f"{server.url}/v1/applications",
        data="tracking=1",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k" * 32},
        timeout=5,
    )
    assert text.status_code == 415
    assert post(server, token, envelope(), key="short").status_code == 400


def test_status_changes_are_visible_to_the_terminal_that_sent_the_application_only(server):
    one, two = server.add_terminal("hall-1"), server.add_terminal("hall-2")
    post(server, one, envelope())
    intake.set_status(tracking(1), "needs_correction", "请补充所需信息的文号")

    def statuses(token):
        return requests.post(
            f"{server.url}/v1/statuses",
            json={"tracking": [tracking(1)]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        ).json()["statuses"]

    [row] = statuses(one)
    assert (row["status"], row["note"]) == ("needs_correction", "请补充所需信息的文号")
    assert statuses(two) == []
    assert StatusChange.select().count() == 2


def test_set_status_refuses_unknown_statuses_and_applications(server):
    with pytest.raises(BadInput):
        intake.set_status(tracking(1), "lost")
    with pytest.raises(NotFound):
        intake.set_status(tracking(1), "accepted")


def test_terminal_numbers_are_unique_and_go_into_the_token(server):
    tokens = [server.add_terminal(f"hall-{n}") for n in range(3)]
    assert [t[:5] for t in tokens] == ["0001-", "0002-", "0003-"]
    with pytest.raises(BadInput) as info:
        intake.add_terminal("hall-0")
    assert "已存在" in info.value.message_zh


# ---------------------------------------------------------------- what central checks for itself


def test_a_terminal_cannot_take_a_number_from_another_terminals_range(server):
    a, b = server.add_terminal("hall-a"), server.add_terminal("hall-b")
    squatted = post(server, a, claiming(terminal="0002"), key="a" * 32)
    assert squatted.status_code == 422 and squatted.json()["error"]["code"] == "tracking_range"
    assert IntakeApplication.select().count() == 0
    # so terminal B's own application with that number still goes through
    assert post(server, b, claiming(terminal="0002"), key="b" * 32).status_code == 201


def test_the_range_of_terminals_without_a_central_number_is_nobodys(server):
    token = server.add_terminal("hall-a")
    reply = post(server, token, claiming(terminal="9999"))
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "tracking_range"
    assert IntakeApplication.select().count() == 0


@pytest.mark.parametrize(
    ("received_at", "code"),
    [
        ("2001-11-23T10:00:00+08:00", "tracking_day"),  # a dead clock battery
        ("2026-08-01T10:00:00+08:00", "tracking_day"),  # older than any outbox backlog
        ("2099-11-23T10:00:00+08:00", "received_in_future"),
        ("2026-11-23T11:00:00+08:00", "received_in_future"),  # an hour ahead of central
    ],
)
def test_a_day_of_receipt_central_cannot_believe_is_refused(server, received_at, code):
    token = server.add_terminal("hall-a")
    reply = post(server, token, claiming(received_at=received_at))
    assert reply.status_code == 422
    error = reply.json()["error"]
    assert error["code"] == code and error["message_zh"] and error["message_en"]
    assert IntakeApplication.select().count() == 0


def test_a_tracking_number_must_carry_the_day_of_receipt(server):
    token = server.add_terminal("hall-a")
    body = envelope() | {"tracking": tracking(1, day="261122")}
    reply = post(server, token, body)
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "tracking_day"


def test_a_backlog_from_weeks_offline_is_still_taken(server):
    token = server.add_terminal("hall-a")
    reply = post(server, token, claiming(received_at="2026-10-09T16:00:00+08:00"))
    assert reply.status_code == 201
    assert reply.json()["received_at"] == "2026-10-09T16:00:00+08:00"


def test_a_terminal_clock_a_few_minutes_fast_is_taken_as_centrals_time(server):
    token = server.add_terminal("hall-a")
    reply = post(server, token, claiming(received_at="2026-11-23T10:09:00+08:00"))
    assert reply.status_code == 201
    assert reply.json()["received_at"] == CENTRAL_NOW.isoformat()
    assert IntakeApplication.get().received_at == CENTRAL_NOW.isoformat()


def test_central_counts_the_deadlines_itself_and_ignores_the_terminals(server):
    token = server.add_terminal("hall-a")
    body = claiming() | {"due": "1900-01-01", "extended_due": "1900-01-01", "calendar_complete": True}
    reply = post(server, token, body)
    assert reply.status_code == 201
    stored = IntakeApplication.get()
    # received Mon 2026-11-23: the 20th working day after is Mon 2026-12-21 (chinese-calendar knows 2026)
    assert (stored.due, stored.calendar_complete) == (date(2026, 12, 21), False)
    assert reply.json()["due"] == "2026-12-21" and reply.json()["calendar_complete"] is False


def test_deadlines_come_from_the_offices_calendar(intake_url):
    # The office declared 2026-12-01..04 holidays (an imagined case): four working days later.
    office = WorkCalendar(
        signed={
            2026: YearRules(frozenset(date(2026, 12, d) for d in range(1, 5)), frozenset()),
            2027: YearRules(frozenset(), frozenset()),
        }
    )
    with running_intake(intake_url, clock=lambda: CENTRAL_NOW, calendar=office) as server:
        reply = post(server, server.add_terminal("hall-a"), claiming())
    assert reply.status_code == 201
    assert (reply.json()["due"], reply.json()["calendar_complete"]) == ("2026-12-25", True)


def test_a_tracking_number_written_with_dashes_is_stored_as_digits_and_cannot_be_taken_twice(server):
    token = server.add_terminal("hall-a")
    digits = tracking(1)
    dashed = envelope() | {"tracking": f"{digits[:6]}-{digits[6:10]}-{digits[10:]}"}
    assert post(server, token, dashed, key="a" * 32).status_code == 201
    assert post(server, token, envelope(), key="b" * 32).status_code == 409
    assert [a.tracking for a in IntakeApplication.select()] == [digits]


def test_a_retry_of_a_stored_application_is_answered_even_after_its_day_left_the_window(intake_url):
    clock = {"now": CENTRAL_NOW}
    with running_intake(intake_url, clock=lambda: clock["now"]) as server:
        token = server.add_terminal("hall-a")
        assert post(server, token, envelope()).status_code == 201
        clock["now"] += timedelta(days=200)
        again = post(server, token, envelope())
    assert again.status_code == 200 and again.json()["replayed"] is True


# ---------------------------------------------------------------- hostile bodies


def raw_post(server, token: str, data: bytes) -> requests.Response:
    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": "k" * 32,
        "Content-Type": "application/json",
    }
    return requests.post(f"{server.url}/v1/applications", data=data, headers=headers, timeout=10)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"[" * 20_000 + b"]" * 20_000, "too_deep"),  # under 64 KiB; was a RecursionError and a 500
        (b'{"a":' * 50 + b"1" + b"}" * 50, "too_deep"),
        (b'{"tracking": "\\ud800"}', "bad_text"),
        (b'{"tracking": "\\u0000"}', "bad_text"),
        (b"1" + b"0" * 5000, "bad_json"),
        (b"NaN", "bad_json"),
        (b"\xff\xfe", "bad_json"),
        (b"", "bad_json"),
    ],
)
def test_a_hostile_body_is_a_clear_400_and_stores_nothing(server, data, code):
    token = server.add_terminal("hall-a")
    reply = raw_post(server, token, data)
    assert reply.status_code == 400, reply.text
    error = reply.json()["error"]
    assert error["code"] == code and error["message_zh"] and error["message_en"]
    assert IntakeApplication.select().count() == 0


def test_status_queries_with_text_no_database_can_store_are_answered_not_failed(server):
    token = server.add_terminal("hall-a")
    reply = requests.post(
        f"{server.url}/v1/statuses",
        data=json.dumps({"tracking": ["261123-0001-0010", "x" * 100, "\u00e9"]}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert reply.status_code == 200 and reply.json() == {"statuses": []}
