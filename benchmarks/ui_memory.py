"""Resident memory of the running kiosk with a large catalog, after search, the reader and the screen
keyboard were used, and whether the input method's build libraries stayed out of the UI process.

    python -m benchmarks.ui_memory --sizes 100000 [--workdir DIR] [--out results.json]

The kiosk runs in its own process on a virtual screen; a scripted visit searches (the core search a
screen calls, four queries), opens and pages through two documents and a print preview, and types
pinyin on the keyboard. RSS is read from /proc after each stage and after a settle. Target ≤ 250 MB.
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

from benchmarks.startup import REPO, _env, build_home, virtual_screen

HEAVY_MODULES = ("jieba", "rjieba", "pypinyin", "zhconv")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _visit(app, report: dict):
    """The scripted visit (a generator: each `yield n` lets the app run n seconds)."""
    from kiosk.catalog.search import search
    from tests.ui.harness import touch

    report["after_start_mb"] = rss_mb()
    waited = 0.0
    while app.ime_engine is None and waited < 900:
        yield 0.5
        waited += 0.5
    report["ime_ready_after_s"] = waited
    report["after_ime_mb"] = rss_mb()
    hits = []
    for query in ("政务公开", "zwgk", "最低生活保障 申请", "海政办发[2019]23号"):
        result = search(query)
        hits += [h.id for h in result.hits[:2]]
        yield 0.1
    report["after_search_mb"] = rss_mb()
    reader = app.root.get_screen("reader")
    for doc_id in hits[:2]:
        app.open_document(doc_id)
        yield 0.5
        for _ in range(5):
            reader.page(1)
            yield 0.1
    reader.start_print()
    yield 3.0
    app.reset_session()
    report["after_reader_mb"] = rss_mb()
    home = app.root.get_screen("home")
    keyboard, box = home.ids.get("keyboard"), home.ids.get("search")
    if keyboard is not None and box is not None:
        touch(box)
        yield 0.5
        for key in "zhengwugongkai":
            if key in keyboard.key_widgets:
                touch(keyboard.key_widgets[key])
                yield 0.05
        if keyboard.candidate_buttons:
            touch(keyboard.candidate_buttons[0])
        yield 0.5
    report["after_keyboard_mb"] = rss_mb()
    yield 5.0
    report["settled_mb"] = rss_mb()
    report["heavy_modules_loaded"] = sorted(m for m in HEAVY_MODULES if m in sys.modules)


def _child(home: str, out: str) -> None:
    from kivy.config import Config

    Config.set("graphics", "width", "1920")
    Config.set("graphics", "height", "1080")
    from kivy.clock import Clock

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

    Clock.schedule_once(advance, 1.0)
    app.run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kiosk-benchmark-homes")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return
    results = {}
    with virtual_screen() as display, tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            home = build_home(args.workdir, size)
            env = _env(home)
            env.update(DISPLAY=display, KIVY_HOME=str(Path(scratch) / "kivy"))
            out = Path(scratch) / f"rss-{size}.json"
            subprocess.run(
                [sys.executable, "-m", "benchmarks.ui_memory", "--child", str(home), str(out)],
                cwd=REPO,
                env=env,
                check=True,
                timeout=1800,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            results[size] = json.loads(out.read_text(encoding="utf-8"))
            r = results[size]
            print(
                f"{size:>7,} docs: RSS start {r['after_start_mb']} MB, input method {r['after_ime_mb']} MB, "
                f"search {r['after_search_mb']} MB, reader {r['after_reader_mb']} MB, keyboard "
                f"{r['after_keyboard_mb']} MB, settled {r['settled_mb']} MB (target ≤ 250); heavy modules in "
                f"the UI process: {r['heavy_modules_loaded'] or 'none'}",
                flush=True,
            )
    results["load_average"] = os.getloadavg()
    if args.out:
        args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
