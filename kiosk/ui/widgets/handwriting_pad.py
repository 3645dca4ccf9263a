"""The handwriting pad: a square with a faint 米字格 that draws the finger's strokes smoothly as they
are written, with 退一笔 (take back the last stroke) and 重写 (start again) beside it.

Strokes are kept in screen orientation (y down, from the pad's top-left corner) for the recogniser;
what is drawn and what is recognised are the same points.
"""

from __future__ import annotations

from pathlib import Path

from kivy.graphics import Color, InstructionGroup, Line
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import ListProperty, ObjectProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

INK = (0.08, 0.08, 0.08, 1)
INK_WIDTH = dp(3.5)  # a finger's line, thick enough for poor eyesight
MIN_MOVE = dp(1.5)  # touch reports closer than this to the last point add nothing but jitter


class WritingPad(Widget):
    """Collects finger strokes in screen orientation (y down) and draws them as they are written."""

    strokes = ListProperty([])

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._drawn: list[InstructionGroup] = []  # one group per finished stroke, for 退一笔
        self.bind(pos=self._redraw, size=self._redraw)

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        touch.grab(self)
        group = InstructionGroup()
        group.add(Color(*INK))
        line = Line(points=[*touch.pos, *touch.pos], width=INK_WIDTH, cap="round", joint="round")
        group.add(line)
        self.canvas.add(group)
        touch.ud["pad_points"] = [self._local(touch)]
        touch.ud["pad_line"] = line
        touch.ud["pad_group"] = group
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        x, y = self._local(touch)
        last_x, last_y = touch.ud["pad_points"][-1]
        if abs(x - last_x) + abs(y - last_y) < MIN_MOVE:
            return True
        touch.ud["pad_points"].append((x, y))
        touch.ud["pad_line"].points = self._smooth_line(touch.ud["pad_points"])
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self._drawn.append(touch.ud["pad_group"])
        self.strokes = [*self.strokes, touch.ud["pad_points"]]
        return True

    def undo_stroke(self) -> bool:
        """退一笔: the last stroke goes, the others stay. False when there was none."""
        if not self.strokes:
            return False
        if self._drawn:
            self.canvas.remove(self._drawn.pop())
        self.strokes = self.strokes[:-1]
        return True

    def clear(self) -> None:
        """重写: an empty square."""
        for group in self._drawn:
            self.canvas.remove(group)
        self._drawn = []
        self.strokes = []

    def _local(self, touch) -> tuple[float, float]:
        return (touch.x - self.x, self.top - touch.y)

    def _smooth_line(self, points: list[tuple[float, float]]) -> list[float]:
        """Window coordinates through the midpoints of the reported points (a cheap quadratic
        smoothing): a finger's jagged reports draw as a calm curve, and the ends stay put."""
        if len(points) < 3:
            return [c for x, y in points for c in (self.x + x, self.top - y)]
        out = [self.x + points[0][0], self.top - points[0][1]]
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            out += [self.x + (x0 + x1) / 2, self.top - (y0 + y1) / 2]
        out += [self.x + points[-1][0], self.top - points[-1][1]]
        return out

    def _redraw(self, *_args) -> None:
        # The pad moved or was resized (elderly mode, rotation): finished strokes are redrawn from
        # their points, as the recogniser sees them.
        for group in self._drawn:
            self.canvas.remove(group)
        self._drawn = []
        for stroke in self.strokes:
            group = InstructionGroup()
            group.add(Color(*INK))
            group.add(Line(points=self._smooth_line(stroke), width=INK_WIDTH, cap="round", joint="round"))
            self.canvas.add(group)
            self._drawn.append(group)


class HandwritingPanel(BoxLayout):
    """The pad with 退一笔 and 重写 in a column of large buttons at its side."""

    pad = ObjectProperty(None)
