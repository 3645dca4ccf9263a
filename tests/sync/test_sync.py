import json
import sqlite3
import threading
import time

import pytest

from kiosk.catalog.documents import get_document, get_state
from kiosk.catalog.models import Document, database
from kiosk.environment import DEMO_FEED_DIR, Env
from kiosk.errors import NotFound
from kiosk.sync import sources
from kiosk.sync.feed import object_path
from kiosk.sync.startup import open_catalog
from kiosk.sync.status import catalog_status, withdrawal
from kiosk.sync.updater import sync_catalog
from tests.httpd import send
from tests.sync.feedkit import catalog_snapshot, feed_entries, make_doc, serve_feed


def _docs(env: Env) -> dict[str, str]:
    return catalog_snapshot(env.catalog_db)["documents"]


def test_sync_from_a_folder_installs_exactly_the_feed(office, terminal):
    report = sync_catalog(terminal, str(office.feed))
    assert (report.status, report.version_before, report.version_after) == ("updated", None, 1)
    assert (report.added, report.changed, report.withdrawn) == (12, 0, 0)
    assert _docs(terminal) == feed_entries(office.feed)
    doc = get_document("doc0003")
    (attachment,) = doc.attachments
    stored = terminal.files_dir / attachment.sha256[:2] / attachment.sha256
    assert stored.read_bytes().startswith(b"%PDF-1.4")
    assert not terminal.sync_staging_dir.exists()


def test_sync_over_http_gives_the_same_catalog_as_from_a_folder(office, terminal, tmp_path):
    with serve_feed(office.feed) as server:
        report = sync_catalog(terminal, server.url)
    assert report.version_after == 1 and report.added == 12
    assert _docs(terminal) == feed_entries(office.feed)
    assert catalog_status(terminal)["source"] == server.url


def test_incremental_sync_fetches_only_changed_shards_and_documents(office, terminal):
    office.put(*(make_doc(n) for n in range(12, 400)))  # enough documents for several shards
    office.publish()
    first = sync_catalog(terminal, str(office.feed))
    office.put(make_doc(5, revision=1), make_doc(500))
    office.remove("doc0007")
    published = office.publish()
    assert published.changed and published.version_after == 3
    with serve_feed(office.feed) as server:
        report = sync_catalog(terminal, server.url)
    assert (report.added, report.changed, report.withdrawn) == (1, 1, 1)
    assert report.unchanged == 398
    assert report.bytes_fetched < first.bytes_fetched * 0.1
    fetched = [p for p in server.paths() if p != "/root.json"]
    assert len(fetched) <= 3 + 2  # at most three shards and the two new document objects
    assert _docs(terminal) == feed_entries(office.feed)


def test_sync_records_withdrawals_so_the_reader_can_say_so(office, terminal):
    sync_catalog(terminal, str(office.feed))
    office.remove("doc0002")
    office.publish()
    report = sync_catalog(terminal, str(office.feed))
    assert report.withdrawn == 1
    with pytest.raises(NotFound):
        get_document("doc0002")
    assert withdrawal("doc0002")["title"] == "关于做好第2批政务公开工作的通知"
    assert withdrawal("doc0001") is None


def test_second_sync_of_the_same_feed_is_up_to_date_and_uses_a_conditional_get(office, terminal):
    with serve_feed(office.feed) as server:
        sync_catalog(terminal, server.url)
        again = sync_catalog(terminal, server.url)
    assert again.status == "up_to_date" and again.bytes_fetched == 0
    assert server.requests[-1].path == "/root.json"
    assert "If-None-Match" in server.requests[-1].headers


def test_sync_stores_the_signed_calendar_for_deadlines(office, terminal, tmp_path):
    calendar = tmp_path / "calendar.json"
    calendar.write_text(
        json.dumps({"format": 1, "years": {"2026": {"holidays": ["2026-10-01"], "workdays": ["2026-10-10"]}}}),
        "utf-8",
    )
    office.publish(calendar=calendar)
    report = sync_catalog(terminal, str(office.feed))
    assert report.calendar_updated
    stored = json.loads(get_state("calendar"))
    assert stored == {"format": 1, "years": {"2026": {"holidays": ["2026-10-01"], "workdays": ["2026-10-10"]}}}
    assert catalog_status(terminal)["calendar_years"] == ["2026"]


def test_large_attachment_resumes_with_a_range_request_after_a_cut(office, terminal, monkeypatch):
    monkeypatch.setattr(sources, "RESUME_MIN_BYTES", 10_000)
    big = bytes(range(256)) * 400  # 102,400 bytes
    office.attach("doc0004", "年报.pdf", big)
    office.publish()
    sha = __import__("hashlib").sha256(big).hexdigest()
    cut = {"done": False}

    def cut_once(handler, data):
        if cut["done"] or "Range" in handler.headers:
            return False
        cut["done"] = True
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data[:60_000])
        handler.wfile.flush()
        handler.close_connection = True
        return True

    with serve_feed(office.feed, {object_path(sha): cut_once}) as server:
        report = sync_catalog(terminal, server.url)
    assert report.version_after == 2
    ranged = [r for r in server.requests if r.path == "/" + object_path(sha) and "Range" in r.headers]
    # It asked only for the rest (what arrived before the cut, less the read in progress).
    assert ranged and 0 < int(ranged[0].headers["Range"][6:-1]) <= 60_000
    assert (terminal.files_dir / sha[:2] / sha).read_bytes() == big


def test_new_home_gets_the_demo_feed_then_the_real_feed_replaces_it(office, home, signing_key, monkeypatch):
    monkeypatch.setenv("KIOSK_TRUSTED_KEYS", str(signing_key.with_name("feed.pub")))
    env = Env.load(home)
    open_catalog(env)
    status = catalog_status(env)
    assert status["demo"] and status["documents"] == 5 and status["version"] == 1
    assert len(json.loads(get_state("calendar"))["years"]) >= 20
    report = sync_catalog(env, str(office.feed))
    assert report.added == 12 and report.withdrawn == 5
    status = catalog_status(env)
    assert not status["demo"] and status["documents"] == 12 and status["source"] == str(office.feed.resolve())
    assert withdrawal(next(iter(feed_entries(DEMO_FEED_DIR)))) is None  # leaving the demo is no withdrawal


def test_a_reader_inside_a_transaction_keeps_the_old_catalog_during_an_update(office, terminal):
    sync_catalog(terminal, str(office.feed))
    office.put(make_doc(1, revision=9))
    office.publish()
    reader = sqlite3.connect(terminal.catalog_db)
    reader.execute("BEGIN")
    before = reader.execute("SELECT body FROM document WHERE id='doc0001'").fetchone()[0]
    worker = threading.Thread(target=sync_catalog, args=(terminal, str(office.feed)))
    worker.start()
    worker.join(30)
    assert reader.execute("SELECT body FROM document WHERE id='doc0001'").fetchone()[0] == before
    reader.execute("COMMIT")
    after = reader.execute("SELECT body FROM document WHERE id='doc0001'").fetchone()[0]
    assert "第9次修订" in after and "第9次修订" not in before
    reader.close()


def test_two_syncs_at_once_do_not_overlap(office, terminal):
    from kiosk.sync.updater import sync_lock

    with sync_lock(terminal):
        with pytest.raises(Exception) as info:
            sync_catalog(terminal, str(office.feed))
    assert "另一个目录同步正在进行" in info.value.message_zh
    assert Document.select().count() == 0


def test_status_reports_an_expired_catalog_and_how_old_it_is(office, terminal):
    from datetime import timedelta

    sync_catalog(terminal, str(office.feed))
    later = terminal.now() + timedelta(days=45)
    terminal.clock = lambda: later
    status = catalog_status(terminal)
    assert status["expired"] and status["age_days"] == 45 and status["last_result"] == "updated"
    database.close()


def test_server_without_range_support_restarts_the_download(office, terminal, monkeypatch):
    monkeypatch.setattr(sources, "RESUME_MIN_BYTES", 1000)
    big = b"z" * 30_000
    office.attach("doc0005", "b.pdf", big)
    office.publish()
    sha = __import__("hashlib").sha256(big).hexdigest()
    calls = {"n": 0}

    def ignore_range(handler, data):
        calls["n"] += 1
        if calls["n"] == 1:
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data[:1000])
            handler.close_connection = True
        else:
            send(handler, 200, data)  # ignores Range: the whole file again
        return True

    with serve_feed(office.feed, {object_path(sha): ignore_range}) as server:
        sync_catalog(terminal, server.url)
    assert (terminal.files_dir / sha[:2] / sha).read_bytes() == big


def _bundles(feed) -> list[str]:
    from kiosk.sync.feed import parse_root, read_shard

    root = parse_root(json.loads((feed / "root.json").read_text("utf-8"))["signed"])
    return [
        object_path(read_shard((feed / object_path(ref.sha256)).read_bytes(), key, root.shard_bits).bundle.sha256)
        for key, ref in sorted(root.shards.items())
    ]


def test_a_first_sync_fetches_one_bundle_per_shard_not_one_request_per_document(office, terminal):
    office.put(*(make_doc(n) for n in range(12, 400)))
    office.publish()
    with serve_feed(office.feed) as server:
        report = sync_catalog(terminal, server.url)
    bundles = _bundles(office.feed)
    assert report.added == 400 and len(bundles) == 8
    objects = [p[1:] for p in server.paths() if p.startswith("/objects/")]
    assert sorted(p for p in objects if p in bundles) == sorted(bundles)
    assert len(objects) == 8 + 8 + 1  # shards, bundles, the one attachment


def test_a_sync_cut_off_half_way_resumes_without_fetching_again(office, terminal):
    office.put(*(make_doc(n) for n in range(12, 400)))
    office.publish()
    broken = _bundles(office.feed)[4]
    down = {"on": True}

    def flaky(handler, data):
        if down["on"]:
            send(handler, 503, b"maintenance")
            return True
        return False

    with serve_feed(office.feed, {broken: flaky}) as server:
        with pytest.raises(Exception) as info:
            sync_catalog(terminal, server.url)
        assert "暂时不可用" in info.value.message_zh
        first = {p for p in server.paths() if p.startswith("/objects/") and p[1:] != broken}
        assert terminal.sync_staging_dir.exists()  # what was verified is kept for the next attempt
        down["on"] = False
        del server.requests[:]
        report = sync_catalog(terminal, server.url)
    assert report.version_after == 2 and report.added == 400
    assert [p for p in server.paths() if p in first] == []  # nothing fetched twice
    assert "/" + broken in server.paths()
    assert not terminal.sync_staging_dir.exists()


def test_over_http_several_documents_are_fetched_at_once(office, terminal):
    office.put(*(make_doc(n) for n in range(12, 400)))
    office.publish()
    sync_catalog(terminal, str(office.feed))
    office.put(*(make_doc(n, revision=1) for n in range(10)))
    office.publish()
    changed = [sha for doc_id, sha in feed_entries(office.feed).items() if doc_id < "doc0010"]
    lock, active, peak = threading.Lock(), [0], [0]

    def slow(handler, data):  # a link with 0.3 s round trips
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.3)
        with lock:
            active[0] -= 1
        return False

    # How long the window saves on such a link is measured in benchmarks/sync_slow_link.py.
    with serve_feed(office.feed, {object_path(sha): slow for sha in changed}) as server:
        report = sync_catalog(terminal, server.url)
    assert report.changed == 10 and peak[0] > 1
