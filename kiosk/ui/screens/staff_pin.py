"""The staff PIN pad, reached by holding the header's top-left corner: big digit keys, the PIN shown
as dots, 清除 / 确定, and the lockout's words. The same pad asks the PIN again before 退出自助模式.
The check (scrypt, ~50 ms) runs off the UI thread; the typed digits live only in this screen."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.gridlayout import GridLayout
from kivy.uix.screenmanager import Screen

from kiosk.errors import KioskError
from kiosk.staff.pin import MAX_DIGITS

log = logging.getLogger(__name__)

TITLES = {"enter": "工作人员登录", "leave": "退出自助模式"}
PROMPTS = {
    "enter": "请输入工作人员密码",
    "leave": "退出自助模式将关闭本程序、回到系统桌面。请再次输入工作人员密码确认",
}


class DigitPad(GridLayout):
    """0–9, 清除 and 确定 as large keys: `on_digit(d)`, `on_clear()`, `on_enter()`. Also used to type a
    tracking number in 补打回执."""

    __events__ = ("on_digit", "on_clear", "on_enter")
    enter_text = StringProperty("确定")

    def on_digit(self, digit: str) -> None:
        pass

    def on_clear(self) -> None:
        pass

    def on_enter(self) -> None:
        pass


class StaffPinScreen(Screen):
    dots = StringProperty("")
    message = StringProperty("")
    purpose = StringProperty("enter")  # enter | leave
    title_text = StringProperty(TITLES["enter"])
    prompt = StringProperty(PROMPTS["enter"])
    checking = BooleanProperty(False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._digits: list[str] = []
        self.back_to = "home"

    def start(self, purpose: str, back_to: str) -> None:
        self.reset()
        self.purpose = purpose
        self.title_text = TITLES[purpose]
        self.prompt = PROMPTS[purpose]
        self.back_to = back_to

    def reset(self) -> None:
        self._digits = []
        self.dots = ""
        self.message = ""
        self.checking = False

    def type_digit(self, digit: str) -> None:
        if self.checking or len(self._digits) >= MAX_DIGITS:
            return
        self._digits.append(digit)
        self.dots = "●" * len(self._digits)
        self.message = ""

    def clear(self) -> None:
        self._digits = []
        self.dots = ""

    def back(self) -> None:
        target = self.back_to
        self.reset()
        App.get_running_app().root.current = target

    def confirm(self) -> None:
        if self.checking:
            return
        pin = "".join(self._digits)
        self.clear()
        self.checking = True
        app = App.get_running_app()
        gate = app.staff_gate()

        def work() -> None:
            try:
                session, error = gate.open_session(pin), None
            except KioskError as exc:
                session, error = None, exc
            Clock.schedule_once(lambda _dt: self._checked(session, error))

        threading.Thread(target=work, name="staff-pin", daemon=True).start()

    def _checked(self, session, error: KioskError | None) -> None:
        self.checking = False
        if self.manager is None or self.manager.current != self.name:
            return  # the idle reset came first
        if error is not None:
            log.info("staff PIN refused: %s", error.message_en)
            self.message = error.message_zh
            return
        app = App.get_running_app()
        purpose = self.purpose
        self.reset()
        if purpose == "leave":
            app.leave_kiosk()
        else:
            app.staff_opened(session)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
