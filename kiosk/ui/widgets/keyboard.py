"""The on-screen keyboard: pinyin with a candidate bar, a handwriting pad, Latin letters, digits and
punctuation, and a digit pad with X for ID numbers. Docked at the bottom of a screen and attached to
any TextInput; the composing logic lives in kiosk.ime.composer, this widget only draws and forwards.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.widget import Widget

from kiosk.errors import KioskError
from kiosk.ime.composer import Composer
from kiosk.ime.handwriting_context import following_characters
from kiosk.ime.layouts import MODE_LABELS, MODES, rows_for
from kiosk.ui.theme import theme
from kiosk.ui.widgets.handwriting_pad import HandwritingPanel, WritingPad

log = logging.getLogger(__name__)
Builder.load_file(str(Path(__file__).with_suffix(".kv")))

PAGE_SIZE = 6
ID_KEY_WIDTH = 2.5  # key widths per key of the ID pad
RECOGNISE_AFTER = 0.35  # seconds after the last stroke: candidates appear while the person writes


class KeyButton(Button):
    """One key; `value` is what it types (the label may differ: 空格, ⌫)."""

    value = StringProperty("")


class CandidateButton(Button):
    index = ObjectProperty(0)


class ModeButton(Button):
    """拼音 / 手写 / 英 / 123: in the body type size, readable at arm's length."""


class ImeKeyboard(BoxLayout):
    """Attach with `keyboard.attach(text_input, id_number=False)`; it shows while that field is in use."""

    engine = ObjectProperty(None, allownone=True)  # kiosk.ime.engine.Engine, loaded by the app
    recognizer = ObjectProperty(None, allownone=True)  # kiosk.ime.handwriting.Recognizer
    target = ObjectProperty(None, allownone=True)
    mode = StringProperty("pinyin")
    id_number = BooleanProperty(False)
    learn = BooleanProperty(False)  # the field in use teaches the input method its terms
    shown = BooleanProperty(False)
    preedit_text = StringProperty("")
    status = StringProperty("")
    # Key rows on the current page: three for letters, four for the ID pad and the handwriting pad
    # (whose square is as tall as four rows), so the keyboard takes no more height than it uses.
    row_count = NumericProperty(4)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.composer: Composer | None = None
        self.key_widgets: dict[str, KeyButton] = {}
        self.candidate_buttons: list[CandidateButton] = []
        self.mode_buttons: dict[str, Button] = {}
        self.pad: WritingPad | None = None
        self.pad_panel: HandwritingPanel | None = None
        self._suggestions: list[tuple[str, str]] = []  # (shown, inserted) after a handwritten character
        self._guesses: list[str] = []
        self._recognise_event = None
        Clock.schedule_once(lambda _dt: self._build())

    def on_touch_down(self, touch):
        # Folded away, its rows still lie over the screen: they must not swallow touches meant for it.
        return super().on_touch_down(touch) if self.shown else False

    def on_touch_move(self, touch):
        return super().on_touch_move(touch) if self.shown else False

    def on_touch_up(self, touch):
        return super().on_touch_up(touch) if self.shown else False

    # --- attaching ---------------------------------------------------------------------------------

    def attach(self, field, *, id_number: bool = False, learn: bool = False) -> None:
        """Serve `field`: when it is touched, the keyboard opens in the right mode for it. `learn` lets
        the input method remember the terms chosen there (the search box; never personal fields)."""
        field.keyboard_mode = "managed"  # never Kivy's own keyboard
        field.unfocus_on_touch = False  # touching our keys must not take the cursor away
        field.bind(
            focus=lambda instance, focused: focused and self.open_for(instance, id_number=id_number, learn=learn)
        )

    def open_for(self, field, *, id_number: bool = False, learn: bool = False) -> None:
        self.finish_composition()
        self.target = field
        self.id_number = id_number
        self.learn = learn
        if self.composer is not None:
            self.composer.learn = learn
        self.mode = "symbols" if id_number else ("pinyin" if self.mode == "symbols" else self.mode)
        self.shown = True
        self._layout_keys()
        self._refresh()  # the mode switch shows the mode this field opened in, before any key

    def hide(self) -> None:
        self.finish_composition()
        self.shown = False
        if self.target is not None:
            self.target.focus = False

    # --- keys --------------------------------------------------------------------------------------

    def press(self, value: str) -> None:
        """What a key does; the touch tests drive the widget through the same buttons."""
        if value == "backspace":
            self._backspace()
        elif value == "space":
            if self.mode == "pinyin" and self.composer and self.composer.composing:
                self._insert(self.composer.choose_first())
            else:
                self._insert(" " if self.mode == "latin" else "\u3000" if self.mode == "symbols" else " ")
        elif value == "enter":
            if self.composer and self.composer.composing:
                self._insert(self.composer.commit_raw())
            else:
                self.hide()
        elif value == "'":
            self._compose("'")
        elif self.mode == "pinyin" and value.isalpha() and value.isascii():
            self._compose(value)
        else:
            self.finish_composition()
            self._insert(value)
        self._refresh()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES or (self.id_number and mode != "symbols"):
            return
        self.finish_composition()
        self.mode = mode
        self._layout_keys()
        self._refresh()

    def choose(self, index: int) -> None:
        if self.mode == "handwriting":
            self._choose_handwritten(index)
        elif self.composer is not None:
            self._insert(self.composer.choose(index))
        self._refresh()

    def page(self, step: int) -> None:
        if self.composer is not None:
            self.composer.next_page() if step > 0 else self.composer.previous_page()
        self._refresh()

    def finish_composition(self) -> None:
        """Leaving pinyin mode or the field: what was typed goes in as letters rather than being lost."""
        if self.composer is not None and self.composer.composing:
            self._insert(self.composer.commit_raw())
        if self.pad is not None:
            self.pad.clear()
        self._guesses, self._suggestions = [], []

    # --- internals ---------------------------------------------------------------------------------

    def on_engine(self, _instance, engine) -> None:
        self.composer = Composer(engine, PAGE_SIZE, learn=self.learn) if engine is not None else None
        self.status = "" if engine is not None else "输入法准备中…"
        self._refresh()

    def _compose(self, letter: str) -> None:
        if self.composer is None:
            self.status = "输入法准备中，请稍候…"
            return
        self.composer.type(letter)

    def _backspace(self) -> None:
        if self.mode == "pinyin" and self.composer is not None and self.composer.backspace():
            return
        if self.mode == "handwriting" and self.pad is not None and self.pad.undo_stroke():
            return  # 删除 on a pad with strokes takes back the last stroke, as 退一笔 does
        self._suggestions = []
        if self.target is not None:
            self.target.do_backspace()

    def _insert(self, text: str | None) -> None:
        if text and self.target is not None:
            self.target.insert_text(text)

    def _choose_handwritten(self, index: int) -> None:
        if self._guesses:
            if index < len(self._guesses):
                char = self._guesses[index]
                self._insert(char)
                self.pad.clear()
                self._guesses = []
                words = self.engine.words_starting_with(char, PAGE_SIZE + 2) if self.engine else []
                self._suggestions = [(w, w[len(char) :]) for w in words if len(w) > len(char)][:PAGE_SIZE]
        elif index < len(self._suggestions):
            shown, inserted = self._suggestions[index]
            self._insert(inserted)
            self._suggestions = []

    def _recognise(self, *_args) -> None:
        if self.pad is None or not self.pad.strokes or self.recognizer is None:
            return
        # Characters that continue a catalog word with what is already in the field win close calls.
        before = self.target.text[: self.target.cursor_index()] if self.target is not None else ""
        following = following_characters(self.engine, before) if self.engine is not None else set()
        try:
            guesses = self.recognizer.recognize(
                self.pad.strokes, self.pad.width, self.pad.height, PAGE_SIZE, following=following
            )
        except KioskError as exc:
            log.warning("handwriting: %s", exc.message_en)
            self.status = exc.message_zh
            return
        self._guesses = [g.text for g in guesses]
        self._suggestions = []
        self._refresh()

    def _on_strokes(self, _pad, strokes) -> None:
        if self._recognise_event is not None:
            self._recognise_event.cancel()
        if strokes:
            self._recognise_event = Clock.schedule_once(self._recognise, RECOGNISE_AFTER)
        elif self._guesses:  # 重写, or the only stroke taken back: no stale candidates
            self._guesses = []
            self._refresh()

    def _candidate_texts(self) -> list[str]:
        if self.mode == "handwriting":
            return self._guesses or [shown for shown, _ in self._suggestions]
        if self.mode == "pinyin" and self.composer is not None:
            return [c.text for c in self.composer.page_candidates()]
        return []

    def _refresh(self) -> None:
        if not self.candidate_buttons:
            return
        texts = self._candidate_texts()
        for i, button in enumerate(self.candidate_buttons):
            button.text = texts[i] if i < len(texts) else ""
            button.disabled = i >= len(texts)
        composing = self.mode == "pinyin" and self.composer is not None and self.composer.composing
        self.preedit_text = self.composer.preedit if composing else self.status
        self.ids.previous_page.disabled = not (composing and self.composer.has_previous_page)
        self.ids.next_page.disabled = not (composing and self.composer.has_next_page)
        for mode, button in self.mode_buttons.items():
            button.state = "down" if mode == self.mode else "normal"
            button.disabled = self.id_number and mode != "symbols"

    def _build(self) -> None:
        for mode in MODES:
            button = ModeButton(text=MODE_LABELS[mode])
            button.bind(on_release=lambda _b, m=mode: self.set_mode(m))
            self.mode_buttons[mode] = button
            self.ids.modes.add_widget(button)
        for i in range(PAGE_SIZE):
            button = CandidateButton(index=i)
            button.bind(on_release=lambda b: self.choose(b.index))
            self.candidate_buttons.append(button)
            self.ids.candidates.add_widget(button)
        if self.engine is None:
            self.status = "输入法准备中…"
        self._layout_keys()
        self._refresh()

    def _size_pad(self, height: float) -> None:
        self.pad.size = (height, height)
        self.pad_panel.size = (height + self.pad_panel.spacing + self.pad_panel.children[0].width, height)

    def _layout_keys(self) -> None:
        if "rows" not in self.ids:
            return
        rows = self.ids.rows
        rows.clear_widgets()
        self.key_widgets = {}
        if self.mode == "handwriting" and not self.id_number:
            self.row_count = 4
            if self.pad is None:
                # Square, as the recogniser's frame is: a wide pad would flatten every character.
                self.pad = WritingPad(size_hint=(None, None))
                self.pad.bind(strokes=self._on_strokes)
                self.pad_panel = HandwritingPanel(pad=self.pad)
                self.pad_panel.add_widget(self.pad, index=len(self.pad_panel.children))
                rows.bind(height=lambda _r, h: self._size_pad(h))
            self._size_pad(rows.height)
            if self.pad_panel.parent is not None:
                self.pad_panel.parent.remove_widget(self.pad_panel)
            holder = AnchorLayout()
            holder.add_widget(self.pad_panel)
            rows.add_widget(holder)
            return
        layout = rows_for(self.mode, id_number=self.id_number)
        self.row_count = len(layout)
        widest = max(len(row) for row in layout)
        for row in layout:
            line = BoxLayout(spacing=rows.spacing)
            if self.id_number:
                # A phone-style block of wide keys in the middle, not ten digits stretched over the panel.
                line.size_hint_x = None
                line.width = theme.key_size * ID_KEY_WIDTH * widest + rows.spacing * (widest - 1)
                line.pos_hint = {"center_x": 0.5}
            for char in row:
                key = KeyButton(text=char, value=char)
                key.bind(on_release=lambda k: self.press(k.value))
                self.key_widgets[char] = key
                line.add_widget(key)
            if self.id_number:
                for _ in range(widest - len(row)):
                    line.add_widget(Widget())  # keeps X and 0 under the columns above
            rows.add_widget(line)
        if self.mode == "pinyin":
            key = KeyButton(text="分隔 '", value="'")
            key.bind(on_release=lambda k: self.press(k.value))
            self.key_widgets["'"] = key
            rows.children[0].add_widget(key)
