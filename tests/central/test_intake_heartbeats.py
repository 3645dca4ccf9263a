"""POST /v1/heartbeats to the contract: stored once per key, validated, 400/413/422 with code and
messages (never 500), 401 for a bad token; the counters become monthly usage."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from kiosk.central.intake_models import DocumentTitle, Heartbeat, Usage
from tests.central.intake_server import running_intake

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=CHINA)


def beat(**overrides) -> dict:
    body = {
        "format": 1,
        "key": uuid.uuid4().hex,
        "sent_at": "2026-12-06T10:00:00+08:00",
        "app_version": "0.9.0",
        "catalog": {
            "version": 42,
            "published": "2026-12-01T08:00:00+08:00",
            "expires": "2027-01-01T00:00:00+08:00",
            "demo": False,
        },
        "last_sync": {"result": "up_to_date", "at": "2026-12-06T09:00:00+08:00"},
        "outbox_backlog": 3,
        "printers": {
            "document": {"state": "needs_attention", "message_zh": "缺纸，请添加纸张"},
            "receipt": {"state": "ready", "message_zh": "就绪"},
        },
        "disk_free_bytes": 123456789,
        "counters": {
            "since": "2026-12-06T09:00:00+08:00",
            "until": "2026-12-06T10:00:00+08:00",
            "searches": 12,
            "idle_resets": 3,
            "applications": 1,
            "prints": 4,
            "pages": 17,
            "views": {"doc-a": 5, "doc-b": 1},
            "printed": {"doc-a": 2},
        },
    }
    body.update(overrides)
    return body


@pytest.fixture
def central(intake_url):
    with running_intake(intake_url, clock=lambda: NOW) as server:
        yield server


def send(central, token, body=None, *, data=None):
    headers = {"Authorization": f"Bearer {token}"}
    return requests.post(f"{central.url}/v1/heartbeats", json=body, data=data, headers=headers, timeout=10)


def test_a_heartbeat_is_stored_once_per_key_and_its_counters_add_up(central):
    token = central.add_terminal("hall-1")
    body = beat()
    first = send(central, token, body)
    assert (first.status_code, first.json()) == (201, {"stored": True})
    again = send(central, token, body)
    assert (again.status_code, again.json()) == (200, {"stored": False})
    send(central, token, beat())
    assert Heartbeat.select().count() == 2
    usage = {u.doc_id: (u.month, u.views, u.prints) for u in Usage.select()}
    assert usage == {"doc-a": ("2026-12", 10, 4), "doc-b": ("2026-12", 2, 0)}


def test_a_bad_token_gets_401(central):
    central.add_terminal("hall-1")
    assert send(central, "0001-not-the-token", beat()).status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        {"format": 2},
        {"key": "not-a-uuid"},
        {"sent_at": "yesterday"},
        {"outbox_backlog": -1},
        {"outbox_backlog": True},
        {"printers": {"document": {"state": "on fire", "message_zh": ""}}},
        {"last_sync": {"result": "maybe", "at": None}},
        {"catalog": {"version": "42", "published": None, "expires": None, "demo": False}},
        {
            "counters": {
                "since": "2026-12-06T09:00:00+08:00",
                "until": "2026-12-06T10:00:00+08:00",
                "views": {f"d{i}": 1 for i in range(501)},
            }
        },
    ],
)
def test_a_malformed_heartbeat_is_refused_with_a_reason_and_nothing_is_stored(central, change):
    token = central.add_terminal("hall-1")
    answer = send(central, token, beat(**change))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid" and body["message_zh"] and body["message_en"]
    assert Heartbeat.select().count() == 0


def test_what_is_not_json_or_too_large_gets_400_or_413_never_500(central):
    token = central.add_terminal("hall-1")
    assert send(central, token, data=b"{not json").status_code == 400
    assert send(central, token, data=b"[" * 10_000 + b"]" * 10_000).status_code == 400
    huge = send(central, token, beat(app_version="x" * 70_000))
    assert huge.status_code == 413 and huge.json()["code"] == "http_413"
    assert send(central, token, data=b"\xff\xfe").status_code == 400


def test_titles_of_counted_documents_are_kept_for_the_console_and_an_old_terminal_sends_none(central):
    token = central.add_terminal("hall-1")
    body = beat()
    body["counters"]["titles"] = {"doc-a": "关于深入推进政务公开的通知"}
    assert send(central, token, body).status_code == 201
    assert send(central, token, beat()).status_code == 201  # no titles: format 1 as first shipped
    assert {t.doc_id: t.title for t in DocumentTitle.select()} == {"doc-a": "关于深入推进政务公开的通知"}


@pytest.mark.parametrize(
    "titles",
    [{"doc-z": "未被统计的文件"}, {"doc-a": 42}, {"doc-a": "标题" * 200}, {"doc-a": "换行\n标题"}],
    ids=["uncounted", "number", "too-long", "control-character"],
)
def test_a_bad_title_is_refused_and_nothing_is_stored(central, titles):
    token = central.add_terminal("hall-1")
    body = beat()
    body["counters"]["titles"] = titles
    answer = send(central, token, body)
    assert answer.status_code == 422
    assert Heartbeat.select().count() == 0 and DocumentTitle.select().count() == 0
