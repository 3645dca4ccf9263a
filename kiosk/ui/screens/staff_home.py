"""The clerk's home in staff mode: large buttons to every staff task, the last sync's outcome and the
result of the last thing done (a paper application entered), and the two ways out."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.errors import KioskError
from kiosk.ui.widgets import listing  # noqa: F401  (registers HomeTile for staff_home.kv)

log = logging.getLogger(__name__)


def in_background(name: str, work: Callable[[], Any], done: Callable[[Any, KioskError | None], None]) -> None:
    """Run `work` in a thread and hand its result (or its KioskError) to `done` on the UI thread. The
    thread's own database connections are closed when it ends (peewee keeps one per thread)."""

    def run() -> None:
        try:
            result, error = work(), None
        except KioskError as exc:
            result, error = None, exc
        except Exception as exc:  # the thread's boundary: log it; the screen shows a calm message
            log.exception("%s failed unexpectedly", name)
            result = None
            error = KioskError("操作未能完成，请联系技术人员。", f"unexpected error: {exc.__class__.__name__}: {exc}")
        finally:
            from kiosk.applications.models import database as applications
            from kiosk.catalog.models import database as catalog

            for database in (applications, catalog):
                if database.obj is not None and not database.is_closed():
                    database.close()
        Clock.schedule_once(lambda _dt: done(result, error))

    threading.Thread(target=run, name=name, daemon=True).start()


class StaffHomeScreen(Screen):
    notice = StringProperty("")
    sync_line = StringProperty("")

    def on_pre_enter(self, *args) -> None:
        outcome = App.get_running_app().last_sync_outcome
        if outcome is None:
            self.sync_line = "本次开机以来尚未同步目录。"
        else:
            when = f"{outcome.at:%m月%d日 %H:%M}"
            self.sync_line = f"最近一次同步（{when}）：{outcome.message_zh}"

    def reset(self) -> None:
        self.notice = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
