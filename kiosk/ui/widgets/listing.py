"""Large touch widgets the search, browse, 解读 and home screens share: icons from the bundled icon
font, home tiles, filter chips, result and group rows, the pager, and the screens' header."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.recycleview import RecycleView
from kivy.utils import escape_markup

from kiosk.ui import theme as theme_module
from kiosk.ui.widgets.icons import ICONS  # also registers the icon font


def icon_markup(name: str) -> str:
    """An icon inside a label's markup text (labels with markup: True)."""
    return f"[font=Icons]{ICONS[name]}[/font]"


def marked(pieces: list[tuple[str, bool]]) -> str:
    """Snippet pieces as Kivy markup: matched words bold, underlined and coloured (never colour alone)."""
    colour = theme_module.COLOR_MARK
    return "".join(
        f"[b][u][color={colour}]{escape_markup(text)}[/color][/u][/b]" if matched else escape_markup(text)
        for text, matched in pieces
    )


class Icon(Label):
    name = StringProperty("search")


class HomeTile(ButtonBehavior, BoxLayout):
    icon = StringProperty("search")
    text = StringProperty("")
    detail = StringProperty("")
    primary = BooleanProperty(False)


class FilterChip(ButtonBehavior, Label):
    """One facet value: 2023年 (41). A chosen chip is filled, ticked and framed, not only recoloured."""

    facet = StringProperty("")
    value = ObjectProperty(None, allownone=True)
    label = StringProperty("")
    count = NumericProperty(0)
    approximate = BooleanProperty(False)
    selected = BooleanProperty(False)
    chooser = ObjectProperty(None, allownone=True)

    def on_release(self) -> None:
        if self.chooser is not None:
            self.chooser(self.facet, self.value)


class ResultRow(ButtonBehavior, BoxLayout):
    """A document in a list: title, 文号 · 发文机关 · 日期, validity, and the snippet with its marks."""

    doc_id = StringProperty("")
    title = StringProperty("")
    meta = StringProperty("")
    validity = StringProperty("")
    snippet = StringProperty("")  # markup
    back_to = StringProperty("home")

    def on_release(self) -> None:
        App.get_running_app().open_document(self.doc_id, back_to=self.back_to)


class ClippedRecycleView(RecycleView):
    """A RecycleView that clips its rows with the scissor, not the stencil: a stencil is two more
    layers of the list's area in every frame, which a software renderer pays for pixel by pixel."""

    clip = ListProperty([0, 0, 0, 0])  # x, y, width, height in window coordinates

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self._update_clip, size=self._update_clip)

    def on_parent(self, _instance, _parent) -> None:
        self._update_clip()

    def _update_clip(self, *_args) -> None:
        x, y = self.to_window(*self.pos)
        self.clip = [round(x), round(y), round(self.width), round(self.height)]


class GroupRow(ButtonBehavior, BoxLayout):
    """A browse group: 城乡建设、环境保护 ……… 32 份 ›"""

    kind = StringProperty("")
    value = StringProperty("")
    label = StringProperty("")
    count = NumericProperty(0)
    chooser = ObjectProperty(None, allownone=True)

    def on_release(self) -> None:
        if self.chooser is not None:
            self.chooser(self.kind, self.value, self.label)


class InterpretationRow(BoxLayout):
    """A 解读 and, under it, the policy it explains: each half opens its own document."""

    doc_id = StringProperty("")
    title = StringProperty("")
    meta = StringProperty("")
    policy_id = StringProperty("")
    policy_title = StringProperty("")
    back_to = StringProperty("interpretations")


class Pager(BoxLayout):
    """上一页 / 第 n / N 页 / 下一页, as wide buttons."""

    page_text = StringProperty("")
    has_previous = BooleanProperty(False)
    has_next = BooleanProperty(False)

    __events__ = ("on_previous", "on_next")

    def on_previous(self) -> None:
        pass

    def on_next(self) -> None:
        pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
