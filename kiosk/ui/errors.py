"""Never a dead screen: an error nobody caught in a screen callback is logged (in English, with no
personal data) and the resident reads a calm message with 返回首页, while the app keeps running."""

from __future__ import annotations

import logging
import time
import traceback

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from kiosk.errors import KioskError
from kiosk.ui.widgets import header  # noqa: F401  (KioskButton, PrimaryButton for the message)

log = logging.getLogger(__name__)

CALM_MESSAGE = "抱歉，刚才的操作没有完成。\n您可以点“返回首页”重新开始；如仍有问题，请联系工作人员。"
# An error raised every frame must not flood the log; more than this in a minute stops the app, so the
# session's watchdog restarts it rather than leaving a screen that fails each time it is drawn.
MAX_ERRORS_PER_MINUTE = 30

Builder.load_string(
    """
#:import theme kiosk.ui.theme.theme

<CalmErrorView>:
    auto_dismiss: False
    size_hint: 0.8, None
    height: box.minimum_height
    background_color: theme.color_overlay
    BoxLayout:
        id: box
        orientation: "vertical"
        size_hint_y: None
        height: self.minimum_height
        padding: theme.spacing_large
        spacing: theme.spacing_large
        canvas.before:
            Color:
                rgba: theme.color_surface
            Rectangle:
                pos: self.pos
                size: self.size
        Label:
            text: "提示"
            font_size: theme.font_title
            bold: True
            color: theme.color_text
            size_hint_y: None
            height: self.texture_size[1]
        Label:
            id: message
            text: root.message
            font_size: theme.font_body
            color: theme.color_text
            line_height: theme.line_height
            halign: "center"
            size_hint_y: None
            text_size: self.width, None
            height: self.texture_size[1]
        BoxLayout:
            size_hint_y: None
            height: theme.button_height
            spacing: theme.spacing
            KioskButton:
                id: stay_button
                text: "留在本页"
                font_size: theme.font_title
                on_release: root.dismiss()
            PrimaryButton:
                id: home_button
                text: "返回首页"
                font_size: theme.font_title
                on_release: root.go_home()
"""
)


class CalmErrorView(ModalView):
    message = StringProperty(CALM_MESSAGE)

    def go_home(self) -> None:
        self.dismiss()
        App.get_running_app().go_home()


def describe(exc: BaseException) -> str:
    """The error for the log: its type and where it happened. The message is left out on purpose: a
    ValueError may quote what the resident typed (an ID number, a phone)."""
    if isinstance(exc, KioskError):
        return f"{type(exc).__name__}: {exc.message_en}"
    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    where = " <- ".join(f"{f.name} ({f.filename.rpartition('/')[2]}:{f.lineno})" for f in reversed(frames))
    return f"{type(exc).__name__} in {where or 'unknown place'}"


class CalmErrorHandler(ExceptionHandler):
    def __init__(self, clock=time.monotonic) -> None:
        super().__init__()
        self._clock = clock
        self._recent: list[float] = []
        self.view: CalmErrorView | None = None
        self.handled = 0
        self.recent_descriptions: list[str] = []  # the last few, for a clerk's status page and tests

    def handle_exception(self, inst: BaseException):
        if isinstance(inst, KeyboardInterrupt | SystemExit):
            return ExceptionManager.RAISE
        now = self._clock()
        self._recent = [t for t in self._recent if now - t < 60] + [now]
        description = describe(inst)
        log.error("unhandled error in the UI: %s", description)
        self.recent_descriptions = [*self.recent_descriptions[-9:], description]
        if len(self._recent) > MAX_ERRORS_PER_MINUTE:
            log.critical("%d UI errors within a minute: stopping so the session restarts", len(self._recent))
            return ExceptionManager.RAISE
        self.handled += 1
        try:
            self._show(inst)
        except Exception as exc:  # noqa: BLE001  (showing the message failed too: keep running)
            log.error("cannot show the error message: %s", describe(exc))
        return ExceptionManager.PASS

    def _show(self, inst: BaseException) -> None:
        message = inst.message_zh if isinstance(inst, KioskError) else CALM_MESSAGE
        if self.view is None:
            self.view = CalmErrorView()
        self.view.message = message
        if self.view.parent is None:
            self.view.open(animation=False)


def install() -> CalmErrorHandler:
    handler = CalmErrorHandler()
    ExceptionManager.add_handler(handler)
    return handler


def uninstall(handler: CalmErrorHandler) -> None:
    if handler in ExceptionManager.handlers:
        ExceptionManager.remove_handler(handler)
