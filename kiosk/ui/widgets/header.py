"""The header every screen shares: 返回, the screen's title, its own buttons, 返回首页 and the
长者模式 / 标准模式 toggle, so elderly mode is one tap away wherever a resident is; the 工作人员模式
mark while a clerk's staff session is open; and the clerk's way in, a 5-second hold on the top-left
corner (StaffCornerHold)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.theme import theme

# header.kv's own widgets: 返回, the title, the staff mark, 返回首页, the mode toggle. Kivy adds them
# before any widget a screen's rule puts inside the header; the screen's go before the last two.
_OWN_PARTS = 5
_TRAILING = 2
HOLD_SECONDS = 5.0
CORNER_BUTTON_WIDTHS = 1.5  # the corner is this many header buttons wide, one top bar high


class KioskHeader(BoxLayout):
    """`on_back` fires on 返回 (the screen decides where back is); 返回首页 goes home unless the screen
    handles `on_home` itself. Widgets a screen's rule puts inside the header land between the title
    and 返回首页."""

    title = StringProperty("")
    show_back = BooleanProperty(True)
    show_home = BooleanProperty(True)
    back_text = StringProperty("‹ 返回")
    staff_mode = BooleanProperty(False)  # follows the app's: the 工作人员模式 mark shows

    __events__ = ("on_back", "on_home")

    def __init__(self, **kwargs) -> None:
        self._parts_added = 0
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None and "staff_mode" in app.properties():
            self.staff_mode = app.staff_mode
            app.bind(staff_mode=self.setter("staff_mode"))

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


class StaffCornerHold:
    """A finger held on the top-left corner of the screen (header or home top bar, about 1.5 button
    widths) for HOLD_SECONDS without lifting or sliding out calls `on_hold`. Residents' taps there
    (返回 sits in that corner) work as always: nothing is taken from them until the hold completes,
    and then the touch is released from whatever it pressed, so 返回 does not fire on lifting."""

    def __init__(self, on_hold: Callable[[], None], *, enabled: Callable[[], bool] = lambda: True) -> None:
        self.on_hold = on_hold
        self.enabled = enabled
        self.seconds = HOLD_SECONDS
        self._touch = None
        self._timer = None

    def install(self, window) -> None:
        window.bind(on_touch_down=self.down, on_touch_move=self.move, on_touch_up=self.up)

    @staticmethod
    def in_corner(window, x: float, y: float) -> bool:
        top_bar = theme.button_height + theme.spacing * 2
        return 0 <= x <= theme.button_width * CORNER_BUTTON_WIDTHS and window.height - top_bar <= y <= window.height

    def down(self, window, touch) -> None:
        # Returns None: the touch goes on to the widgets underneath.
        if self._touch is None and self.enabled() and self.in_corner(window, touch.x, touch.y):
            self._touch = touch
            self._timer = Clock.schedule_once(self._held, self.seconds)

    def move(self, window, touch) -> None:
        if touch is self._touch and not self.in_corner(window, touch.x, touch.y):
            self.cancel()

    def up(self, _window, touch) -> None:
        if touch is self._touch:
            self.cancel()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._touch = None

    def _held(self, _dt) -> None:
        touch, self._touch, self._timer = self._touch, None, None
        if touch is None:
            return
        for ref in list(touch.grab_list):  # 返回 under the finger must not fire when it lifts
            widget = ref()
            if widget is None:
                continue
            touch.ungrab(widget)
            if getattr(widget, "state", None) == "down":
                widget.state = "normal"
        self.on_hold()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
