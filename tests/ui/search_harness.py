"""Runs the search, browse and 解读 scenarios (tests/ui/search_scenarios.py) in the real app through
harness.py's runner, which looks scenarios up in tests/ui/scenarios.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ui import harness


def run_search_scenario(
    home: Path, name: str, out: Path, timeout: float = 180, window: tuple[int, int] = harness.DEFAULT_WINDOW
) -> dict:
    """As harness.run_scenario, for a scenario in search_scenarios.py."""
    env = dict(os.environ)
    env.update(
        KIVY_NO_ARGS="1",
        KIVY_NO_FILELOG="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_HOME=str(out.parent / "kivy_home"),
        KIVY_DPI=harness.KIOSK_DPI,
        KIOSK_HOME=str(home),
    )
    command = [sys.executable, "-m", "tests.ui.search_harness", str(home), name, str(out), f"{window[0]}x{window[1]}"]
    if not env.get("DISPLAY"):
        command = ["xvfb-run", "-a", "-s", harness.SCREEN, *command]
    proc = subprocess.run(command, cwd=harness.REPO, env=env, capture_output=True, text=True, timeout=timeout)
    if not out.exists():
        raise AssertionError(f"scenario {name} wrote no results (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    from tests.ui import scenarios, search_scenarios

    setattr(scenarios, sys.argv[2], getattr(search_scenarios, sys.argv[2]))
    harness._main()
