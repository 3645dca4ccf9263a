"""补打回执: a clerk types a tracking number on the digit pad (or picks an application in 申请队列)
and the receipt prints again. Reprinting is a clerk's action: a resident's 查询申请 shows status only."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.applications.tracking import format_tracking
from kiosk.staff.queue import reprint_receipt
from kiosk.ui.screens.receipt import printed_message
from kiosk.ui.screens.staff_home import in_background
from kiosk.ui.screens.staff_pin import DigitPad  # noqa: F401  (its rule, for staff_reprint.kv)

log = logging.getLogger(__name__)

TRACKING_DIGITS = 14


class StaffReprintScreen(Screen):
    number = StringProperty("")  # digits typed so far
    shown = StringProperty("")
    message = StringProperty("")
    printing = BooleanProperty(False)

    def on_number(self, _screen, number: str) -> None:
        self.shown = format_tracking(number) if len(number) == TRACKING_DIGITS else number

    def type_digit(self, digit: str) -> None:
        if len(self.number) < TRACKING_DIGITS and not self.printing:
            self.number += digit
            self.message = ""

    def clear(self) -> None:
        self.number = ""
        self.message = ""

    def print_number(self, tracking: str | None = None) -> None:
        """Print the receipt of `tracking` (from the queue) or of the number typed."""
        if self.printing:
            return
        tracking = tracking or self.number
        if not tracking:
            self.message = "请先输入回执上的14位查询号。"
            return
        self.number = tracking
        self.printing = True
        self.message = "正在打印回执，请稍候…"
        env = App.get_running_app().env
        in_background("staff-reprint", lambda: reprint_receipt(env, tracking), self._printed)

    def _printed(self, outcome, error) -> None:
        self.printing = False
        if error is not None:
            log.warning("receipt not reprinted: %s", error.message_en)
            self.message = error.message_zh
            return
        log.info("receipt reprinted by a clerk on %s", outcome.printer)
        self.message = printed_message(outcome).replace("，如需纸质回执请联系工作人员", "")

    def reset(self) -> None:
        self.number = ""
        self.message = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
