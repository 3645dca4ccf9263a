"""申请队列: the applications handed in at this terminal, masked, with where each stands on its way to
central (waiting and when it is tried again, delivered, held with central's reason), each with a
补打回执 button. The list is read off the UI thread."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from kiosk.staff.queue import application_queue, queue_line_zh
from kiosk.ui.screens.staff_home import in_background

log = logging.getLogger(__name__)


class StaffQueueRow(BoxLayout):
    tracking = StringProperty("")
    heading = StringProperty("")
    detail = StringProperty("")
    delivery = StringProperty("")
    held = BooleanProperty(False)

    def reprint(self) -> None:
        App.get_running_app().staff_reprint(self.tracking)


class StaffQueueScreen(Screen):
    message = StringProperty("")
    loading = BooleanProperty(False)

    def on_pre_enter(self, *args) -> None:
        self.refresh()

    def refresh(self) -> None:
        if self.loading:
            return
        self.loading = True
        self.message = "正在读取…"
        env = App.get_running_app().env
        in_background("staff-queue", lambda: application_queue(env), self._show)

    def _show(self, rows, error) -> None:
        self.loading = False
        box = self.ids.rows
        box.clear_widgets()
        if error is not None:
            log.warning("application queue unavailable: %s", error.message_en)
            self.message = error.message_zh
            return
        held = sum(r["delivery"] == "held" for r in rows)
        waiting = sum(r["delivery"] == "pending" for r in rows)
        self.message = f"共 {len(rows)} 份；等待发送 {waiting} 份；发送受阻 {held} 份。" if rows else "本机还没有申请。"
        for row in rows:
            box.add_widget(
                StaffQueueRow(
                    tracking=row["tracking"],
                    heading=f"{row['tracking_display']}　{row['applicant_masked']}　{row['channel_zh']}",
                    detail=f"{row['received'][:16].replace('T', ' ')} 收到　证件 {row['id_masked']}　{row['status_zh']}",
                    delivery=queue_line_zh(row),
                    held=row["delivery"] == "held",
                )
            )

    def reset(self) -> None:
        self.ids.rows.clear_widgets()
        self.message = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
