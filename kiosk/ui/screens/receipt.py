"""The receipt (回执) on screen, after a submit or looked up by its tracking number (查询申请): the rows of
kiosk.applications.receipt.receipt_rows (masked data only, as on paper), read aloud on request and
printed through the configured receipt printer."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.applications.readaloud import receipt_speech
from kiosk.applications.receipt import receipt_rows, rows_text
from kiosk.applications.tracking import damm_digit, normalize_tracking
from kiosk.errors import KioskError
from kiosk.ui.readaloud import ReadsAloud
from kiosk.ui.widgets.keyboard import ImeKeyboard  # noqa: F401  (registers the class for receipt.kv)

if TYPE_CHECKING:
    from kiosk.printing.service import PrintOutcome

log = logging.getLogger(__name__)

TRACKING_LENGTHS = (14, 15)  # 15 once a terminal takes more than 999 applications in a day


def tracking_problem(text: str) -> str:
    """Why a typed tracking number cannot be right, in Chinese; "" when it may be."""
    digits = normalize_tracking(text)
    if not digits:
        return "请输入回执上的14位查询号。"
    if not digits.isdigit() or len(digits) not in TRACKING_LENGTHS:
        return f"查询号应为14位数字，您输入了{len(digits)}位，请核对回执。"
    if damm_digit(digits) != "0":
        return "查询号有误：可能有一位数字输错或相邻两位颠倒，请对照回执重新输入。"
    return ""


class LookupScreen(Screen):
    """查询申请: the tracking number typed on the digit pad."""

    message = StringProperty("")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ids.keyboard.attach(self.ids.tracking, id_number=True)

    def on_pre_enter(self, *args) -> None:
        self.clear_personal_data()

    def on_enter(self, *args) -> None:
        # The digit pad opens at once: the only thing to do here is type the number.
        self.ids.tracking.focus = True

    def on_leave(self, *args) -> None:
        self.ids.keyboard.hide()

    def clear_personal_data(self) -> None:
        self.ids.keyboard.hide()
        self.ids.tracking.text = ""
        self.message = ""

    def lookup(self) -> None:
        text = self.ids.tracking.text
        problem = tracking_problem(text)
        if problem:
            log.info("receipt lookup: malformed tracking number")
            self.message = problem
            return
        app = App.get_running_app()
        from kiosk.printing.service import load_receipt_data  # reportlab and pdfium only once used

        try:
            data = load_receipt_data(app.env, text)
        except KioskError as exc:
            log.info("receipt lookup: %s", exc.message_en)
            self.message = exc.message_zh
            return
        self.ids.keyboard.hide()
        app.show_receipt(data)

    def back(self) -> None:
        App.get_running_app().go_home()


# Shown in their own large lines above the details.
APART = ("tracking", "status")


class ReceiptScreen(ReadsAloud, Screen):
    tracking_label = StringProperty("")
    tracking_text = StringProperty("")
    status_label = StringProperty("")
    status_text = StringProperty("")
    heading = StringProperty("")
    details_text = StringProperty("")
    follow_up_text = StringProperty("")
    message = StringProperty("")
    reading = BooleanProperty(False)
    printing = BooleanProperty(False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data: dict[str, Any] | None = None

    def show(self, data: dict[str, Any], *, submitted: bool = False) -> None:
        self.stop_reading()
        self.data = data
        self.heading = "申请已提交，请保管好查询号" if submitted else "申请查询结果"
        rows = receipt_rows(data)
        apart = {row.key: row for row in rows if row.key in APART}
        self.tracking_label, self.tracking_text = apart["tracking"].label, apart["tracking"].value
        self.status_label, self.status_text = apart["status"].label, apart["status"].value
        self.details_text = rows_text(row for row in rows if row.key not in APART)
        self.follow_up_text = data["follow_up"]
        self.message = ""

    def clear_personal_data(self) -> None:
        self.stop_reading()
        self.data = None
        self.tracking_text = self.status_text = self.details_text = self.follow_up_text = self.message = ""
        self.tracking_label = self.status_label = ""

    def on_leave(self, *args) -> None:
        self.stop_reading()

    def done(self) -> None:
        self.clear_personal_data()
        App.get_running_app().go_home()

    # --- 朗读 -----------------------------------------------------------------------------------

    def toggle_reading(self) -> None:
        """朗读 reads the masked receipt aloud (never an ID number); the same button stops it."""
        if self.reading:
            self.stop_reading()
            return
        if self.data is None:
            return
        self.message = self.start_reading(receipt_speech(self.data)) or self.message

    # --- 打印回执 -------------------------------------------------------------------------------

    def print_receipt(self) -> None:
        """Printing waits for the printer (up to a minute on CUPS): in a thread, the screen stays live."""
        if self.data is None or self.printing:
            return
        self.printing = True
        self.message = "正在打印回执，请稍候…"
        data = self.data
        env = App.get_running_app().env

        def work() -> None:
            from kiosk.printing.service import print_receipt

            try:
                outcome, error = print_receipt(env, data), None
            except KioskError as exc:
                outcome, error = None, exc
            Clock.schedule_once(lambda _dt: self._printed(data, outcome, error))

        threading.Thread(target=work, name="receipt-print", daemon=True).start()

    def _printed(self, data: dict[str, Any], outcome: PrintOutcome | None, error: KioskError | None) -> None:
        self.printing = False
        if self.data is not data:
            return  # the resident left (or the screen was reset) while it printed
        if error is not None:
            log.warning("receipt not printed: %s", error.message_en)
            self.message = error.message_zh
            return
        self.message = printed_message(outcome)


def printed_message(outcome: PrintOutcome) -> str:
    """What the resident is told once the printer has the receipt."""
    from kiosk.printing.backends.base import COMPLETED

    job = outcome.job
    if outcome.printer.startswith("folder"):
        return "回执已保存（本终端未连接打印机），如需纸质回执请联系工作人员。"
    if job is not None and job.state == COMPLETED:
        return "回执已打印，请在出纸口取走。"
    return "回执已发送到打印机，请稍候在出纸口取走。"


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
