"""Word segmentation and pinyin readings in a child process, for the kiosk's UI process.

The child is `python -m kiosk.catalog.normalize` (its `serve` loop): this module only runs it, so it
knows nothing of what the questions mean.

A query that finds nothing is split into words (rjieba) and read as pinyin for suggestions
(pypinyin): ~90 MB of dictionaries that a Python process never gives back. The touchscreen asks this
helper instead; the helper starts on the first such query, answers the next ones at once, and exits
after `IDLE_SECONDS` without a question, so the memory comes back between visitors. The answers are
the very ones the library gives in-process (the same functions run in the child).
"""

from __future__ import annotations

import json
import logging
import select
import subprocess
import sys
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

IDLE_SECONDS = 120.0


class TextHelper:
    """One child process at a time, one question at a time (a lock: the search worker and any other
    thread may ask); a child that exited (idle, killed) is started again on the next question."""

    def __init__(
        self, module: str, answer_here: Callable[[str, str], list[str]], idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self.module = module
        self.answer_here = answer_here  # the same answer in this process, when the child cannot run
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def ask(self, op: str, text: str) -> list[str]:
        """The child's answer to (`op`, `text`)."""
        request = json.dumps({"op": op, "text": text}, ensure_ascii=False) + "\n"
        with self._lock:
            for attempt in (1, 2):  # the child may have just exited for idleness: start it once more
                proc = self._running()
                try:
                    proc.stdin.write(request)
                    proc.stdin.flush()
                    line = proc.stdout.readline()
                except (BrokenPipeError, OSError, ValueError):
                    line = ""
                if line:
                    return json.loads(line)["result"]
                self._discard(proc)
                if attempt == 2:
                    break
        # Never lose the query over a helper that cannot run: answer in this process instead.
        log.warning("text helper process unavailable: %s of a query computed in the UI process", op)
        return self.answer_here(op, text)

    def close(self) -> None:
        with self._lock:
            if self._proc is not None:
                self._discard(self._proc)

    def _running(self) -> subprocess.Popen:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            proc = subprocess.Popen(
                [sys.executable, "-m", self.module, str(self.idle_seconds)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                bufsize=1,
            )
            self._proc = proc
        return proc

    def _discard(self, proc: subprocess.Popen) -> None:
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if self._proc is proc:
            self._proc = None


def serve(answer: Callable[[str, str], list[str]], idle_seconds: float) -> None:
    """The child's loop: one JSON line answered with one JSON line, until stdin closes or nobody has
    asked for `idle_seconds`."""
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], idle_seconds)
        if not ready:
            return
        line = sys.stdin.readline()
        if not line:
            return
        request = json.loads(line)
        result = answer(request["op"], request["text"])
        sys.stdout.write(json.dumps({"result": result}, ensure_ascii=False) + "\n")
        sys.stdout.flush()
