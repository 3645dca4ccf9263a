"""The 朗读 button's behaviour, shared by every screen that reads text aloud (reader, receipt).

The screen declares `reading = BooleanProperty(False)` (the button shows ■ 停止 while it is true);
the speech runs in espeak-ng's own process, and a half-second watch notices when it ends.
"""

from __future__ import annotations

import logging

from kivy.app import App
from kivy.clock import Clock

from kiosk.errors import KioskError

log = logging.getLogger(__name__)


class ReadsAloud:
    def start_reading(self, text: str) -> str:
        """Start reading `text`; returns "" or the Chinese message to show when speech failed."""
        try:
            App.get_running_app().speaker.speak(text)
        except KioskError as exc:
            log.warning("read-aloud: %s", exc.message_en)
            return exc.message_zh
        self.reading = True
        Clock.schedule_interval(self._watch_reading, 0.5)
        return ""

    def stop_reading(self) -> None:
        App.get_running_app().speaker.stop()
        self.reading = False

    def _watch_reading(self, _dt) -> bool:
        if not App.get_running_app().speaker.speaking:
            self.reading = False
        return self.reading  # False unschedules the watch
