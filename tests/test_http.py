import time

import pytest
import requests

from kiosk import __version__
from kiosk.environment import Env
from kiosk.http import build_session, offline_error, session
from tests.httpd import send, serve


@pytest.fixture
def quick_env(home, monkeypatch) -> Env:
    monkeypatch.setenv("KIOSK_HTTP_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("KIOSK_TERMINAL_ID", "hall-1")
    return Env.load(home)


def test_the_program_shares_one_session_per_env(quick_env):
    assert session(quick_env) is session(quick_env)
    assert session(quick_env).timeout == 1.0


def test_session_sends_a_user_agent_naming_program_and_terminal(quick_env):
    with serve(lambda h, s: send(h, 200, b"ok")) as server:
        assert session(quick_env).get(server.url + "x").text == "ok"
    agent = server.requests[0].headers["User-Agent"]
    assert agent == f"disclosure-kiosk/{__version__} (terminal hall-1)"


def test_session_retries_a_flapping_server_with_back_off(quick_env):
    def flaky(handler, server):
        if len(server.requests) <= 2:
            send(handler, 503, b"busy")
        else:
            send(handler, 200, b"ok")

    with serve(flaky) as server:
        started = time.monotonic()
        response = build_session(quick_env, backoff_factor=0.1).get(server.url + "root.json")
    assert response.status_code == 200 and len(server.requests) == 3
    assert time.monotonic() - started >= 0.1  # it waited before retrying


def test_session_times_out_on_a_server_that_never_answers(quick_env):
    def silent(handler, server):
        time.sleep(3)

    with serve(silent) as server:
        started = time.monotonic()
        with pytest.raises(requests.ConnectionError) as info:
            build_session(quick_env, retries=0).get(server.url + "root.json")
    assert time.monotonic() - started < 2.5
    error = offline_error(info.value, "目录发布源", server.url)
    assert "超时" in error.message_zh and error.exit_status == 3


def test_connection_refused_is_an_offline_error_in_chinese(quick_env):
    with serve(lambda h, s: send(h, 200)) as server:
        url = server.url
    with pytest.raises(requests.ConnectionError) as info:
        build_session(quick_env, retries=0).get(url)
    error = offline_error(info.value, "目录发布源", url)
    assert "无法连接目录发布源" in error.message_zh
