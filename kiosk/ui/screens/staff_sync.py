"""立即同步: the catalog synced now in a worker thread, its progress on a bar (phase by phase) and its
outcome in one line; the main loop never waits. The app learns the outcome as from a background
sync (freshness line, input method vocabulary)."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.staff.tasks import phase_zh, sync_now
from kiosk.sync.scheduler import SyncOutcome
from kiosk.ui.screens.staff_home import in_background

log = logging.getLogger(__name__)


class StaffSyncScreen(Screen):
    running = BooleanProperty(False)
    phase = StringProperty("")
    done = NumericProperty(0)
    total = NumericProperty(1)
    outcome = StringProperty("")
    ok = BooleanProperty(True)

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        self.phase, self.done, self.total, self.outcome = "正在连接…", 0, 1, ""
        env = App.get_running_app().env

        def progress(phase: str, done: int, total: int) -> None:
            # From the worker: only values cross to the UI thread, through the Clock.
            Clock.schedule_once(lambda _dt: self._progress(phase, done, total))

        in_background("staff-sync", lambda: sync_now(env, progress), self._finished)

    def _progress(self, phase: str, done: int, total: int) -> None:
        if self.running:
            self.phase = f"{phase_zh(phase)}：{done} / {total}"
            self.done, self.total = done, max(total, 1)

    def _finished(self, outcome, error) -> None:
        self.running = False
        if error is not None:
            self.ok, self.outcome = False, "同步失败：" + error.message_zh
            return
        self.ok = outcome.ok
        self.outcome = outcome.message_zh
        if outcome.ok:
            self.done = self.total
        app = App.get_running_app()
        app.sync_finished(
            SyncOutcome(
                outcome.ok, app.env.now(), message_zh=outcome.message_zh, message_en=outcome.message_en, manual=True
            )
        )

    def reset(self) -> None:
        if not self.running:
            self.phase, self.done, self.outcome = "", 0, ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
