"""Power cut stand-in for crash tests: a child process runs a writing loop and is SIGKILLed at a random
moment, so that over many rounds the kill lands at every point of the write."""

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO


def kill_while_running(code: str, *args: str, cwd: Path | None = None, within: float = 0.05) -> None:
    """Run `code` (which prints "ready" once it has written something, then writes on in a loop) in a new
    Python process and SIGKILL it up to `within` seconds after it said so."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, env=env, cwd=cwd)
    try:
        assert child.stdout.readline() == b"ready\n"
        time.sleep(random.uniform(0.0, within))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def fresh_folder_loop(module: str, function: str) -> str:
    """Code for kill_while_running that calls `function` of `module` on new folders 0, 1, 2 … of argv[1]
    as fast as it can (what is created first, a key or a secret, is then caught at every point)."""
    return (
        "import itertools, sys\n"
        "from pathlib import Path\n"
        f"from {module} import {function}\n"
        "base = Path(sys.argv[1])\n"
        f"{function}(base / '0')\n"
        "print('ready', flush=True)\n"
        "for n in itertools.count(1):\n"
        f"    {function}(base / str(n))\n"
    )


def folders_left_by_kills(code: str, tmp_path: Path, rounds: int) -> Iterator[Path]:
    """Every folder a fresh_folder_loop began, over `rounds` runs each killed at a random moment."""
    for round_ in range(rounds):
        base = tmp_path / str(round_)
        kill_while_running(code, str(base))
        yield from sorted(base.iterdir())
