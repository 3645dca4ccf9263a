"""The anonymous usage counters: what they count, what they refuse to hold, and how periods close."""

import logging
import sqlite3

import pytest

from kiosk import usage
from kiosk.applications.records import submit_application
from kiosk.environment import Env
from kiosk.printing import service
from tests.applications.samples import person
from tests.conftest import REPO

DOC = "d1e2f3a4b5c6d7e8"


def _body(counters: usage.Counters, key: str, now: str) -> dict:
    return {"key": key, "totals": counters.totals, "views": counters.per_document["views"], "since": counters.since}


def test_counts_add_up_per_name_and_per_document(env):
    usage.count_search(env)
    usage.count_search(env)
    usage.count_view(env, DOC)
    usage.count_view(env, DOC)
    usage.count_view(env, "d0000000000000001")
    usage.count_print(env, DOC, 7)
    usage.count_application(env)
    usage.count_idle_reset(env)

    counters = usage.open_counters(env)

    assert counters.totals == {"searches": 2, "idle_resets": 1, "applications": 1, "prints": 1, "pages": 7}
    assert counters.per_document == {"views": {DOC: 2, "d0000000000000001": 1}, "printed": {DOC: 1}}
    assert list(counters.per_document["views"]) == [DOC, "d0000000000000001"]  # most viewed first


def test_text_that_is_not_a_document_id_is_never_stored(env, caplog):
    usage.count_view(env, DOC)
    with caplog.at_level(logging.WARNING, logger="kiosk.usage"):
        usage.count_view(env, "张三 身份证 13812345678")
        usage.count_print(env, "low-rent housing subsidy?", 2)

    assert usage.open_counters(env).per_document == {"views": {DOC: 1}, "printed": {}}
    assert usage.open_counters(env).totals["prints"] == 0  # a refused print row adds nothing at all
    raw = b"".join(p.read_bytes() for p in env.home.glob("usage.sqlite3*"))
    assert "张三".encode() not in raw and b"13812345678" not in raw and b"subsidy" not in raw
    assert "张三" not in caplog.text  # not even the log repeats it


def test_a_broken_usage_store_never_stops_the_print_it_counts(env, caplog):
    (env.home / "usage.sqlite3").write_bytes(b"this is not a database" * 100)
    from kiosk.catalog.documents import list_documents
    from kiosk.sync.startup import open_catalog

    open_catalog(env)
    doc_id = list_documents(limit=1)[0].id

    with caplog.at_level(logging.WARNING, logger="kiosk.usage"):
        outcome = service.print_document(env, doc_id, printer=f"folder:{env.home / 'out'}", wait=0)

    assert outcome.page_count >= 1 and list((env.home / "out").glob("*.pdf"))
    assert "usage not counted (prints, pages, printed)" in caplog.text


def test_a_print_a_search_and_an_application_are_counted_where_they_happen(env, cli):
    from kiosk.catalog.documents import list_documents
    from kiosk.sync.startup import open_catalog

    open_catalog(env)
    doc_id = list_documents(limit=1)[0].id
    service.print_document(env, doc_id, printer=f"folder:{env.home / 'out'}", pages="1", wait=0)
    cli("search", "政务公开", "--json")
    submit_application(env, person())

    counters = usage.open_counters(env)

    assert counters.totals == {"searches": 1, "idle_resets": 0, "applications": 1, "prints": 1, "pages": 1}
    assert counters.per_document["printed"] == {doc_id: 1}


def test_closing_a_period_stores_the_heartbeat_and_counts_after_it_go_into_the_next(env):
    usage.count_search(env)
    beat = usage.close_period(env, _body)
    usage.count_search(env)
    usage.count_search(env)

    assert beat.data["totals"]["searches"] == 1
    assert usage.pending_heartbeat(env).key == beat.key
    assert usage.open_counters(env).totals["searches"] == 2
    assert usage.open_counters(env).since >= beat.data["since"]


def test_a_pending_heartbeat_is_returned_again_instead_of_closing_another_period(env):
    usage.count_search(env)
    first = usage.close_period(env, _body)
    usage.count_search(env)

    again = usage.close_period(env, _body)

    assert again.key == first.key and again.body == first.body
    assert usage.open_counters(env).totals["searches"] == 1


def test_only_centrals_acknowledgement_removes_the_counts_it_holds(env):
    usage.count_view(env, DOC)
    beat = usage.close_period(env, _body)
    usage.count_view(env, DOC)
    usage.retry_later(env, beat.key, "HTTP 503", 30)
    assert usage.pending_heartbeat(env).attempts == 1

    usage.acknowledged(env, beat.key)
    usage.acknowledged(env, beat.key)  # a second answer to the same key changes nothing

    assert usage.pending_heartbeat(env) is None
    assert usage.open_counters(env).per_document["views"] == {DOC: 1}
    assert usage.last_heartbeat(env).state == usage.DELIVERED


def test_a_refused_heartbeat_gives_its_counts_and_its_start_back_to_the_open_period(env):
    usage.count_view(env, DOC)
    usage.count_search(env)
    beat = usage.close_period(env, _body)
    usage.count_view(env, DOC)

    usage.refused(env, beat.key, "invalid")

    counters = usage.open_counters(env)
    assert counters.per_document["views"] == {DOC: 2} and counters.totals["searches"] == 1
    assert counters.since == beat.data["since"]
    assert usage.pending_heartbeat(env) is None and usage.last_heartbeat(env).state == usage.HELD


def test_only_the_newest_delivered_heartbeats_are_kept(env):
    for _ in range(usage.KEEP_DELIVERED + 5):
        usage.acknowledged(env, usage.close_period(env, _body).key)

    rows = sqlite3.connect(usage.usage_db(env)).execute("SELECT COUNT(*) FROM heartbeat").fetchone()[0]
    assert rows == usage.KEEP_DELIVERED


def test_a_usage_database_from_a_newer_program_is_refused_with_a_clear_message(env):
    path = usage.usage_db(env)
    env.ensure_home()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    from kiosk.errors import StorageError

    usage.database.initialize(None)
    with pytest.raises(StorageError) as caught:
        usage.open_usage(env)
    assert "升级" in caught.value.message_zh


def test_counts_from_two_processes_land_in_one_store(env):
    import subprocess
    import sys

    code = (
        "from pathlib import Path; from kiosk.environment import Env; from kiosk import usage\n"
        f"env = Env.load(Path({str(env.home)!r}))\n"
        "for _ in range(50): usage.count_search(env)\n"
    )
    workers = [subprocess.Popen([sys.executable, "-c", code], cwd=REPO) for _ in range(2)]
    for _ in range(50):
        usage.count_search(env)
    assert all(w.wait(timeout=60) == 0 for w in workers)

    assert usage.open_counters(env).totals["searches"] == 150


def test_the_running_kiosk_counts_a_document_opened_in_the_reader(home, tmp_path):
    from tests.ui.harness import run_scenario

    results = run_scenario(home, "home_lists_catalog_and_opens_reader", tmp_path / "out.json", window=(1920, 1080))

    assert results["after_tap"] == "reader"
    views = usage.open_counters(Env.load(home)).per_document["views"]
    assert list(views.values()) == [1]


def test_the_running_kiosk_counts_an_application_and_the_idle_reset_after_it(home, tmp_path):
    from tests.ui.harness import run_scenario

    run_scenario(home, "application_submitted_read_aloud_printed_and_looked_up", tmp_path / "out.json", timeout=300)

    totals = usage.open_counters(Env.load(home)).totals
    assert totals["applications"] == 1 and totals["idle_resets"] >= 1
