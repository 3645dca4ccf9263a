import queue
import threading
import time

from kiosk.catalog.documents import count_documents, list_documents
from kiosk.sync.scheduler import SyncScheduler
from tests.sync.feedkit import make_doc


def _collect():
    results: queue.Queue = queue.Queue()
    return results, results.put


def test_scheduler_syncs_on_its_timer_and_reports_through_the_callback(office, terminal):
    results, callback = _collect()
    scheduler = SyncScheduler(
        terminal, callback, interval_minutes=0.002, source=str(office.feed), first_delay_seconds=0
    )
    scheduler.start()
    try:
        first = results.get(timeout=20)
        second = results.get(timeout=20)
    finally:
        scheduler.stop()
    assert first.ok and first.report.version_after == 1 and not first.manual
    assert second.ok and second.report.status == "up_to_date"
    assert not scheduler.running


def test_a_clerk_can_force_a_sync_when_the_timer_is_off(office, terminal):
    results, callback = _collect()
    scheduler = SyncScheduler(terminal, callback, interval_minutes=0, source=str(office.feed))
    scheduler.start()
    try:
        assert results.empty()
        scheduler.sync_now()
        outcome = results.get(timeout=20)
    finally:
        scheduler.stop()
    assert outcome.ok and outcome.manual and outcome.message_zh == "目录已更新到第 1 版。"


def test_failures_are_reported_in_chinese_and_the_scheduler_keeps_going(office, terminal, tmp_path):
    results, callback = _collect()
    scheduler = SyncScheduler(terminal, callback, interval_minutes=0, source=str(tmp_path / "no-usb-stick"))
    scheduler.start()
    try:
        scheduler.sync_now()
        failed = results.get(timeout=20)
        scheduler.source = str(office.feed)
        scheduler.sync_now()
        recovered = results.get(timeout=20)
    finally:
        scheduler.stop()
    assert not failed.ok and "U盘" in failed.message_zh
    assert recovered.ok


def test_without_a_configured_source_the_timer_stays_quiet(terminal):
    results, callback = _collect()
    scheduler = SyncScheduler(terminal, callback, interval_minutes=0.001, first_delay_seconds=0)
    scheduler.start()
    try:
        time.sleep(0.3)  # several timer ticks
        assert results.empty()
        scheduler.sync_now()
        outcome = results.get(timeout=20)
    finally:
        scheduler.stop()
    assert not outcome.ok and "sync_source" in outcome.message_zh


def test_a_broken_callback_does_not_stop_background_sync(office, terminal):
    calls = []

    def callback(outcome):
        calls.append(outcome)
        raise RuntimeError("the UI went away")

    scheduler = SyncScheduler(
        terminal, callback, interval_minutes=0.002, source=str(office.feed), first_delay_seconds=0
    )
    scheduler.start()
    try:
        deadline = threading.Event()
        for _ in range(200):
            if len(calls) >= 2:
                break
            deadline.wait(0.05)
    finally:
        scheduler.stop()
    assert len(calls) >= 2


def test_the_catalog_stays_readable_while_the_background_sync_applies(office, terminal):
    office.put(*(make_doc(n) for n in range(100, 400)))
    office.publish()
    results, callback = _collect()
    scheduler = SyncScheduler(terminal, callback, interval_minutes=0, source=str(office.feed))
    scheduler.start()
    counts = []
    try:
        scheduler.sync_now()
        while results.empty():
            counts.append(count_documents())  # the UI thread reading during the update
            list_documents(limit=20)
        outcome = results.get()
    finally:
        scheduler.stop()
    assert outcome.ok
    assert set(counts) <= {0, 312}  # the old catalog or the new one, never in between
    assert count_documents() == 312
