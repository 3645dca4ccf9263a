import threading

import pytest
import requests

from kiosk.applications.tracking import damm_digit
from kiosk.central import intake
from kiosk.central.intake_app import MAX_REQUEST_BYTES
from kiosk.central.intake_models import IntakeApplication, StatusChange
from kiosk.errors import BadInput, NotFound
from tests.applications.samples import person
from tests.central.intake_server import running_intake


def tracking(sequence: int, terminal: str = "0001") -> str:
    body = f"261123{terminal}{sequence:03d}"
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


def post(server, token: str, body, key: str = "k" * 32, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    return requests.post(f"{server.url}/v1/applications", json=body, headers=headers, timeout=10, **kwargs)


@pytest.fixture
def server(intake_url):
    with running_intake(intake_url) as running:
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
    one, two = server.add_terminal("hall-1"), server.add_terminal("hall-2")
    assert post(server, one, envelope(), key="a" * 32).status_code == 201
    clash = post(server, two, envelope(), key="b" * 32)
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "tracking_taken"
    reused = post(server, one, envelope(sequence=2), key="a" * 32)
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "key_reused"


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
