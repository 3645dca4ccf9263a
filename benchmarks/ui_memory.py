"""Resident memory of the running kiosk with a large catalog, after search, the reader and the screen
keyboard were used, and whether the input method's build libraries stayed out of the UI process.

    python -m benchmarks.ui_memory --sizes 10000 100000 [--workdir DIR] [--homes DIR] [--out results.json]

The kiosk runs in its own process on a virtual screen; a scripted visit types pinyin on the search
screen's keyboard and chooses a candidate, types six queries into the search box (results through the
screen's own worker), opens and pages through two documents and a print preview, and then hears of a
sync, which refreshes the input method's vocabulary. RSS is read from /proc after each stage and after
a settle. Target ≤ 250 MB.
Run by hand, never in CI; homes are shared with benchmarks/startup.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.startup import REPO, _env, build_home, load_like_kiosk_run, virtual_screen

# Libraries the UI process should never hold: the index-building and conversion dictionaries, and the
# printing and intake stacks (the print preview runs them in a child process).
HEAVY_MODULES = ("jieba", "rjieba", "pypinyin", "zhconv", "reportlab", "psycopg", "pypdfium2")
# What residents type on the search screen: a phrase, initials, a 文号, a long unspaced phrase (split into
# words when not found whole), traditional characters, and a slip that finds nothing (suggestions).
QUERIES = ("政务公开", "zwgk", "海政办发[2019]23号", "最低生活保障申请条件办理流程", "政務公開", "政务工开申请表格下载")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def children_rss_mb() -> float:
    """RSS of this process's children (sync, query helper, print preview, lexicon refresh) right now:
    memory moved out of the UI process is still the machine's while a child lives."""
    me, total = os.getpid(), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == me:
                status = (stat.parent / "status").read_text()
                total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        except (OSError, StopIteration, ValueError, IndexError):
            continue
    return round(total / 1024, 1)


def rss_parts_mb() -> dict[str, float]:
    """Anonymous and file-backed RSS (file pages, such as a memory-mapped model, can be dropped and reread)."""
    parts = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("RssAnon:", "RssFile:", "RssShmem:")):
            parts[line.split(":")[0]] = round(int(line.split()[1]) / 1024, 1)
    return parts


def _wait_for_results(screen, serial: int):
    waited = 0.0
    while (screen.shown_serial <= serial or screen.worker.busy) and waited < 30:
        yield 0.1
        waited += 0.1


def _visit(app, report: dict):
    """The scripted visit (a generator: each `yield n` lets the app run n seconds)."""
    from kiosk.sync.scheduler import SyncOutcome
    from tests.ui.harness import touch

    report["after_start_mb"] = rss_mb()
    report["heavy_modules_after_start"] = sorted(m for m in HEAVY_MODULES if sys.modules.get(m) is not None)
    waited = 0.0
    while app.ime_engine is None and waited < 900:
        yield 0.5
        waited += 0.5
    report["ime_ready_after_s"] = waited
    report["after_ime_mb"] = rss_mb()
    search = app.root.get_screen("search")
    app.root.current = "search"
    search.start()
    yield 0.5
    keyboard = search.ids.keyboard
    if not keyboard.shown:
        search.toggle_keyboard()
        yield 0.5
    for key in "zhengwugongkai":  # pinyin on the screen keyboard, then the first candidate
        if key in keyboard.key_widgets:
            touch(keyboard.key_widgets[key])
            yield 0.05
    yield 0.3
    report["keyboard_candidates"] = len([b for b in keyboard.candidate_buttons if b.text])
    if keyboard.candidate_buttons and keyboard.candidate_buttons[0].text:
        touch(keyboard.candidate_buttons[0])
    yield 1.0
    report["after_keyboard_mb"] = rss_mb()
    hits = []
    for query in QUERIES:
        serial = search.shown_serial
        search.ids.query.text = query
        yield from _wait_for_results(search, serial)
        if search.session.result is not None:
            hits += [h.id for h in search.session.result.hits[:1]]
    report["searched_hits"] = len(hits)
    report["after_search_mb"] = rss_mb()
    report["children_after_search_mb"] = children_rss_mb()
    reader = app.root.get_screen("reader")
    for doc_id in hits[:2]:
        app.open_document(doc_id, back_to="search")
        yield 0.5
        for _ in range(5):
            reader.page(1)
            yield 0.1
    reader.start_print()
    waited = 0.0
    while waited < 60 and not any(getattr(w, "stage", "") in ("ready", "done") for w in _modals()):
        yield 0.2
        waited += 0.2
    report["print_preview_s"] = round(waited, 1)
    yield 1.0
    app.reset_session()
    yield 1.0
    report["after_reader_mb"] = rss_mb()
    # A sync that changed the catalog: the input method learns its new terms (in a child process).
    from kiosk.catalog.models import Document

    Document.update(updated_at=app.env.now()).where(Document.id == hits[0]).execute()
    import time

    from kivy.clock import Clock

    frames: list[float] = []
    ticking = Clock.schedule_interval(lambda _dt: frames.append(time.perf_counter()), 0)
    app.sync_finished(SyncOutcome(True, app.env.now(), message_en="updated"))
    waited = 0.0
    while app._vocabulary_refreshing and waited < 900:
        yield 0.5
        waited += 0.5
    ticking.cancel()
    report["vocabulary_refresh_s"] = waited
    # The screen must stay live meanwhile: the longest gap between two frames during the refresh.
    gaps = [b - a for a, b in zip(frames, frames[1:], strict=False)]
    report["vocabulary_refresh_longest_frame_gap_ms"] = round(max(gaps) * 1000) if gaps else None
    report["after_vocabulary_refresh_mb"] = rss_mb()
    yield 5.0
    report["settled_mb"] = rss_mb()
    report["settled_parts_mb"] = rss_parts_mb()
    report["children_settled_mb"] = children_rss_mb()
    report["heavy_modules_loaded"] = sorted(m for m in HEAVY_MODULES if sys.modules.get(m) is not None)


def _modals() -> list:
    from kivy.core.window import Window

    return list(Window.children)


def _child(home: str, out: str) -> None:
    from kivy.config import Config

    Config.set("graphics", "width", "1920")
    Config.set("graphics", "height", "1080")
    from kivy.clock import Clock

    load_like_kiosk_run()
    from kiosk.environment import Env
    from kiosk.sync.startup import open_catalog
    from kiosk.ui.app import KioskApp

    env = Env.load(Path(home))
    open_catalog(env)
    app = KioskApp(env)
    report: dict = {}
    steps = _visit(app, report)

    def advance(_dt) -> None:
        try:
            Clock.schedule_once(advance, next(steps))
        except StopIteration:
            Path(out).write_text(json.dumps(report), encoding="utf-8")
            app.stop()
        except Exception:  # the app's calm error handler would swallow it and the visit would wait forever
            import traceback

            traceback.print_exc()
            app.stop()

    Clock.schedule_once(advance, 1.0)
    app.run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kiosk-benchmark-homes")
    parser.add_argument("--homes", type=Path, help="a folder of built homes (keystroke-N) to copy from")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return
    results = {}
    with virtual_screen() as display, tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            home = build_home(args.workdir, size, args.homes)
            env = _env(home)
            env.update(DISPLAY=display, KIVY_HOME=str(Path(scratch) / "kivy"))
            out = Path(scratch) / f"rss-{size}.json"
            proc = subprocess.run(
                [sys.executable, "-m", "benchmarks.ui_memory", "--child", str(home), str(out)],
                cwd=REPO,
                env=env,
                timeout=1800,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            if not out.exists():
                raise RuntimeError(
                    f"the visit at {size} documents failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
                )
            results[size] = json.loads(out.read_text(encoding="utf-8"))
            r = results[size]
            print(
                f"{size:>7,} docs: RSS start {r['after_start_mb']} MB, input method {r['after_ime_mb']} MB, "
                f"keyboard {r['after_keyboard_mb']} MB, search {r['after_search_mb']} MB, reader + print "
                f"preview {r['after_reader_mb']} MB, vocabulary refresh {r['after_vocabulary_refresh_mb']} MB "
                f"(longest frame gap meanwhile {r['vocabulary_refresh_longest_frame_gap_ms']} ms), "
                f"settled {r['settled_mb']} MB ({r['settled_parts_mb']}; target ≤ 250), child processes "
                f"{r['children_after_search_mb']} MB after the search, {r['children_settled_mb']} MB settled; heavy modules in the UI process at start: "
                f"{r['heavy_modules_after_start'] or 'none'}, at the end: {r['heavy_modules_loaded'] or 'none'}; "
                f"load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    results["load_average"] = os.getloadavg()
    if args.out:
        args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
