"""打印机: the printer of each job type (documents, receipts) with its state in words, and a test page
through each; states are read and pages printed off the UI thread."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from kiosk.staff.tasks import print_test_page, printer_states
from kiosk.ui.screens.staff_home import in_background

log = logging.getLogger(__name__)


class StaffPrinterRow(BoxLayout):
    job_kind = StringProperty("")
    heading = StringProperty("")
    detail = StringProperty("")
    ready = BooleanProperty(True)
    screen = None

    def test_page(self) -> None:
        if self.screen is not None:
            self.screen.test_page(self.job_kind)


class StaffPrintersScreen(Screen):
    message = StringProperty("")
    busy = BooleanProperty(False)

    def on_pre_enter(self, *args) -> None:
        self.refresh()

    def refresh(self) -> None:
        env = App.get_running_app().env
        in_background("staff-printers", lambda: printer_states(env), self._show)

    def _show(self, rows, error) -> None:
        box = self.ids.rows
        box.clear_widgets()
        if error is not None:
            self.message = error.message_zh
            return
        for row in rows:
            widget = StaffPrinterRow(
                job_kind=row["job_kind"],
                heading=f"{row['job_kind_zh']}：{row['state_zh']}",
                detail=row["spec"] + (f"　{row['message_zh']}" if row["message_zh"] else ""),
                ready=row["state"] in ("ready", "busy"),
            )
            widget.screen = self
            box.add_widget(widget)

    def test_page(self, job_kind: str) -> None:
        if self.busy:
            return
        self.busy = True
        self.message = "正在打印测试页…"
        env = App.get_running_app().env
        in_background("staff-test-page", lambda: print_test_page(env, job_kind), self._printed)

    def _printed(self, outcome, error) -> None:
        self.busy = False
        self.message = error.message_zh if error is not None else outcome.message_zh
        if outcome is not None and not outcome.ok:
            log.warning("test page not printed: %s", outcome.message_en)
        self.refresh()

    def reset(self) -> None:
        self.message = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
