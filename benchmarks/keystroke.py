"""Keystroke to results on screen in the real search screen: the running kiosk app under Xvfb.

    python -m benchmarks.keystroke --sizes 10000 100000 [--workdir DIR] [--out results.json]

Per size it builds (or reuses, in --workdir) a terminal home holding the demo catalog plus a
generated corpus, starts the real app in a virtual 1920×1080 window and types queries into the
search box with the docked screen keyboard: the pinyin of each word is typed on its keys (not
timed), then the measured touch lands on the candidate (or 空格 选字) key that commits the word.
It measures from that touch to the end of the first frame drawn (swapped to the screen) after the
list was updated and whose rows show the new results:

* paced: words 0.6 s apart (a resident reading the list between them);
* burst: words 0.1 s apart; only the last word of a burst is measured, from its touch.

A word the input method cannot offer (a 文号 with brackets and digits) goes in as the keyboard's
insert does, timed from the insert; the report counts those as `direct`.

Run by hand, never in CI. The machine may be shared: note its load with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# What residents type, as the keyboard commits it: characters or words (pinyin composes off-screen).
QUERIES = [
    ["政", "务", "公", "开"],
    ["最低", "生活", "保障"],
    ["老旧", "小区", "改造"],
    ["养", "老", "服", "务"],
    ["垃圾", "分类"],
    ["乡村", "振兴", "试点"],
    ["海政办发[2019]23号"],
    ["国办发(2017)24号"],
    ["防", "汛"],
    ["营商", "环境"],
    ["公共", "租赁", "住房"],
    ["食品", "安全", "专项"],
]
PACED, BURST = 0.6, 0.1


def build_home(size: int, workdir: Path) -> Path:
    """A terminal home with the demo catalog and `size` generated documents (kept for the next run)."""
    from benchmarks.corpus import generate_documents
    from kiosk.catalog.documents import upsert_documents
    from kiosk.environment import Env
    from kiosk.sync.startup import open_catalog

    home = workdir / f"keystroke-{size}"
    home.mkdir(parents=True, exist_ok=True)
    env = Env.load(home, environ={})
    db = open_catalog(env)
    have = db.execute_sql("SELECT count(*) FROM document WHERE id LIKE 'g%'").fetchone()[0]
    if have < size:
        started = time.perf_counter()
        batch = []
        for record in generate_documents(size, seed=11):
            batch.append(record)
            if len(batch) == 5000:
                upsert_documents(batch)
                batch = []
        if batch:
            upsert_documents(batch)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"built {size} documents in {time.perf_counter() - started:.0f} s", flush=True)
    db.close()
    return home


def run_size(size: int, workdir: Path) -> dict:
    home = build_home(size, workdir)
    out = workdir / f"keystroke-{size}.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        KIVY_NO_ARGS="1",
        KIVY_NO_FILELOG="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_HOME=str(workdir / "kivy_home"),
        KIVY_DPI="96",
        KIOSK_HOME=str(home),
    )
    command = [sys.executable, "-m", "benchmarks.keystroke", "--child", str(home), str(out)]
    if not env.get("DISPLAY"):
        command = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *command]
    subprocess.run(command, cwd=REPO, env=env, timeout=1800, check=False)
    report = json.loads(out.read_text(encoding="utf-8"))
    baseline = workdir / "bare-frames.json"
    bare_command = [sys.executable, "-m", "benchmarks.keystroke", "--bare", str(baseline)]
    if not env.get("DISPLAY"):
        bare_command = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *bare_command]
    subprocess.run(bare_command, cwd=REPO, env=env, timeout=120, check=False)
    report["bare_frames"] = json.loads(baseline.read_text(encoding="utf-8"))
    report["size"] = size
    for part in ("paced", "burst", "search", "render", "frames", "bare_frames"):
        report[f"{part}_ms"] = _stats(report[part])
    print(
        f"{size} documents: keystroke to results on screen, paced keys {report['paced_ms']} ms "
        f"(n={len(report['paced'])}); burst, from the last key {report['burst_ms']} ms (n={len(report['burst'])}); "
        f"of which the search (worker thread) {report['search_ms']} ms and putting the page on screen "
        f"{report['render_ms']} ms; {report.get('direct', 0)} words typed directly; frame interval of the app {report['frames_ms']} ms, of a bare Kivy window "
        f"in the same run {report['bare_frames_ms']} ms; errors {report['errors']}; "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return report


def _stats(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {}
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1), "max": round(ordered[-1], 1)}


def child(home: Path, out: Path) -> None:
    """Inside Xvfb: the real app, the search screen, queries typed on the screen keyboard and timed."""
    from kivy.config import Config

    Config.set("graphics", "width", "1920")
    Config.set("graphics", "height", "1080")
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.tests.common import UnitTestTouch
    from pypinyin import lazy_pinyin

    from kiosk.catalog.search import warm_up
    from kiosk.catalog.search_session import SearchRequest
    from kiosk.environment import Env
    from kiosk.sync.startup import open_catalog
    from kiosk.ui.app import KioskApp

    env = Env.load(home)
    open_catalog(env)
    app = KioskApp(env)
    results: dict = {"paced": [], "burst": [], "errors": [], "search": [], "render": [], "frames": [], "direct": 0}
    # (end of the swap, whether the rows drawn in that frame showed the list's current data)
    drawn: list[tuple[float, bool]] = []
    screen = None
    flip = Window.flip

    def timed_flip() -> None:
        # on_flip's handlers run before the swap, where a software renderer does its drawing: time the
        # frame from after it, when it is on the screen.
        rows_current = screen is not None and _rows_show_data(screen.ids.results)
        flip()
        drawn.append((time.perf_counter(), rows_current))

    Window.flip = timed_flip
    run = SearchRequest.run

    def timed_run(request):  # in the worker thread: the catalog search alone
        started = time.perf_counter()
        try:
            return run(request)
        finally:
            results["search"].append((time.perf_counter() - started) * 1000)

    SearchRequest.run = timed_run

    def touch(widget) -> None:
        x, y = widget.to_window(*widget.center)
        event = UnitTestTouch(x, y)
        event.touch_down()
        event.touch_up()

    def compose(keyboard, word):
        """Type the word's pinyin on the keys (not timed); the key that commits it, or None."""
        if keyboard.composer is None or not all("\u4e00" <= c <= "\u9fff" for c in word):
            return None
        for letter in "".join(lazy_pinyin(word)):
            keyboard.press(letter)
        for _page in range(10):
            texts = [b.text for b in keyboard.candidate_buttons]
            if word in texts:
                index = texts.index(word)
                return (
                    keyboard.ids.space_key
                    if index == 0 and keyboard.composer.page == 0
                    else (keyboard.candidate_buttons[index])
                )
            if not keyboard.composer.has_next_page:
                break
            keyboard.page(1)
        keyboard.finish_composition()  # not offered: what was typed goes in as letters; clear it
        screen.ids.query.text = ""
        return None

    def steps():
        nonlocal screen
        yield 0.5
        deadline = time.perf_counter() + 300
        while app.ime_engine is None and time.perf_counter() < deadline:
            yield 0.5  # the input method loads (or builds its lexicon) first: not measured alongside
        warm_up()
        app.root.current = "search"
        screen = app.root.get_screen("search")
        screen.start()  # the box focused and the keyboard up, as a resident types
        keyboard = screen.ids.keyboard
        render = screen.render

        def timed_render():  # on the UI thread: putting one page of results on screen
            started = time.perf_counter()
            render()
            results["render"].append((time.perf_counter() - started) * 1000)

        screen.render = timed_render
        # When the results went on screen: taken as it happens, since the frame that shows them can be
        # drawn in the same turn of the loop, before this generator runs again.
        shown_at: list[float] = []
        screen.bind(shown_serial=lambda *_a: shown_at.append(time.perf_counter()))
        yield 1.0
        first_frame = len(drawn)
        for mode, gap in (("paced", PACED), ("burst", BURST)):
            for words in QUERIES:
                screen.ids.query.text = ""
                yield 0.6
                for i, word in enumerate(words):
                    key = compose(keyboard, word)
                    if key is not None and mode == "paced":
                        yield 0.3  # the frames of the composition are drawn before the measured touch
                    serial = screen.shown_serial
                    started = time.perf_counter()
                    if key is None:
                        results["direct"] += 1
                        screen.ids.query.insert_text(word)
                    else:
                        touch(key)
                    last = i == len(words) - 1
                    if mode == "burst" and not last:
                        yield max(0.0, gap - (time.perf_counter() - started))
                        continue
                    deadline = started + 10
                    while screen.shown_serial == serial and time.perf_counter() < deadline:
                        yield 0
                    if screen.shown_serial == serial:
                        results["errors"].append(f"no results for {screen.ids.query.text!r}")
                        continue
                    shown = shown_at[-1]
                    while not any(t > shown and ok for t, ok in drawn) and time.perf_counter() < shown + 2:
                        yield 0
                    frame = next((t for t, ok in drawn if t > shown and ok), None)
                    if frame is None:
                        results["errors"].append(f"no frame showed the results for {screen.ids.query.text!r}")
                        continue
                    results[mode].append((frame - started) * 1000)
                    if mode == "paced":
                        yield max(0.0, gap - (time.perf_counter() - started))

        frames = [t for t, _ok in drawn[first_frame:]]
        results["frames"] = [(b - a) * 1000 for a, b in zip(frames, frames[1:], strict=False)]

    driver = steps()

    def advance(_dt: float) -> None:
        try:
            wait = next(driver)
        except StopIteration:
            out.write_text(json.dumps(results), encoding="utf-8")
            app.stop()
            return
        Clock.schedule_once(advance, wait)

    Clock.schedule_once(advance, 0.5)
    app.run()


def _rows_show_data(recycle_view) -> bool:
    """The list's row widgets show its data (a RecycleView lays its views out after the data changes)."""
    data = recycle_view.data
    rows = sorted(recycle_view.children[0].children, key=lambda w: -w.top) if recycle_view.children else []
    if not data:
        return not rows
    return bool(rows) and rows[0].doc_id == data[0]["doc_id"] and rows[0].title == data[0]["title"]


def bare(out: Path) -> None:
    """The baseline in the same run: a bare Kivy window whose one label changes every frame."""
    from kivy.config import Config

    Config.set("graphics", "width", "1920")
    Config.set("graphics", "height", "1080")
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.label import Label

    drawn: list[float] = []
    flip = Window.flip

    def timed_flip() -> None:
        flip()
        drawn.append(time.perf_counter())

    Window.flip = timed_flip

    class Bare(App):
        def build(self):
            label = Label(text="0", font_size=40)
            Clock.schedule_interval(lambda _dt: setattr(label, "text", str(len(drawn))), 0)
            Clock.schedule_once(lambda _dt: self.stop(), 5)
            return label

    Bare().run()
    out.write_text(json.dumps([(b - a) * 1000 for a, b in zip(drawn, drawn[1:], strict=False)]), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workdir", type=Path, default=None, help="Keep the catalogs here for the next run.")
    parser.add_argument("--out", type=Path, default=None, help="Write the full report as JSON here.")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    if args.bare:
        bare(args.bare)
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kiosk-keystroke-bench-"))
    print(f"# keystroke benchmark ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; workdir {workdir})")
    reports = [run_size(size, workdir) for size in args.sizes]
    if args.out:
        args.out.write_text(json.dumps(reports, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
