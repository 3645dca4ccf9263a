"""Cold start of the kiosk to its first touchable home screen, side by side with a bare Kivy
hello-world window in the same run, at catalog sizes.

    python -m benchmarks.startup --sizes 10000 100000 [--repeats 5] [--workdir DIR] [--homes DIR] [--out results.json]

"Touchable" is the first frame drawn after the app's on_start with the home screen current: from
then on a touch is handled. Both programs run as fresh processes on one Xvfb screen started once (so
X start-up is not counted); the catalog homes (and the input method's lexicon) are built first and
kept in --workdir for the next run. The kiosk child first imports what `kiosk run` (the deployed
entry, deploy/terminal/kiosk.service) imports: the `kiosk` command and its run subcommand; BENCHMARK_ENTRY=app
leaves that out, to see the app's own share. --homes names a folder of homes built already (keystroke-N, by
benchmarks.keystroke): each is copied into --workdir once, so runs never share a catalog. Page cache is warm after the first repeat: "cold" means a new
process, not a cold disk. Run by hand, never in CI; note the machine's load with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
READY = "READY"


def build_home(workdir: Path, size: int, homes: Path | None = None) -> Path:
    """A terminal home holding `size` generated documents (and a built lexicon), made once: copied
    from `homes`/keystroke-`size` when that exists, generated otherwise."""
    home = workdir / f"home-{size}"
    done = home / ".benchmark-built"
    if done.exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    source = homes / f"keystroke-{size}" if homes is not None else None
    if source is not None and (source / "catalog.sqlite3").exists():
        print(f"copying {source} to {home} …", flush=True)
        workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-a", str(source), str(home)], check=True)
        code = (
            "import sys; from pathlib import Path; from kiosk.environment import Env;"
            "from kiosk.ime.setup import ensure_lexicon; ensure_lexicon(Env.load(Path(sys.argv[1])))"
        )
        subprocess.run([sys.executable, "-c", code, str(home)], cwd=REPO, check=True, env=_env(home))
        done.write_text("ok", encoding="utf-8")
        return home
    home.mkdir(parents=True)
    code = (
        "import sys, time; from pathlib import Path;"
        "from benchmarks.corpus import generate_documents;"
        "from kiosk.catalog.documents import set_state, upsert_documents;"
        "from kiosk.catalog.catalog_db import open_store;"
        "from kiosk.environment import Env;"
        "from kiosk.ime.setup import ensure_lexicon;"
        "env = Env.load(Path(sys.argv[1])); open_store(env.catalog_db);"
        "t = time.perf_counter(); upsert_documents(generate_documents(int(sys.argv[2])));"
        "set_state('initialized', 'benchmark'); print(f'catalog {time.perf_counter() - t:.0f} s', flush=True);"
        "t = time.perf_counter(); ensure_lexicon(env); print(f'lexicon {time.perf_counter() - t:.0f} s')"
    )
    print(f"building a {size:,}-document home in {home} …", flush=True)
    subprocess.run([sys.executable, "-c", code, str(home), str(size)], cwd=REPO, check=True, env=_env(home))
    done.write_text("ok", encoding="utf-8")
    return home


def _env(home: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIVY_NO_ARGS="1", KIVY_NO_FILELOG="1", KIVY_NO_CONSOLELOG="1", KIVY_CLIPBOARD="dummy", KIVY_DPI="96")
    if home is not None:
        env["KIOSK_HOME"] = str(home)
    return env


@contextmanager
def virtual_screen():
    """One Xvfb for every run (unless a display is already there)."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    display = f":{os.getpid() % 400 + 100}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        yield display
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def time_to_ready(kind: str, home: Path | None, display: str, kivy_home: Path) -> float:
    """Seconds from starting the process to its first touchable frame."""
    env = _env(home)
    env.update(DISPLAY=display, KIVY_HOME=str(kivy_home))
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.startup", "--child", kind, *([str(home)] if home else [])],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for line in proc.stdout:
        if line.startswith(READY):
            elapsed = time.perf_counter() - started
            proc.wait(timeout=60)
            return elapsed
    proc.wait(timeout=60)
    raise RuntimeError(f"{kind} never became ready (exit {proc.returncode})")


def load_like_kiosk_run() -> None:
    """What the deployed `kiosk run` loads and does before the app: the command and its run subcommand,
    and the PostgreSQL driver hidden. BENCHMARK_ENTRY=app leaves that out, to see the app's own share."""
    if os.environ.get("BENCHMARK_ENTRY", "cli") != "cli":
        return
    from kiosk.cli import main
    from kiosk.cli.run import without_postgresql_driver

    main.get_command(None, "run")
    without_postgresql_driver()


def _child(kind: str, home: str | None) -> None:
    """Runs in the measured process: start the app, say READY at its first touchable frame, stop."""
    from kivy.config import Config

    Config.set("graphics", "width", "1920")
    Config.set("graphics", "height", "1080")
    from kivy.app import App
    from kivy.clock import Clock

    def ready_after_next_frame(app) -> None:
        from kivy.core.window import Window

        def say(*_args) -> None:
            Window.unbind(on_flip=say)
            print(READY, flush=True)
            Clock.schedule_once(lambda _dt: app.stop(), 0)

        # The first buffer swap after on_start: the screen is drawn, and touches are dispatched from then on.
        # (A Clock callback would run in the first tick, before anything is drawn.)
        Window.bind(on_flip=say)

    if kind == "hello":
        from kivy.uix.label import Label

        class Hello(App):
            def build(self):
                return Label(text="Hello")

            def on_start(self):
                ready_after_next_frame(self)

        Hello().run()
        return
    load_like_kiosk_run()
    from kiosk.environment import Env
    from kiosk.sync.startup import open_catalog
    from kiosk.ui.app import KioskApp

    class Measured(KioskApp):
        def on_start(self):
            super().on_start()
            assert self.root.current == "home"
            ready_after_next_frame(self)

    env = Env.load(Path(home))
    open_catalog(env)
    Measured(env).run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kiosk-benchmark-homes")
    parser.add_argument("--homes", type=Path, help="a folder of built homes (keystroke-N) to copy from")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], args.child[1] if len(args.child) > 1 else None)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    homes = {size: build_home(args.workdir, size, args.homes) for size in args.sizes}
    report: dict = {"load_average_before": os.getloadavg(), "sizes": {}}
    with virtual_screen() as display, tempfile.TemporaryDirectory() as scratch:
        kivy_home = Path(scratch) / "kivy"
        time_to_ready("hello", None, display, kivy_home)  # Kivy writes its config on the very first start
        for size, home in homes.items():
            hello, kiosk = [], []
            for _ in range(args.repeats):  # interleaved, so a busy moment hits both alike
                hello.append(time_to_ready("hello", None, display, kivy_home))
                kiosk.append(time_to_ready("kiosk", home, display, kivy_home))
            row = {
                "hello_median_s": round(statistics.median(hello), 2),
                "kiosk_median_s": round(statistics.median(kiosk), 2),
                "ratio": round(statistics.median(kiosk) / statistics.median(hello), 2),
                "kiosk_max_s": round(max(kiosk), 2),
                "hello_s": [round(v, 2) for v in hello],
                "kiosk_s": [round(v, 2) for v in kiosk],
            }
            report["sizes"][size] = row
            print(
                f"{size:>7,} docs: kiosk {row['kiosk_median_s']} s, hello-world {row['hello_median_s']} s, "
                f"ratio {row['ratio']} (targets: ≤ 1.5×, ≤ 3 s)",
                flush=True,
            )
    report["load_average_after"] = os.getloadavg()
    if args.out:
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
