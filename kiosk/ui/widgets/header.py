"""The header every screen shares: 返回, the screen's title, its own buttons, 返回首页 and the
长者模式 / 标准模式 toggle, so elderly mode is one tap away wherever a resident is."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.theme import theme

# header.kv's own widgets: 返回, the title, 返回首页, the mode toggle. Kivy adds them before any widget
# a screen's rule puts inside the header; the screen's go before the last two.
_OWN_PARTS = 4
_TRAILING = 2


class KioskHeader(BoxLayout):
    """`on_back` fires on 返回 (the screen decides where back is); 返回首页 goes home unless the screen
    handles `on_home` itself. Widgets a screen's rule puts inside the header land between the title
    and 返回首页."""

    title = StringProperty("")
    show_back = BooleanProperty(True)
    show_home = BooleanProperty(True)
    back_text = StringProperty("‹ 返回")

    __events__ = ("on_back", "on_home")

    def __init__(self, **kwargs) -> None:
        self._parts_added = 0
        super().__init__(**kwargs)

    def add_widget(self, widget, index: int = 0, canvas=None) -> None:
        if self._parts_added < _OWN_PARTS:
            self._parts_added += 1
        elif index == 0:
            index = _TRAILING
        super().add_widget(widget, index=index, canvas=canvas)

    def on_back(self) -> None:
        pass

    def on_home(self) -> None:
        App.get_running_app().go_home()

    @staticmethod
    def toggle_elderly() -> None:
        theme.set_elderly(not theme.elderly)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
