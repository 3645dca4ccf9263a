"""Theme values every .kv file reads: one spacing grid, one type scale, one palette, and elderly mode
that scales them together (type ×1.5, targets larger, a higher-contrast palette)."""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import dp, mm, sp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty

from kiosk.ui.palette import ELDERLY, NORMAL

# The spacing grid: every gap, padding and fixed size is a whole number of these.
GRID = dp(6)
# The type scale, standard mode (sp); elderly mode multiplies each by ELDERLY_TYPE.
TYPE_SCALE = {"small": 18, "body": 22, "title": 30, "display": 40}
ELDERLY_TYPE = 1.5
# Targets grow less than type: keys and buttons 1.5× as large no longer fit a 1280×1024 panel.
ELDERLY_TARGET = 1.35
# The reader's A− / A+ steps, as multiples of the body size.
READER_STEPS = (1.0, 1.25, 1.5)


class Theme(EventDispatcher):
    elderly = BooleanProperty(False)
    scale = NumericProperty(1.0)  # type scale factor: widths holding text grow with it
    target_scale = NumericProperty(1.0)
    grid = NumericProperty(GRID)
    font_small = NumericProperty(sp(TYPE_SCALE["small"]))
    font_body = NumericProperty(sp(TYPE_SCALE["body"]))
    font_title = NumericProperty(sp(TYPE_SCALE["title"]))
    font_display = NumericProperty(sp(TYPE_SCALE["display"]))
    line_height = NumericProperty(1.35)  # at least 1.3 for running text
    spacing = NumericProperty(GRID * 2)
    spacing_large = NumericProperty(GRID * 4)
    row_height = NumericProperty(GRID * 16)
    button_height = NumericProperty(GRID * 12)
    button_width = NumericProperty(GRID * 27)  # a header button holding two to four characters
    scrollbar_width = NumericProperty(dp(14))
    key_size = NumericProperty(mm(15))  # screen-keyboard keys: at least 15 mm for fingers of every age
    color_background = ListProperty(list(NORMAL["background"]))
    color_surface = ListProperty(list(NORMAL["surface"]))
    color_surface_pressed = ListProperty(list(NORMAL["surface_pressed"]))
    color_header = ListProperty(list(NORMAL["header"]))  # 政务红
    color_on_header = ListProperty(list(NORMAL["on_header"]))
    color_text = ListProperty(list(NORMAL["text"]))
    color_muted = ListProperty(list(NORMAL["muted"]))
    color_warning = ListProperty(list(NORMAL["warning"]))
    color_button = ListProperty(list(NORMAL["button"]))
    color_button_pressed = ListProperty(list(NORMAL["button_pressed"]))
    color_on_button = ListProperty(list(NORMAL["on_button"]))
    color_primary = ListProperty(list(NORMAL["primary"]))
    color_on_primary = ListProperty(list(NORMAL["on_primary"]))
    color_overlay = ListProperty(list(NORMAL["overlay"]))

    def set_elderly(self, on: bool) -> None:
        type_scale = ELDERLY_TYPE if on else 1.0
        target = ELDERLY_TARGET if on else 1.0
        self.scale = type_scale
        self.target_scale = target
        self.font_small = sp(TYPE_SCALE["small"]) * type_scale
        self.font_body = sp(TYPE_SCALE["body"]) * type_scale
        self.font_title = sp(TYPE_SCALE["title"]) * type_scale
        self.font_display = sp(TYPE_SCALE["display"]) * type_scale
        self.row_height = GRID * 16 * type_scale
        self.button_height = GRID * 12 * target
        self.button_width = GRID * 27 * type_scale
        self.key_size = mm(15) * target
        for name, colour in (ELDERLY if on else NORMAL).items():
            setattr(self, f"color_{name}", list(colour))
        self.elderly = on  # last: whoever watches it sees the sizes already changed


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
