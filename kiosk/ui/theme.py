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


# search and browse screens
# Sizes are multiples of the theme's own (row_height, button_height, font_*), so elderly mode scales them.
TILE_ROWS = 2.2  # a home tile is this many list rows tall
ICON_SCALE = 1.8  # an icon glyph, as a multiple of font_title
RESULT_ROWS = 1.5  # a search result (title, 文号 line, snippet), in list rows
CHIP_HEIGHT = 0.85  # a filter chip, in button heights: still ≥ 15 mm at 96 dpi
COLOR_SURFACE = (1, 1, 1, 1)  # rows, tiles and chips on the page background
COLOR_SELECTED = (0.70, 0.10, 0.10, 1)  # a chosen chip: filled 政务红 with a white tick (not colour alone)
COLOR_MARK = "8a0f0f"  # matched words in a snippet, also bold and underlined (markup wants hex)
