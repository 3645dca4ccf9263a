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


def _input_method_ready(app, results, timeout=30.0):
    waited = 0.0
    while app.ime_engine is None and waited < timeout:
        yield 0.2
        waited += 0.2
    results["ime_ready"] = app.ime_engine is not None


def _type(keyboard, keys):
    for key in keys:
        touch(keyboard.key_widgets[key])


def keyboard_types_initials_into_the_search_box(app, results):
    from kivy.core.window import Window
    from kivy.metrics import mm

    yield 0.3
    yield from _input_method_ready(app, results)
    home = app.root.get_screen("home")
    keyboard, search = home.ids.keyboard, home.ids.search
    results["shown_before"] = keyboard.shown
    touch(search)
    yield 0.3
    results["shown"] = keyboard.shown
    results["key_mm"] = min(min(k.width, k.height) for k in keyboard.key_widgets.values()) / mm(1)
    results["key_height_mm"] = min(k.height for k in keyboard.key_widgets.values()) / mm(1)
    results["keyboard_at_bottom"] = keyboard.y <= 1
    _type(keyboard, "zwgk")
    yield 0.1
    results["preedit"] = keyboard.preedit_text
    results["candidates"] = [b.text for b in keyboard.candidate_buttons]
    Window.screenshot(name=str(app.env.home / "keyboard.png"))
    touch(keyboard.candidate_buttons[0])
    yield 0.2
    results["search"] = search.text
    results["titles"] = [row["title"] for row in home.ids.documents.data]
    results["learned"] = [t["word"] for t in app.ime_engine.history.terms()]
    # Backspace edits the pinyin first, then (with nothing composed) the characters in the field.
    _type(keyboard, "zhengw")
    touch(keyboard.ids.backspace_key)
    yield 0.1
    results["after_backspace"] = [keyboard.preedit_text, search.text]
    for _ in "zheng":
        touch(keyboard.ids.backspace_key)
    touch(keyboard.ids.backspace_key)
    yield 0.1
    results["after_more_backspaces"] = [keyboard.preedit_text, search.text]
    # A word for the first part, then the rest: 公开 + 工作 → 公开工作.
    _type(keyboard, "gongkaigongzuo")
    yield 0.1
    texts = [b.text for b in keyboard.candidate_buttons]
    results["long_candidates"] = texts
    touch(keyboard.candidate_buttons[0])
    yield 0.1
    results["long_search"] = search.text
    # Paging the candidate bar.
    search.text = ""
    _type(keyboard, "shi")
    yield 0.1
    first_page = [b.text for b in keyboard.candidate_buttons]
    touch(keyboard.ids.next_page)
    yield 0.1
    results["pages"] = [first_page, [b.text for b in keyboard.candidate_buttons]]
    touch(keyboard.ids.space_key)
    yield 0.1
    results["space_commits"] = search.text


def keyboard_switches_modes(app, results):
    yield 0.3
    yield from _input_method_ready(app, results)
    home = app.root.get_screen("home")
    keyboard, search = home.ids.keyboard, home.ids.search
    touch(search)
    yield 0.2
    touch(keyboard.mode_buttons["latin"])
    yield 0.1
    _type(keyboard, "abc")
    touch(keyboard.mode_buttons["symbols"])
    yield 0.1
    results["symbol_keys"] = sorted(keyboard.key_widgets)
    _type(keyboard, "12，")
    yield 0.1
    results["typed"] = search.text
    # An ID-number field: the digit pad with X, whatever mode the keyboard was in.
    search.text = ""
    keyboard.open_for(search, id_number=True)
    yield 0.1
    results["id_keys"] = sorted(keyboard.key_widgets)
    _type(keyboard, "11010519491231002X")
    yield 0.1
    results["id_typed"] = search.text
    touch(keyboard.mode_buttons["pinyin"])  # refused: an ID field takes digits only
    yield 0.1
    results["id_mode_after_pinyin"] = keyboard.mode


def keyboard_recognises_handwriting(app, results):
    from kivy.tests.common import UnitTestTouch

    from tests.ime.strokes import CHARACTERS

    yield 0.3
    yield from _input_method_ready(app, results)
    home = app.root.get_screen("home")
    keyboard, search = home.ids.keyboard, home.ids.search
    touch(search)
    yield 0.2
    touch(keyboard.mode_buttons["handwriting"])
    yield 0.2
    pad = keyboard.pad
    results["pad_square"] = abs(pad.width - pad.height) < 2 and pad.width > 100

    def at(x, y):
        return pad.to_window(pad.x + x / 1000 * pad.width, pad.top - y / 1000 * pad.height)

    for stroke in CHARACTERS["正"]:
        finger = UnitTestTouch(*at(*stroke[0]))
        finger.touch_down()
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:], strict=False):
            for i in range(1, 11):
                finger.touch_move(*at(x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10))
        finger.touch_up()
        yield 0.05
    yield 0.6
    results["guesses"] = [b.text for b in keyboard.candidate_buttons]
    from kivy.core.window import Window

    Window.screenshot(name=str(app.env.home / "handwriting.png"))
    touch(keyboard.candidate_buttons[0])
    yield 0.1
    results["search"] = search.text
    results["suggestions"] = [b.text for b in keyboard.candidate_buttons if b.text]
    touch(keyboard.candidate_buttons[0])
    yield 0.1
    results["search_after_suggestion"] = search.text


def reader_reads_aloud_and_stops(app, results):
    from kiosk.speech import Speaker

    yield 0.3
    app.speaker = Speaker(wav_path=app.env.home / "speech.wav")  # CI has no sound card
    home = app.root.get_screen("home")
    app.open_document(home.ids.documents.data[0]["doc_id"])
    yield 0.3
    reader = app.root.get_screen("reader")
    results["button_before"] = reader.ids.read_aloud.text
    touch(reader.ids.read_aloud)
    yield 0.05
    results["reading"] = [reader.reading, app.speaker.speaking, reader.ids.read_aloud.text]
    touch(reader.ids.read_aloud)
    yield 0.1
    results["stopped"] = [reader.reading, app.speaker.speaking, reader.ids.read_aloud.text]
    touch(reader.ids.read_aloud)
    yield 0.05
    touch(reader.ids.back_button)  # leaving the reader stops the reading too
    yield 0.1
    results["after_back"] = [app.root.current, app.speaker.speaking]


def background_sync_refreshes_home_and_reader_survives_withdrawal(app, results):
    """A clerk's sync-now while the reader shows a document that the new feed withdraws."""
    yield 1.0
    home = app.root.get_screen("home")
    results["before"] = home.summary
    seed_id = home.ids.documents.data[0]["doc_id"]
    app.open_document(seed_id)
    yield 0.3
    app.sync_scheduler.sync_now()
    for _ in range(100):
        yield 0.2
        if app.last_sync_outcome is not None:
            break
    results["sync_ok"] = app.last_sync_outcome.ok
    reader = app.root.get_screen("reader")
    reader.show(seed_id)  # the page the resident is on, shown again after the update
    results["reader_notice"] = reader.notice
    app.go_home()
    yield 0.5
    results["after"] = home.summary
    results["titles"] = [row["title"] for row in home.ids.documents.data]
