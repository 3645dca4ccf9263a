"""Geometry checks on the live widget tree, run inside the app (see harness.py): what a resident sees
at a real kiosk resolution must be on screen, apart, large enough for a finger and not clipped."""

from __future__ import annotations

from dataclasses import dataclass

TOLERANCE = 1.0  # pixels: rounding in Kivy's layouts


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def empty(self) -> bool:
        return self.x1 - self.x0 <= TOLERANCE or self.y1 - self.y0 <= TOLERANCE

    def intersect(self, other: Rect) -> Rect:
        return Rect(max(self.x0, other.x0), max(self.y0, other.y0), min(self.x1, other.x1), min(self.y1, other.y1))

    def inside(self, other: Rect) -> bool:
        return (
            self.x0 >= other.x0 - TOLERANCE
            and self.y0 >= other.y0 - TOLERANCE
            and self.x1 <= other.x1 + TOLERANCE
            and self.y1 <= other.y1 + TOLERANCE
        )

    def rounded(self) -> list[int]:
        return [round(self.x0), round(self.y0), round(self.x1), round(self.y1)]


def window_rect(widget) -> Rect:
    x0, y0 = widget.to_window(widget.x, widget.y)
    x1, y1 = widget.to_window(widget.right, widget.top)
    return Rect(x0, y0, x1, y1)


def describe(widget) -> str:
    text = getattr(widget, "text", "") or getattr(widget, "hint_text", "")
    name = widget.__class__.__name__  # not type(): ids hand out weak proxies
    return f"{name}({text[:16]!r})" if text else name


def shown_part(widget) -> tuple[bool, Rect | None]:
    """Whether a person can see the widget, and the part of it left by the scroll views around it
    (None: not inside any scroll view)."""
    from kivy.uix.scrollview import ScrollView

    clip = None
    node = widget
    while node is not None:
        if node.opacity <= 0.01 or node.width <= TOLERANCE or node.height <= TOLERANCE:
            return False, None
        parent = node.parent
        if isinstance(parent, ScrollView):
            view = window_rect(parent)
            clip = view if clip is None else clip.intersect(view)
        node = parent if parent is not node else None
    return True, clip


def visible_leaves(root) -> list[tuple[object, Rect, Rect | None]]:
    """Text-bearing widgets a person can see: (widget, its rectangle, the scroll viewport or None)."""
    from kivy.uix.label import Label
    from kivy.uix.textinput import TextInput

    from kiosk.ui.widgets.keyboard import WritingPad

    found = []
    for widget in root.walk(restrict=True):
        if not isinstance(widget, Label | TextInput | WritingPad):
            continue
        if isinstance(widget, Label) and not widget.text and not _is_button(widget):
            continue  # an empty label draws nothing
        shown, clip = shown_part(widget)
        if not shown:
            continue
        rect = window_rect(widget)
        if clip is not None and rect.intersect(clip).empty:
            continue  # scrolled away: that is what the scroll view is for
        found.append((widget, rect, clip))
    return found


def _is_button(widget) -> bool:
    from kivy.uix.behaviors import ButtonBehavior

    return isinstance(widget, ButtonBehavior)


def layout_problems(root, window_size: tuple[int, int]) -> list[str]:
    """Widgets outside the window, overlapping each other, or with text bigger than their box."""
    window = Rect(0, 0, *window_size)
    leaves = visible_leaves(root)
    problems = []
    for widget, rect, clip in leaves:
        if clip is not None and not clip.inside(window):
            problems.append(f"scroll view {clip.rounded()} outside the window")
        if clip is None and not rect.inside(window):
            problems.append(f"{describe(widget)} at {rect.rounded()} is outside the window {window_size}")
        if clip is not None and (rect.x0 < clip.x0 - TOLERANCE or rect.x1 > clip.x1 + TOLERANCE):
            problems.append(f"{describe(widget)} at {rect.rounded()} is cut off sideways by {clip.rounded()}")
        problems.extend(_clipped_text(widget))
    for i, (a, ra, ca) in enumerate(leaves):
        for b, rb, cb in leaves[i + 1 :]:
            va = ra if ca is None else ra.intersect(ca)
            vb = rb if cb is None else rb.intersect(cb)
            if not va.intersect(vb).empty:
                problems.append(f"{describe(a)} {ra.rounded()} overlaps {describe(b)} {rb.rounded()}")
    return sorted(set(problems))


def _clipped_text(widget) -> list[str]:
    """A label whose text does not fit: wider than its box, or more lines than its height holds."""
    from kivy.core.text import Label as CoreLabel
    from kivy.uix.label import Label

    if not isinstance(widget, Label) or not widget.text or widget.shorten:
        return []
    widget.texture_update()
    tw, th = widget.texture_size
    w, h = widget.size
    if widget.text_size[0] is not None and widget.text_size[1] is not None:
        # Kivy silently drops the lines below a fixed text_size: measure the text with a free height.
        probe = CoreLabel(
            text=widget.text,
            font_size=widget.font_size,
            font_name=widget.font_name,
            bold=widget.bold,
            line_height=widget.line_height,
            text_size=(widget.text_size[0], None),
            padding=widget.padding,
        )
        probe.refresh()
        th = probe.texture.size[1] if probe.texture is not None else 0
    if tw > w + TOLERANCE or th > h + TOLERANCE:
        return [f"{describe(widget)} text {round(tw)}×{round(th)} does not fit its {round(w)}×{round(h)} box"]
    return []


def fully_visible_above(widget, keyboard, window_size: tuple[int, int]) -> str:
    """ "" when `widget` is wholly on screen, inside its scroll view and above the shown keyboard."""
    shown, clip = shown_part(widget)
    rect = window_rect(widget)
    if not shown:
        return f"{describe(widget)} is hidden"
    if clip is not None and not rect.inside(clip):
        return f"{describe(widget)} at {rect.rounded()} is scrolled partly out of view {clip.rounded()}"
    if not rect.inside(Rect(0, 0, *window_size)):
        return f"{describe(widget)} at {rect.rounded()} is outside the window"
    if keyboard.shown and rect.y0 < window_rect(keyboard).y1 - TOLERANCE:
        return f"{describe(widget)} at {rect.rounded()} is under the keyboard (top {round(keyboard.top)})"
    return ""


def small_keys(keyboard, minimum: float) -> list[str]:
    """Keys, candidates and the keyboard's own buttons narrower or lower than `minimum` pixels."""
    from kivy.uix.button import Button

    keys = [w for w in keyboard.walk(restrict=True) if isinstance(w, Button) and shown_part(w)[0]]
    return [
        f"{describe(k)} is {round(k.width)}×{round(k.height)} px, under {round(minimum)}"
        for k in keys
        if min(k.width, k.height) < minimum - TOLERANCE
    ]
