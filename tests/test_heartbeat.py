"""Heartbeats from a terminal to central, against a real HTTP intake on 127.0.0.1 that implements the
heartbeat contract (tests/heartbeat_intake.py stands in for central's endpoint until it is merged):
stored once per key, retried with the same key, counts never lost nor counted twice — also when the
sending process is SIGKILLed mid-send."""

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk import heartbeat, usage
from kiosk.applications.outbox import (
    CONFIRMED,
    HOLD,
    MAX_SERVER_ERRORS,
    RETRY,
    OutboxWorker,
    deliver_heartbeat,
    judge_heartbeat_answer,
)
from kiosk.applications.records import submit_application
from kiosk.config import load_config
from kiosk.environment import Env
from kiosk.http import build_session
from kiosk.sync.startup import open_catalog
from tests.applications.samples import HAICHENG_1985, person
from tests.conftest import REPO, run_kiosk
from tests.heartbeat_intake import running_heartbeat_intake

DOC = "d1e2f3a4b5c6d7e8"


@pytest.fixture
def central():
    with running_heartbeat_intake() as server:
        yield server


def terminal_env(home: Path, central, **settings) -> Env:
    token = central.add_terminal("hall-1")
    environ = {"KIOSK_CENTRAL_URL": central.url, "KIOSK_TERMINAL_TOKEN": token}
    environ |= {f"KIOSK_{k.upper()}": str(v) for k, v in settings.items()}
    return Env(home=home, config=load_config(None, environ))


def write_config(home: Path, central) -> None:
    token = central.add_terminal("hall-1")
    (home / "kiosk.toml").write_text(f'central_url = "{central.url}"\nterminal_token = "{token}"\n')


def no_retries(env: Env):
    return build_session(env, retries=0)


# --- what central answers, decided without I/O --------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "action", "replayed", "stop_pass"),
    [
        (201, {"stored": True}, CONFIRMED, False, False),
        (200, {"stored": False}, CONFIRMED, True, False),
        (200, None, RETRY, False, True),  # a captive portal's page is no receipt
        (200, {"tracking": "x"}, RETRY, False, True),
        (401, None, RETRY, False, True),  # the token is fixed by the IT officer, not by waiting
        (503, None, RETRY, False, True),
        (500, None, RETRY, False, False),
        (413, {"code": "too_large"}, HOLD, False, False),
        (422, {"code": "invalid"}, HOLD, False, False),
    ],
)
def test_what_to_do_with_each_answer_to_a_heartbeat(status, body, action, replayed, stop_pass):
    verdict = judge_heartbeat_answer(status, body)
    assert (verdict.action, verdict.replayed, verdict.stop_pass) == (action, replayed, stop_pass)


def test_a_refused_heartbeat_keeps_centrals_code_as_its_reason():
    assert judge_heartbeat_answer(422, {"code": "invalid", "message_en": "key"}).reason == "invalid"
    assert judge_heartbeat_answer(413, None).reason == "http_413"


def test_a_heartbeat_central_keeps_failing_on_is_given_up_after_a_bounded_number_of_tries():
    assert judge_heartbeat_answer(500, None, MAX_SERVER_ERRORS - 2).action == RETRY
    assert judge_heartbeat_answer(500, None, MAX_SERVER_ERRORS - 1).action == HOLD


# --- the report ---------------------------------------------------------------------------------


def test_a_heartbeat_is_stored_at_the_intake_with_the_terminals_state_and_counts(home, central):
    env = terminal_env(home, central)
    open_catalog(env)  # the start-up step of the app: a new terminal's demo catalog
    usage.count_search(env)
    usage.count_view(env, DOC)
    usage.count_view(env, DOC)
    usage.count_print(env, DOC, 3)

    report = deliver_heartbeat(env, force=True, http=no_retries(env))

    assert (report.delivered, report.pending, report.errors) == (1, None, [])
    [body] = central.bodies("hall-1")
    assert body["format"] == 1 and body["app_version"] and body["key"] == report.last["key"]
    assert body["catalog"]["version"] == 1 and body["catalog"]["demo"] is True  # the bundled demo catalog
    assert set(body["last_sync"]) == {"result", "at"}
    assert body["outbox_backlog"] == 0 and body["disk_free_bytes"] > 0
    assert body["printers"]["document"]["state"] == "ready"  # the folder printer of a fresh terminal
    counters = body["counters"]
    assert (counters["searches"], counters["prints"], counters["pages"]) == (1, 1, 3)
    assert counters["views"] == {DOC: 2} and counters["printed"] == {DOC: 1}
    assert counters["since"] <= counters["until"] == body["sent_at"]
    # Delivered: the next heartbeat starts from zero.
    assert usage.open_counters(env).totals["searches"] == 0


def test_the_report_says_what_each_printer_needs(home, central, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    env = terminal_env(home, central, printer_receipts=f"folder:{blocked / 'prints'}")

    printers = heartbeat.collect_status(env)["printers"]

    assert printers["document"]["state"] == "ready"
    assert printers["receipt"] == {"state": "offline", "message_zh": "打印文件夹无法写入，请联系工作人员。"}


def test_the_outbox_backlog_counts_applications_not_yet_at_central(home, central):
    env = terminal_env(home, central, central_url="http://127.0.0.1:9")  # applications cannot leave
    submit_application(env, person())
    submit_application(env, person())

    assert heartbeat.collect_status(env)["outbox_backlog"] == 2


def test_a_heartbeat_never_carries_query_text_or_personal_data(home, central, cli):
    write_config(home, central)
    env = Env.load(home)
    cli("search", "海城市公租房补贴 张三", "--json")
    submit_application(env, person())

    cli("heartbeat", "--json", expect=None)

    sent = json.dumps(central.bodies(), ensure_ascii=False)
    assert central.total("searches") == 1 and central.total("applications") == 1
    for secret in ("公租房", "张三", HAICHENG_1985, "13812345678", "zhangsan", "海州管理区"):
        assert secret not in sent


def test_the_body_stays_within_64_kib_keeping_the_most_viewed_documents(home, central):
    env = terminal_env(home, central)
    for n in range(1200):
        doc = f"{n:04d}" + "x" * 60  # the longest ids the catalog allows
        usage.count_view(env, doc)
        usage.count_print(env, doc, 1)
    for _ in range(3):
        usage.count_view(env, "0007" + "x" * 60)

    report = deliver_heartbeat(env, force=True, http=no_retries(env))

    [body] = central.bodies()
    assert report.delivered == 1
    assert len(json.dumps(body, ensure_ascii=False).encode()) <= heartbeat.MAX_BODY_BYTES
    assert 0 < len(body["counters"]["views"]) <= 500 and len(body["counters"]["printed"]) <= 500
    assert next(iter(body["counters"]["views"])) == "0007" + "x" * 60
    assert body["counters"]["prints"] == 1200  # totals are exact even when the lists are cut


def test_a_dry_run_prints_the_body_and_sends_or_closes_nothing(home, central, cli):
    write_config(home, central)
    usage.count_search(Env.load(home))

    body = cli.json("heartbeat", "--dry-run")

    assert body["format"] == 1 and body["counters"]["searches"] == 1 and len(body["key"]) == 32
    assert central.requests == 0
    assert usage.pending_heartbeat(Env.load(home)) is None
    assert usage.open_counters(Env.load(home)).totals["searches"] == 1
    assert "检索 1" in cli("heartbeat", "--dry-run").stdout


# --- delivery with the outbox's rules -----------------------------------------------------------


def test_after_an_outage_the_same_heartbeat_goes_again_and_counts_made_meanwhile_follow(home, central):
    env = terminal_env(home, central)
    usage.count_search(env)
    central.answers = [503]

    first = deliver_heartbeat(env, force=True, http=no_retries(env))
    usage.count_search(env)
    usage.count_search(env)
    waiting = deliver_heartbeat(env, http=no_retries(env))  # still backing off: nothing is sent
    second = deliver_heartbeat(env, force=True, http=no_retries(env))

    assert first.pending is not None and first.errors == ["heartbeat: HTTP 503 (central unavailable)"]
    assert waiting.sent == 0 and waiting.pending == first.pending
    assert second.sent == 2 and second.pending is None
    keys = [body["key"] for body in central.bodies()]
    assert keys[0] == first.pending  # the retry carried the stored key
    assert [body["counters"]["searches"] for body in central.bodies()] == [1, 2]


def test_an_answer_lost_after_central_stored_is_counted_once(home, central):
    env = terminal_env(home, central)
    usage.count_print(env, DOC, 4)
    central.drop_after_storing = 1

    lost = deliver_heartbeat(env, force=True, http=no_retries(env))
    again = deliver_heartbeat(env, force=True, http=no_retries(env))

    assert lost.pending is not None and lost.errors[0].startswith("heartbeat: network")
    assert again.replayed == 1  # central answered 200 {"stored": false}
    assert central.total("pages") == 4 and len(central.bodies()) == 2  # the replay + a fresh empty one
    assert usage.open_counters(env).totals["pages"] == 0


def test_a_refused_heartbeat_hands_its_counts_to_the_next_one(home, central):
    env = terminal_env(home, central)
    usage.count_search(env)
    central.answers = [422]

    refused = deliver_heartbeat(env, force=True, http=no_retries(env))
    usage.count_search(env)
    delivered = deliver_heartbeat(env, force=True, http=no_retries(env))

    assert refused.held == 1 and refused.pending is None and refused.errors == ["heartbeat: test"]
    assert delivered.delivered == 1
    [body] = central.bodies()
    assert body["counters"]["searches"] == 2 and body["counters"]["since"] == refused.last["counters"]["since"]


def test_a_bad_token_keeps_the_heartbeat_and_the_command_says_central_was_not_reached(home, central, cli):
    (home / "kiosk.toml").write_text(f'central_url = "{central.url}"\nterminal_token = "wrong"\n')
    usage.count_search(Env.load(home))

    result = cli("heartbeat", "--json", expect=3)

    report = json.loads(result.stdout)
    assert report["pending"] and "HTTP 401" in report["errors"][0]
    assert central.bodies() == [] and usage.pending_heartbeat(Env.load(home)).key == report["pending"]


def test_without_central_the_command_names_the_missing_setting(cli):
    result = cli("heartbeat", "--json", expect=2)
    assert "central_url" in json.loads(result.stderr)["error"]["message_zh"]


def test_the_worker_sends_at_most_once_per_interval_and_zero_turns_it_off(home, central):
    env = terminal_env(home, central)
    assert deliver_heartbeat(env, http=no_retries(env)).delivered == 1  # none sent yet: due now
    assert deliver_heartbeat(env, http=no_retries(env)).sent == 0  # 15 minutes have not passed

    off = terminal_env(home, central, heartbeat_interval_minutes=0)
    sqlite3.connect(usage.usage_db(env)).execute("UPDATE heartbeat SET created = 0").connection.commit()
    assert deliver_heartbeat(off, http=no_retries(off)).sent == 0
    assert deliver_heartbeat(env, http=no_retries(env)).delivered == 1  # the interval has passed


def test_the_background_worker_delivers_heartbeats_on_its_own(home, central):
    env = terminal_env(home, central)
    usage.count_idle_reset(env)
    worker = OutboxWorker(env, interval_seconds=0.1)
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while not central.bodies() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        worker.join(timeout=10)
    assert central.total("idle_resets") == 1


# --- SIGKILL mid-send ---------------------------------------------------------------------------

RUNS = 12
START_TIMEOUT = 30.0


def _start(home: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", str(home), "heartbeat", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.mark.slow
def test_sigkill_while_sending_neither_loses_nor_double_counts(home, central):
    """Each run counts searches, starts `kiosk heartbeat` and kills it either at a random moment
    after it opened the usage database or the moment central stored its heartbeat (before the answer
    is out), counting more searches while it sends. In the end central holds every search once."""
    rng = random.Random(20261206)
    write_config(home, central)
    env = Env.load(home)
    central.latency = 0.2  # the window between central's commit and the terminal hearing of it
    run_kiosk(home, "heartbeat", "--dry-run")  # installs the demo catalog once, outside the loop
    counted = 0
    kills = {"random": 0, "at_commit": 0}
    for run in range(RUNS):
        for _ in range(rng.randint(1, 5)):
            usage.count_search(env)
            counted += 1
        central.handled.clear()
        process = _start(home)
        deadline = time.monotonic() + START_TIMEOUT
        if run % 2:
            while process.poll() is None and not central.handled.wait(0.005) and time.monotonic() < deadline:
                pass
        else:
            while process.poll() is None and not _has_open(process.pid, usage.usage_db(env)):
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.4))
        usage.count_search(env)  # mid-send: must land in a later heartbeat, once
        counted += 1
        if process.poll() is None:
            process.kill()
            kills["at_commit" if run % 2 else "random"] += central.handled.is_set() or not run % 2
        process.communicate(timeout=30)

    for _ in range(3):  # the terminal comes back: the pending one, then the rest
        report = json.loads(run_kiosk(home, "heartbeat", "--json").stdout)
    assert report["pending"] is None, report

    assert central.total("searches") == counted
    assert usage.open_counters(env).totals["searches"] == 0
    assert kills["random"] >= 3 and kills["at_commit"] >= 3, kills
    print(f"\nkills {kills}, heartbeats stored {len(central.bodies())}, searches {counted}")


def test_a_heartbeat_reaches_the_real_intake_and_shows_on_its_fleet(home, tmp_path):
    from datetime import datetime

    from kiosk.central.console.fleet import fleet
    from tests.central.intake_server import running_intake

    with running_intake(f"sqlite:///{tmp_path / 'intake.sqlite3'}") as real:
        env = terminal_env(home, real)
        open_catalog(env)
        usage.count_view(env, DOC)
        first = deliver_heartbeat(env, force=True, http=no_retries(env))
        assert (first.delivered, first.errors) == (1, [])
        again = deliver_heartbeat(env, force=True, http=no_retries(env))  # a new period, a new key
        assert again.delivered == 1
        [row] = [t for t in fleet(datetime.now().astimezone()) if t["name"] == "hall-1"]
    assert row["heartbeat"] and row["app_version"] and row["catalog_version"] == 1 and row["outbox_backlog"] == 0
    assert "离线" not in row["flags"]


def test_the_real_intake_accepts_a_heartbeat_whose_outbox_and_disk_could_not_be_read(home, tmp_path):
    from tests.central.intake_server import running_intake

    with running_intake(f"sqlite:///{tmp_path / 'intake.sqlite3'}") as real:
        env = terminal_env(home, real)
        body = heartbeat.preview(env) | {"outbox_backlog": None, "disk_free_bytes": None}
        answer = no_retries(env).post(
            f"{real.url}/v1/heartbeats", json=body, headers={"Authorization": f"Bearer {env.config.terminal_token}"}
        )
    assert answer.status_code == 201, answer.text


def test_the_documents_counted_are_named_by_their_catalog_titles(home, central):
    env = terminal_env(home, central)
    open_catalog(env)
    demo = "d20c2ad00d9abcee"  # a document of the bundled demo catalog
    usage.count_view(env, demo)
    usage.count_view(env, DOC)  # viewed, then gone from the catalog by a sync: sent without a title

    deliver_heartbeat(env, force=True, http=no_retries(env))

    [body] = central.bodies()
    assert body["counters"]["titles"] == {demo: "海城市人民政府办公室关于深入推进政务公开加强制度和平台建设的通知"}
