"""Theme values every .kv file reads: sizes scale together in elderly mode."""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import dp, mm, sp
from kivy.properties import ListProperty, NumericProperty


class Theme(EventDispatcher):
    scale = NumericProperty(1.0)
    font_body = NumericProperty(sp(22))
    font_title = NumericProperty(sp(30))
    font_small = NumericProperty(sp(18))
    spacing = NumericProperty(dp(12))
    row_height = NumericProperty(dp(96))
    button_height = NumericProperty(dp(72))
    key_size = NumericProperty(mm(15))  # screen-keyboard keys: at least 15 mm for fingers of every age
    color_background = ListProperty([0.96, 0.96, 0.94, 1])
    color_header = ListProperty([0.70, 0.10, 0.10, 1])  # 政务红
    color_text = ListProperty([0.10, 0.10, 0.10, 1])
    color_muted = ListProperty([0.35, 0.35, 0.35, 1])
    color_warning = ListProperty([0.75, 0.20, 0.05, 1])

    def set_elderly(self, on: bool) -> None:
        self.scale = 1.35 if on else 1.0
        self.font_body = sp(22) * self.scale
        self.font_title = sp(30) * self.scale
        self.font_small = sp(18) * self.scale
        self.row_height = dp(96) * self.scale
        self.button_height = dp(72) * self.scale
        self.key_size = mm(15) * self.scale


theme = Theme()
