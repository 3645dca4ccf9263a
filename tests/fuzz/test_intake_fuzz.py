"""Hostile input to the intake API: whatever a client sends, the answer is never a 500 and a
refused request stores nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.applications.tracking import damm_digit
from kiosk.central import intake
from kiosk.central.intake_app import create_intake_app
from kiosk.central.intake_db import open_intake
from kiosk.central.intake_models import IntakeApplication, StatusChange
from tests.applications.samples import person
from tests.central.intake_server import running_intake

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 10, 5, tzinfo=CHINA)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30,
)


def valid_envelope(sequence: int = 1) -> dict:
    body = f"2611230001{sequence:03d}"
    return {"tracking": body + damm_digit(body), "received_at": "2026-11-23T10:00:00+08:00", "application": person()}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = open_intake(f"sqlite:///{tmp_path_factory.mktemp('intake') / 'central.sqlite3'}")
    app = create_intake_app(db, clock=lambda: NOW)
    _, token = intake.add_terminal("hall-1")
    intake.add_terminal("hall-2")
    yield app.test_client(), token
    db.close()


def stored() -> tuple[int, int]:
    return IntakeApplication.select().count(), StatusChange.select().count()


def check(reply, before: tuple[int, int]) -> None:
    assert reply.status_code < 500, reply.get_data()[:300]
    error = reply.get_json(silent=True)
    if reply.status_code >= 400:
        assert set(error["error"]) >= {"code", "message_zh", "message_en"}
        assert stored() == before


def headers(token: str, key: str = "k" * 32) -> dict:
    return {"Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": "application/json"}


@given(body=json_values)
def test_any_json_body_is_answered_without_a_server_error(client, body):
    http, token = client
    before = stored()
    check(http.post("/v1/applications", json=body, headers=headers(token)), before)


@given(data=st.binary(max_size=2000))
@example(data=b"[" * 20_000 + b"]" * 20_000)
@example(data=b'{"a":' * 3000 + b"1" + b"}" * 3000)
@example(data=b"1" + b"0" * 5000)
@example(data=b'{"tracking": "\\udfff"}')
@example(data=b"\xef\xbb\xbf{}")
def test_any_bytes_are_answered_without_a_server_error(client, data):
    http, token = client
    before = stored()
    check(http.post("/v1/applications", data=data, headers=headers(token)), before)


@given(
    field=st.sampled_from(["tracking", "received_at", "application", "due", "terminal_id", "extra"]),
    value=json_values,
    inner=st.sampled_from(list(person())),
    inner_value=json_values,
    sequence=st.integers(1, 999),
)
def test_a_valid_application_with_one_value_spoiled_is_stored_or_refused_cleanly(
    client, field, value, inner, inner_value, sequence
):
    http, token = client
    body = valid_envelope(sequence)
    body[field] = value
    if isinstance(body.get("application"), dict):
        body["application"][inner] = inner_value
    before = stored()
    key = f"fuzz-{sequence:04d}-{abs(hash(json.dumps(body, sort_keys=True, default=str))):x}"[:64]
    check(http.post("/v1/applications", json=body, headers=headers(token, key)), before)


@given(
    path=st.text(alphabet=st.characters(codec="ascii", exclude_characters="?#"), max_size=40),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]),
    key=st.text(st.characters(exclude_characters="\r\n"), max_size=80),  # a client cannot send these
    auth=st.text(st.characters(exclude_characters="\r\n"), max_size=80),
)
def test_any_path_method_and_header_is_answered_without_a_server_error(client, path, method, key, auth):
    http, token = client
    before = stored()
    latin = {"Idempotency-Key": key.encode("utf-8", "replace").decode("latin-1")}
    latin["Authorization"] = auth.encode("utf-8", "replace").decode("latin-1")
    reply = http.open("/" + path.lstrip("/"), method=method, json=valid_envelope(), headers=latin)
    check(reply, before)


@given(trackings=json_values)
def test_any_status_query_is_answered_without_a_server_error(client, trackings):
    http, token = client
    reply = http.post("/v1/statuses", json={"tracking": trackings}, headers=headers(token))
    assert reply.status_code < 500


def test_a_real_server_answers_hostile_bodies_with_clear_refusals(tmp_path):
    hostile = [
        b"[" * 20_000 + b"]" * 20_000,
        b'{"tracking": "\\ud800", "received_at": 1, "application": {}}',
        json.dumps(valid_envelope() | {"tracking": "26112399990015"}).encode(),
        b"\x00" * 100,
    ]
    with running_intake(f"sqlite:///{tmp_path / 'central.sqlite3'}", clock=lambda: NOW) as server:
        token = server.add_terminal("hall-1")
        for data in hostile:
            reply = requests.post(f"{server.url}/v1/applications", data=data, headers=headers(token), timeout=10)
            assert 400 <= reply.status_code < 500 and reply.json()["error"]["message_zh"]
        assert IntakeApplication.select().count() == 0
        good = requests.post(f"{server.url}/v1/applications", json=valid_envelope(), headers=headers(token), timeout=10)
        assert good.status_code == 201
