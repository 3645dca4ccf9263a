"""Background sync for a running kiosk: a thread that syncs every `sync_interval_minutes` from
`sync_source` and reports each outcome through a callback. No Kivy here: the UI passes a callback
that hops back to its own thread (Clock.schedule_once); readers keep working during an update
because the apply is one SQLite transaction in WAL mode.

The sync itself runs in a child process (`sync_in_child`): building the search index loads rjieba
and pypinyin (~90 MB that a Python process never gives back), and the UI process must not keep them.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kiosk.catalog.models import database
from kiosk.environment import Env
from kiosk.errors import KioskError
from kiosk.sync.updater import Progress, SyncReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncOutcome:
    ok: bool
    at: datetime
    report: SyncReport | None = None
    message_zh: str = ""  # for the screen (the freshness line)
    message_en: str = ""
    manual: bool = False  # asked for by a clerk, not by the timer


class SyncScheduler:
    def __init__(
        self,
        env: Env,
        on_result: Callable[[SyncOutcome], None],
        *,
        interval_minutes: float | None = None,
        source: str | None = None,
        first_delay_seconds: float = 30.0,
        sync: Callable[..., SyncReport] | None = None,
        on_progress: Progress | None = None,
    ) -> None:
        self.env = env
        self.on_result = on_result
        minutes = env.config.sync_interval_minutes if interval_minutes is None else interval_minutes
        self.interval = minutes * 60.0 if minutes > 0 else None  # None: only when a clerk asks
        self.source = source
        self.first_delay = first_delay_seconds
        self._sync = sync or sync_in_child
        self.on_progress = on_progress  # (phase, done, total) from the sync, on the scheduler's thread
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._manual = False
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kiosk-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the thread to finish; a sync in progress completes (or rolls back) first."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("background sync did not stop within %.0f s", timeout)
        self._thread = None

    def sync_now(self) -> None:
        """A clerk's “同步目录” button: sync at once, whatever the timer says."""
        self._manual = True
        self._wake.set()

    def _loop(self) -> None:
        wait = self.first_delay if self.interval is not None else None
        try:
            while not self._stop.is_set():
                self._wake.wait(wait)
                if self._stop.is_set():
                    break
                self._wake.clear()
                manual, self._manual = self._manual, False
                wait = self.interval
                outcome = self._run_once(manual)
                if outcome is not None:
                    self._report(outcome)
        finally:
            database.close()  # this thread's own connection (peewee keeps one per thread)

    def _run_once(self, manual: bool) -> SyncOutcome | None:
        source = self.source or self.env.config.sync_source
        if not source and not manual:
            return None  # a terminal with no central feed configured: nothing to do on the timer
        try:
            if self.on_progress is not None:
                report = self._sync(self.env, source or None, progress=self.on_progress)
            else:
                report = self._sync(self.env, source or None)
        except KioskError as exc:
            return SyncOutcome(
                False, self.env.now(), message_zh=exc.message_zh, message_en=exc.message_en, manual=manual
            )
        except Exception as exc:  # the thread's boundary: a bug must not kill background sync for good
            log.exception("background sync failed unexpectedly")
            return SyncOutcome(
                False,
                self.env.now(),
                message_zh="目录同步出错，请联系技术人员。",
                message_en=f"unexpected error: {exc.__class__.__name__}: {exc}",
                manual=manual,
            )
        text = "目录已是最新。" if report.status == "up_to_date" else f"目录已更新到第 {report.version_after} 版。"
        return SyncOutcome(
            True, self.env.now(), report=report, message_zh=text, message_en=report.status, manual=manual
        )

    def _report(self, outcome: SyncOutcome) -> None:
        try:
            self.on_result(outcome)
        except Exception:  # the UI's callback failing must not stop future syncs
            log.exception("sync result callback failed")


class ChildSyncFailed(KioskError):
    """The sync process ended without an answer (killed, out of memory): its transaction never
    committed, so the last good catalog is still the one on screen."""


def sync_in_child(
    env: Env, source: str | None = None, *, progress: Progress | None = None, timeout: float = 3600
) -> SyncReport:
    """`sync_catalog` in a child process, with the same report, the same typed errors and the same
    crash safety (the apply is one transaction: a child that dies leaves the last good catalog).
    Progress comes back line by line as it happens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.sync.scheduler"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    # The env as this process has it, clock included: the trust rules compare the feed's expiry with now.
    proc.stdin.write(json.dumps({"env": env.for_child(), "source": source}))
    proc.stdin.close()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    answer: dict = {}
    try:
        for line in proc.stdout:
            message = json.loads(line)
            if "progress" in message:
                if progress is not None:
                    progress(*message["progress"])
            else:
                answer = message
        stderr = proc.stderr.read()
        proc.wait()
    finally:
        timer.cancel()
    if "report" in answer:
        return SyncReport(**answer["report"])
    if "error" in answer:
        error = answer["error"]
        raise KioskError(error["message_zh"], error["message_en"], field=error.get("field"))
    tail = stderr.strip().splitlines()[-1:] or ["no output"]
    raise ChildSyncFailed("目录同步未完成，已保留原有目录。", f"sync process exited {proc.returncode}: {tail[0]}")


def _child_main() -> None:
    """The child's side: one sync, progress and the outcome as JSON lines on stdout."""
    from kiosk.catalog.catalog_db import open_store
    from kiosk.logs import setup_logging
    from kiosk.sync.updater import sync_catalog

    request = json.loads(sys.stdin.read())
    env = Env.from_parent(request["env"])
    setup_logging(env.log_dir, env.config.log_level, stderr=False)

    def say(message: dict) -> None:
        sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    try:
        open_store(env.catalog_db)
        report = sync_catalog(env, request["source"], progress=lambda *p: say({"progress": p}))
    except KioskError as exc:
        say({"error": exc.to_dict()})
        return
    say({"report": report.to_dict()})


if __name__ == "__main__":
    _child_main()
