"""Scenarios the UI tests run in a real window (see harness.py)."""

from __future__ import annotations

from tests.ui.harness import touch


def home_lists_catalog_and_opens_reader(app, results):
    from kivy.core.window import Window

    yield 0.5
    home = app.root.get_screen("home")
    results["current"] = app.root.current
    results["titles"] = [row["title"] for row in home.ids.documents.data]
    rows = [w for w in home.ids.documents.children[0].children]
    first = max(rows, key=lambda w: w.top)  # the topmost row on screen
    results["tapped"] = first.title
    touch(first)
    yield 0.5
    reader = app.root.get_screen("reader")
    results["after_tap"] = app.root.current
    results["reader_title"] = reader.title_text
    results["paragraphs"] = len(reader.ids.paragraphs.data)
    Window.screenshot(name=str(app.env.home / "reader.png"))
    touch(reader.ids.back_button)
    yield 0.3
    results["after_back"] = app.root.current


def cjk_glyphs_render(app, results):
    """Distinct Chinese characters must give distinct bitmaps (tofu boxes would all look alike)."""
    from kivy.core.text import Label as CoreLabel

    yield 0.2
    bitmaps = []
    for ch in ("政", "务", "公", "开"):
        label = CoreLabel(text=ch, font_size=48)
        label.refresh()
        bitmaps.append(bytes(label.texture.pixels))
    results["distinct"] = len(set(bitmaps))
