"""The running kiosk's scheduled sync happens in a child process: the index build's rjieba and
pypinyin never enter the UI process, and the outcome, progress and crash safety are the same."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest

from kiosk.catalog.documents import count_documents
from kiosk.errors import KioskError
from kiosk.sync.scheduler import ChildSyncFailed, SyncScheduler, sync_in_child
from tests.conftest import python_json

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("rjieba", "jieba", "pypinyin", "zhconv")


def test_a_scheduled_sync_reports_its_progress_and_outcome(office, terminal):
    results: queue.Queue = queue.Queue()
    phases: list[str] = []
    scheduler = SyncScheduler(
        terminal,
        results.put,
        interval_minutes=0,
        source=str(office.feed),
        on_progress=lambda phase, done, total: phases.append(phase),
    )
    scheduler.start()
    try:
        scheduler.sync_now()
        outcome = results.get(timeout=60)
    finally:
        scheduler.stop()
    assert outcome.ok and outcome.report.added == 12 and outcome.report.version_after == 1
    assert "documents" in phases and "apply" in phases
    assert count_documents() == 12


def test_the_sync_leaves_no_segmentation_or_pinyin_library_in_the_calling_process(office, terminal):
    code = (
        "import json, sys; from pathlib import Path;"
        "from kiosk.catalog.catalog_db import open_store; from kiosk.environment import Env;"
        "from kiosk.sync.scheduler import sync_in_child; from tests.sync.feedkit import NOW;"
        "env = Env.load(Path(sys.argv[1])); env.clock = lambda: NOW; open_store(env.catalog_db);"
        "report = sync_in_child(env, sys.argv[2]);"
        f"print(json.dumps([report.added, sorted(m for m in {HEAVY!r} if m in sys.modules)]))"
    )
    assert python_json(code, str(terminal.home), str(office.feed)) == [12, []]


def test_a_sync_process_that_dies_leaves_the_last_good_catalog(office, terminal):
    with pytest.raises(ChildSyncFailed) as failed:
        sync_in_child(terminal, str(office.feed), timeout=0.01)  # killed before it could answer
    assert "保留原有目录" in failed.value.message_zh
    assert count_documents() == 0
    assert sync_in_child(terminal, str(office.feed)).added == 12  # the next sync starts clean


def test_a_refused_feed_comes_back_as_the_same_typed_message(terminal, tmp_path):
    with pytest.raises(KioskError) as failed:
        sync_in_child(terminal, str(tmp_path / "no-usb-stick"))
    assert "U盘" in failed.value.message_zh and failed.value.message_en
