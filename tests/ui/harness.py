"""Run a scenario against the real Kivy app in its own process on a virtual X screen.

A scenario is a generator `scenario(app, results)` in tests/ui/scenarios.py that drives touches
and fills `results`; each `yield n` lets the app run n seconds. The test reads results as JSON.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


# The virtual screen holds the largest window a scenario asks for (a portrait 1080×1920 kiosk).
SCREEN = "-screen 0 1920x1920x24"
DEFAULT_WINDOW = (800, 600)
# Real kiosk panels (21–32 inch) sit near 96 dpi; Kivy's mm() follows the dpi, so the test pins it.
KIOSK_DPI = "96"


def run_scenario(
    home: Path, name: str, out: Path, timeout: float = 120, window: tuple[int, int] = DEFAULT_WINDOW
) -> dict:
    """Run `name` in a fresh app whose window is `window` (width, height) pixels."""
    env = dict(os.environ)
    env.update(
        KIVY_NO_ARGS="1",
        KIVY_NO_FILELOG="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_HOME=str(out.parent / "kivy_home"),
        KIVY_DPI=KIOSK_DPI,
        KIOSK_HOME=str(home),
    )
    command = [sys.executable, "-m", "tests.ui.harness", str(home), name, str(out), f"{window[0]}x{window[1]}"]
    if not env.get("DISPLAY"):
        command = ["xvfb-run", "-a", "-s", SCREEN, *command]
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    if not out.exists():
        raise AssertionError(f"scenario {name} wrote no results (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def touch(widget) -> None:
    """A real press and release at the widget's centre, through the window's event loop."""
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(*widget.center)
    event = UnitTestTouch(x, y)
    event.touch_down()
    event.touch_up()


def _main() -> None:
    home, name, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    width, height = sys.argv[4].split("x")
    from kivy.config import Config

    # Before anything opens the window (the theme's mm() already does, on import).
    Config.set("graphics", "width", width)
    Config.set("graphics", "height", height)
    Config.set("graphics", "position", "custom")
    Config.set("graphics", "left", "0")
    Config.set("graphics", "top", "0")
    from kivy.clock import Clock

    from kiosk.environment import Env
    from kiosk.sync.startup import open_catalog
    from kiosk.ui.app import KioskApp
    from tests.ui import scenarios

    if ":" in name:  # "tests.ui.test_something:scenario": a scenario kept beside its own tests
        module, name = name.split(":")
        scenarios = importlib.import_module(module)
    env = Env.load(home)
    open_catalog(env)
    app = KioskApp(env)
    results: dict = {}
    steps = getattr(scenarios, name)(app, results)

    def advance(_dt: float) -> None:
        try:
            wait = next(steps)
        except StopIteration:
            finish()
            return
        except Exception:
            results["error"] = traceback.format_exc()
            finish()
            return
        Clock.schedule_once(advance, wait)

    def finish() -> None:
        handler = getattr(app, "error_handler", None)
        if handler is not None and handler.recent_descriptions:
            results["ui_errors"] = handler.recent_descriptions  # shown by the calm message, logged here
        out.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        app.stop()

    Clock.schedule_once(advance, 0.5)
    app.run()


if __name__ == "__main__":
    _main()
