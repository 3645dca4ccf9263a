"""立即发送: the outbox delivered now (back-off ignored), in a worker thread, with its outcome in one
line; what is still waiting or held is in 申请队列."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.staff.tasks import deliver_now
from kiosk.ui.screens.staff_home import in_background

log = logging.getLogger(__name__)


class StaffOutboxScreen(Screen):
    message = StringProperty("")
    sending = BooleanProperty(False)
    ok = BooleanProperty(True)

    def send(self) -> None:
        if self.sending:
            return
        self.sending = True
        self.message = "正在发送…"
        env = App.get_running_app().env
        in_background("staff-outbox", lambda: deliver_now(env), self._sent)

    def _sent(self, outcome, error) -> None:
        self.sending = False
        if error is not None:
            self.ok, self.message = False, error.message_zh
            return
        self.ok = outcome.ok
        self.message = outcome.message_zh
        log.info("outbox delivered by a clerk: %s", outcome.message_en)

    def reset(self) -> None:
        if not self.sending:
            self.message = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
