"""Bring a widget into the visible part of a ScrollView. Kivy's own `scroll_to` misplaces the content
when it is shorter than the view (a form step of three fields on a tall portrait screen) and reads
positions before a pending layout (the keyboard just opened): this one computes from settled sizes."""

from __future__ import annotations


def scroll_into_view(scroll, widget, margin: float = 0.0, keep=None) -> None:
    """Scroll `scroll` so that `widget` (a descendant of its content) is wholly visible, `margin` pixels
    around it where there is room. When `widget` is taller than the view, `keep` (a part of it, such as
    the text box of a labelled field) is what must stay visible."""
    content = scroll.children[0] if scroll.children else None
    if content is None:
        return
    overflow = content.height - scroll.height
    if overflow <= 0:
        _scroll_to(scroll, 1.0)  # everything fits: top-aligned, as the page was drawn
        return
    shown_from = scroll.scroll_y * overflow  # the content's lowest visible point, from its bottom
    low = _offset(content, widget, widget.y) - margin
    high = _offset(content, widget, widget.top) + margin
    if high - low > scroll.height and keep is not None:
        low = _offset(content, keep, keep.y) - margin
        high = _offset(content, keep, keep.top) + margin
    if high > shown_from + scroll.height:
        shown_from = high - scroll.height
    if low < shown_from:
        shown_from = low
    _scroll_to(scroll, min(1.0, max(0.0, shown_from / overflow)))


def _scroll_to(scroll, scroll_y: float) -> None:
    scroll.scroll_y = scroll_y
    # The scroll effect keeps its own position in pixels, from before the view changed height (the
    # keyboard opening): left alone, its next update turns that into a scroll_y far beyond 1.
    effect = scroll.effect_y
    if effect is not None:
        effect.velocity = 0
        effect.value = effect.max * scroll_y


def _offset(content, widget, y: float) -> float:
    """Height of a point of `widget` above the bottom of the scrolled `content`."""
    return content.to_widget(*widget.to_window(widget.x, y))[1] - content.y
