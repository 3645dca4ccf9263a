"""What the kiosk's UI process must never hold: the index build's segmentation and pinyin
dictionaries, traditional → simplified tables, and the print layout and rendering libraries. They run
in child processes (sync, query helper, print preview) while the screen stays live."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from kiosk.environment import Env
from kiosk.sync.startup import open_catalog
from tests.ui.harness import run_scenario
from tests.ui.scenarios import until

KEPT_OUT = ("pypinyin", "rjieba", "jieba", "zhconv", "reportlab", "pypdfium2")


def _loaded() -> list[str]:
    return sorted(m for m in KEPT_OUT if m in sys.modules)


def visit_with_sync_search_and_print_preview(app, results):
    results["after_start"] = _loaded()
    yield from until(lambda: app.sync_scheduler is not None, what="the background work to start")
    app.sync_scheduler.sync_now()  # a clerk's 同步目录, instead of the timer's first wait
    yield from until(lambda: app.last_sync_outcome is not None, timeout=90, what="the background sync")
    results["sync_ok"] = app.last_sync_outcome.ok
    results["after_sync"] = _loaded()
    search = app.root.get_screen("search")
    app.root.current = "search"
    for query in ("政務公開", "政务工开申请表", "最低生活保障申请条件办理流程"):
        shown = search.shown_serial
        search.ids.query.text = query
        yield from until(lambda s=shown: search.shown_serial > s, timeout=60, what=f"results for {query}")
    from kiosk.catalog import normalize

    # Nothing found: the words and readings for suggestions came from the helper process.
    results["helper_pid"] = normalize._helper.pid if normalize._helper is not None else None
    results["after_search"] = _loaded()
    app.open_document(app.root.get_screen("home").ids.documents.data[0]["doc_id"])
    app.root.get_screen("reader").start_print()
    from kivy.core.window import Window

    def preview_ready() -> bool:
        return any(getattr(w, "stage", "") in ("ready", "done") for w in Window.children)

    yield from until(preview_ready, timeout=60, what="the print preview")
    dialog = next(w for w in Window.children if getattr(w, "stage", ""))
    results["preview"] = [dialog.stage, dialog.total_pages, dialog.preview is not None]
    results["after_preview"] = _loaded()


def test_sync_search_and_print_preview_leave_the_heavy_libraries_out_of_the_ui_process(home, tmp_path):
    from tests.sync.feedkit import FeedBuilder, make_doc, make_keys

    key = make_keys(tmp_path / "keys")
    office = FeedBuilder(tmp_path / "office", key)
    office.put(*(make_doc(n) for n in range(3)))
    office.publish(now=datetime.now(UTC) - timedelta(hours=1))
    (home / "kiosk.toml").write_text(
        f'sync_source = "{office.feed}"\ntrusted_keys = ["{key.with_name("feed.pub")}"]\n',
        encoding="utf-8",
    )
    open_catalog(Env.load(home)).close()  # a terminal that has started before (the demo catalog is in)
    results = run_scenario(
        home, "tests.ui.test_memory:visit_with_sync_search_and_print_preview", tmp_path / "out.json", timeout=300
    )
    assert "error" not in results, results.get("error")
    assert results["sync_ok"]
    assert results["helper_pid"] is not None
    assert results["preview"][0] == "ready" and results["preview"][1] >= 1 and results["preview"][2]
    for stage in ("after_start", "after_sync", "after_search", "after_preview"):
        assert results[stage] == [], (stage, results[stage])
