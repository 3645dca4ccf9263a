"""Scenarios the UI tests run in a real window (see harness.py)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.harness import touch


class WaitedTooLong(AssertionError):
    pass


def until(condition, timeout=10.0, step=0.05, what="condition"):
    """Let the app run until `condition()` holds (use as `yield from until(...)`): a wait for what the
    test needs, not a guess at how long it takes on a loaded machine."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            raise WaitedTooLong(f"waited {timeout} s for {what}")
        yield step
        waited += step


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
    reader = app.root.get_screen("reader")
    yield from until(lambda: _reader_laid_out(app), what="the reader")
    results["after_tap"] = app.root.current
    results["reader_title"] = reader.title_text
    results["paragraphs"] = len(reader.ids.paragraphs.data)
    Window.screenshot(name=str(app.env.home / "reader.png"))
    touch(reader.ids.header.ids.back_button)
    yield from until(lambda: app.root.current == "home", what="home again")
    results["after_back"] = app.root.current


def screens_switch_in_one_step(app, results):
    """Every screen the residents reach, switched to from home: right after `current` is set, only the
    new screen is in the window (no frame draws one over the other) and it has been told it entered."""
    from kivy.core.window import Window

    yield 0.5
    results["switches"] = {}
    for name in ("search", "browse", "interpretations", "apply", "home"):
        screen = app.root.get_screen(name)
        entered = []
        screen.bind(on_enter=lambda *_a, entered=entered: entered.append(True))
        app.root.current = name
        results["switches"][name] = {
            "children": [child.name for child in app.root.children],
            "entered": bool(entered),
        }
        yield 0.2
    results["clear_colour"] = list(Window.clearcolor)
    results["page_colour"] = list(app.theme.color_background)
    results["full_screen_layers"] = _full_screen_layers(Window)


def _full_screen_layers(window) -> int:
    """Filled shapes as large as the window drawn in a frame (each costs a whole-screen pass)."""
    from kivy.graphics import BorderImage, Rectangle, RoundedRectangle
    from kivy.graphics.instructions import CanvasBase

    def shapes(group):
        for child in getattr(group, "children", None) or []:
            if isinstance(child, CanvasBase):
                yield from shapes(child)
            elif isinstance(child, (Rectangle, RoundedRectangle, BorderImage)):
                yield child
            else:
                yield from shapes(child)

    area = window.width * window.height
    return sum(1 for shape in shapes(window.canvas) if shape.size[0] * shape.size[1] >= 0.9 * area)


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


def _search_screen(app):
    """The search screen (where the query box and its docked keyboard live), shown."""
    app.root.current = "search"
    return app.root.get_screen("search")


def keyboard_types_initials_into_the_search_box(app, results):
    from kivy.core.window import Window
    from kivy.metrics import mm

    yield 0.3
    yield from _input_method_ready(app, results)
    home = _search_screen(app)
    yield 0.2
    keyboard, search = home.ids.keyboard, home.ids.query
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
    yield 0.8  # the search runs debounced, in a worker
    results["titles"] = [row["title"] for row in home.ids.results.data]
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
    home = _search_screen(app)
    yield 0.2
    keyboard, search = home.ids.keyboard, home.ids.query
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
    home = _search_screen(app)
    yield 0.2
    keyboard, search = home.ids.keyboard, home.ids.query
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
    reader = app.root.get_screen("reader")
    yield from until(lambda: _reader_laid_out(app), what="the reader laid out")
    results["button_before"] = reader.ids.read_aloud.text
    touch(reader.ids.read_aloud)
    yield from until(lambda: reader.reading, what="reading aloud")
    results["reading"] = [reader.reading, app.speaker.speaking, reader.ids.read_aloud.text]
    touch(reader.ids.read_aloud)
    yield from until(lambda: not reader.reading and not app.speaker.speaking, what="the reading to stop")
    results["stopped"] = [reader.reading, app.speaker.speaking, reader.ids.read_aloud.text]
    touch(reader.ids.read_aloud)
    yield from until(lambda: reader.reading, what="reading aloud again")
    touch(reader.ids.header.ids.back_button)  # leaving the reader stops the reading too
    yield from until(lambda: app.root.current == "home" and not app.speaker.speaking, what="home, silent")
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
    yield from until(lambda: app.last_sync_outcome is not None, timeout=30, what="the sync")
    results["sync_ok"] = app.last_sync_outcome.ok
    reader = app.root.get_screen("reader")
    reader.show(seed_id)  # the page the resident is on, shown again after the update
    results["reader_notice"] = reader.notice
    app.go_home()
    yield 0.5
    results["after"] = home.summary
    results["titles"] = [row["title"] for row in home.ids.documents.data]


# --- the application form and the receipt --------------------------------------------------------


def _choose(block, value):
    touch(next(b for b in block.ids.choices.children if b.value == value))


def _touch_field(screen, field):
    """Scroll the field into view (as a finger would) and touch it."""
    screen.ids.scroll.scroll_to(screen.blocks[field], animate=False)
    yield 0.1
    touch(screen.blocks[field].ids.input)
    yield 0.2


def _errors(screen):
    return {field: block.error_text for field, block in screen.blocks.items() if getattr(block, "error_text", "")}


def application_submitted_read_aloud_printed_and_looked_up(app, results):
    """One resident's whole visit: the form step by step, the receipt, 朗读, 打印回执, 查询申请, then
    the screen left alone until it resets."""
    from kivy.core.window import Window

    from kiosk.speech import Speaker
    from tests.applications.samples import HAICHENG_1985

    yield 0.5
    app.speaker = Speaker(wav_path=app.env.home / "speech.wav")  # CI has no sound card
    home = app.root.get_screen("home")
    touch(home.ids.apply_button)
    yield 0.2
    form = app.root.get_screen("apply")
    keyboard = form.ids.keyboard
    results["opened"] = [app.root.current, form.step_title, form.progress_text, form.ids.back_button.disabled]

    # Step 1: nothing chosen yet.
    touch(form.ids.next_button)
    yield 0.1
    results["unchosen"] = [form.form.step, _errors(form)]
    _choose(form.blocks["applicant_type"], "person")
    touch(form.ids.next_button)
    yield 0.1

    # Step 2: the ID number typed on the digit pad; first with a wrong check digit.
    results["identity"] = [form.form.step, form.progress_text, sorted(form.blocks)]
    form.blocks["name"].ids.input.text = "张三"
    _choose(form.blocks["id_type"], "resident_id")
    yield 0.1
    yield from _touch_field(form, "id_number")
    Window.screenshot(name=str(app.env.home / "apply-identity.png"))
    results["id_pad"] = [keyboard.shown, keyboard.id_number, sorted(keyboard.key_widgets)]
    wrong = HAICHENG_1985[:-1] + ("1" if HAICHENG_1985[-1] != "1" else "2")
    _type(keyboard, wrong)
    results["typed_wrong"] = form.blocks["id_number"].ids.input.text
    touch(keyboard.ids.enter_key)
    yield 0.1
    touch(form.ids.next_button)
    yield 0.1
    results["bad_id"] = [form.form.step, _errors(form), form.notice]
    form.blocks["id_number"].ids.input.text = ""
    yield from _touch_field(form, "id_number")
    _type(keyboard, HAICHENG_1985)
    results["nav_while_typing"] = form.ids.next_button.parent.height
    touch(keyboard.ids.enter_key)  # 确定: the keyboard folds, 上一步 / 下一步 come back
    yield 0.1
    touch(form.ids.next_button)
    yield 0.1

    # Step 3 to 5, typed through the widgets' text.
    results["contact"] = [form.form.step, sorted(form.blocks)]
    form.blocks["phone"].ids.input.text = "13812345678"
    form.blocks["address"].ids.input.text = "辽宁省海城市海州管理区中街1号"
    touch(form.ids.next_button)
    yield 0.1
    results["information"] = form.form.step
    form.blocks["description"].ids.input.text = "海城市2019年政务公开工作要点全文"
    form.blocks["doc_number"].ids.input.text = "海政办发〔2019〕23号"
    touch(form.ids.next_button)
    yield 0.2
    from kiosk.ui.screens.apply import MatchRow

    matches = [w for w in form.ids.fields.children if isinstance(w, MatchRow)]
    results["matches"] = [form.showing_matches, form.step_title, [m.title for m in matches], form.progress_text]
    Window.screenshot(name=str(app.env.home / "apply-matches.png"))
    # A found document opens in the reader, whose 返回 comes back to the form.
    touch(matches[0])
    yield 0.3
    results["reader"] = [app.root.current, app.root.get_screen("reader").title_text]
    touch(app.root.get_screen("reader").ids.header.ids.back_button)
    yield 0.2
    results["back_from_reader"] = [app.root.current, form.showing_matches]
    # Back from the matches: the information step with what was typed.
    touch(form.ids.back_button)
    yield 0.1
    results["back_keeps"] = [
        form.form.step,
        form.blocks["description"].ids.input.text,
        form.blocks["doc_number"].ids.input.text,
    ]
    touch(form.ids.back_button)
    yield 0.1
    touch(form.ids.back_button)
    yield 0.1
    results["identity_again"] = [
        form.form.step,
        form.blocks["name"].ids.input.text,
        form.blocks["id_number"].ids.input.text,
        [b.value for b in form.blocks["id_type"].ids.choices.children if b.state == "down"],
    ]
    for _ in range(3):  # identity → contact → information → the matches
        touch(form.ids.next_button)
        yield 0.1
    touch(form.ids.next_button)  # past the matches: still applying
    yield 0.1
    results["reason"] = form.form.step
    form.blocks["reason"].ids.input.text = "了解本地政务公开工作安排"
    touch(form.ids.next_button)
    yield 0.1
    _choose(form.blocks["delivery_form"], "electronic")
    _choose(form.blocks["delivery_way"], "email")
    _choose(form.blocks["delivery_form"], "paper")  # paper is never sent by e-mail: that way goes
    yield 0.1  # the ways offered are drawn anew: laid out before a finger touches them
    ways = form.blocks["delivery_way"].ids.choices.children
    results["paper_ways"] = [sorted(b.value for b in ways), [b.value for b in ways if b.state == "down"]]
    _choose(form.blocks["delivery_way"], "pickup")
    touch(form.ids.next_button)
    yield 0.1

    # Review: masked values.
    from kiosk.ui.screens.apply import ReviewRow

    rows = [w for w in form.ids.fields.children if isinstance(w, ReviewRow)][::-1]
    results["review"] = [form.form.step, {r.label_text: r.value_text for r in rows}]
    Window.screenshot(name=str(app.env.home / "apply-review.png"))
    touch(form.ids.next_button)
    yield 0.1
    results["consent_page"] = [form.form.step, form.next_label]
    touch(form.ids.next_button)  # 提交 without the consent
    yield 0.1
    results["no_consent"] = [form.form.step, form.notice, app.root.current]
    Window.screenshot(name=str(app.env.home / "apply-consent.png"))
    touch(form.blocks["consent"])
    yield 0.1
    touch(form.ids.next_button)
    yield 0.3

    # The receipt.
    receipt = app.root.get_screen("receipt")
    results["receipt"] = {
        "current": app.root.current,
        "tracking": receipt.tracking_text,
        "status": receipt.status_text,
        "details": receipt.details_text,
        "form_cleared": form.form is None and not form.ids.fields.children,
    }
    results["button_before"] = receipt.ids.read_aloud.text
    Window.screenshot(name=str(app.env.home / "receipt.png"))
    touch(receipt.ids.read_aloud)
    yield 0.05
    results["reading"] = [receipt.reading, app.speaker.speaking, receipt.ids.read_aloud.text]
    touch(receipt.ids.read_aloud)
    yield 0.1
    results["stopped"] = [receipt.reading, app.speaker.speaking, receipt.ids.read_aloud.text]
    touch(receipt.ids.print_button)
    yield 0.05
    results["while_printing"] = [receipt.printing, receipt.ids.print_button.disabled]
    for _ in range(100):
        yield 0.1
        if not receipt.printing:
            break
    results["printed"] = receipt.message
    # A printer that cannot take the job: the resident reads why, in Chinese, and the screen stays.
    import dataclasses

    config = app.env.config
    blocked = app.env.home / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    values = {**config.values, "printer_receipts": f"folder:{blocked / 'receipts'}"}
    app.env.config = dataclasses.replace(config, values=values)
    touch(receipt.ids.print_button)
    for _ in range(100):
        yield 0.1
        if not receipt.printing:
            break
    results["print_failed"] = [app.root.current, receipt.message, receipt.ids.print_button.disabled]
    app.env.config = config
    touch(receipt.ids.done_button)
    yield 0.2
    results["after_done"] = [app.root.current, receipt.tracking_text]

    # 查询申请: a wrong check digit, then the right number.
    touch(home.ids.lookup_button)
    lookup = app.root.get_screen("lookup")  # the digit pad is up without touching the field
    lookup_keyboard = lookup.ids.keyboard
    yield from until(lambda: _keyboard_settled(app, lookup), what="the lookup's digit pad")
    tracking = receipt.data["tracking"] if receipt.data else results["receipt"]["tracking"].replace("-", "")
    typo = tracking[:-1] + str((int(tracking[-1]) + 1) % 10)
    results["lookup_pad"] = [lookup_keyboard.shown, lookup_keyboard.id_number]
    _type(lookup_keyboard, typo)
    touch(lookup.ids.lookup_button)
    yield 0.1
    results["typo"] = [app.root.current, lookup.message]
    Window.screenshot(name=str(app.env.home / "lookup.png"))
    lookup.ids.tracking.text = ""
    _type(lookup_keyboard, tracking)
    touch(lookup.ids.lookup_button)
    yield 0.2
    results["looked_up"] = [app.root.current, receipt.tracking_text, receipt.status_text, receipt.heading]

    # Walking away: the idle reset clears the form and goes home (timeout shortened for the test).
    touch(receipt.ids.done_button)
    yield 0.1
    touch(home.ids.apply_button)
    yield 0.2
    _choose(form.blocks["applicant_type"], "person")
    touch(form.ids.next_button)
    yield 0.1
    form.blocks["name"].ids.input.text = "李四"
    search_box = app.root.get_screen("search").ids.query
    search_box.text = "住房"
    app.idle.timeout = 0.5
    yield 2.0
    results["idle"] = [app.root.current, form.form is None, len(form.ids.fields.children), search_box.text]
    app.idle.timeout = 3600

    # 取消 asks once, then clears.
    touch(home.ids.apply_button)
    yield 0.2
    _choose(form.blocks["applicant_type"], "organization")
    touch(form.ids.next_button)
    yield 0.1
    results["organization"] = [
        sorted(form.blocks),
        form.blocks["name"].label_text,
        [(b.value, b.state) for b in form.blocks["id_type"].ids.choices.children],
        sorted(b.value for b in form.blocks["organization_kind"].ids.choices.children),
    ]
    touch(form.ids.cancel_button)
    yield 0.1
    results["cancel_once"] = [app.root.current, form.ids.cancel_button.text]
    touch(form.ids.cancel_button)
    yield 0.1
    results["cancel_twice"] = [app.root.current, form.form is None]


# --- every screen at a real kiosk resolution -----------------------------------------------------


def screens_fit_the_window(app, results):
    """Each screen a resident meets, with the keyboard up where there is typing, checked by geometry
    (tests/ui/geometry.py) and photographed as `fit-<width>x<height>-<mode>-<page>.png`."""
    from kivy.core.window import Window
    from kivy.metrics import mm

    from tests.applications.samples import HAICHENG_1985
    from tests.ui import geometry

    size = tuple(int(v) for v in Window.size)
    prefix = f"fit-{size[0]}x{size[1]}-{'elderly' if app.theme.scale > 1 else 'normal'}"
    results.update(window=list(size), key_px=mm(15) * app.theme.target_scale, problems={}, shots=[])

    def capture(page, screen, focused=None, shot=True):
        keyboard = screen.ids.get("keyboard")
        problems = geometry.layout_problems(app.root, size)
        if focused is not None:
            problems += [p for p in [geometry.fully_visible_above(focused, keyboard, size)] if p]
        if keyboard is not None and keyboard.shown:
            problems += geometry.small_keys(keyboard, mm(15) * app.theme.target_scale)
            if keyboard.mode in ("pinyin", "handwriting") and not keyboard.id_number:
                bar = [*keyboard.candidate_buttons, keyboard.ids.previous_page, keyboard.ids.next_page]
                problems += [f"candidate bar: {p}" for p in map(lambda b: _reachable(b, size), bar) if p]
        nav = screen.ids.get("next_button")
        if nav is not None:
            # 上一步 / 下一步 on screen, or folded behind the keyboard's 确定 that brings them back.
            stand_in = keyboard.ids.enter_key if keyboard is not None and keyboard.shown else None
            if _reachable(nav, size) and (stand_in is None or _reachable(stand_in, size)):
                problems.append("neither 下一步 nor the keyboard's 确定 can be reached")
        results["problems"][page] = problems
        if shot:
            results["shots"].append(Path(Window.screenshot(name=str(app.env.home / f"{prefix}-{page}.png"))).name)

    yield 0.3
    yield from _input_method_ready(app, results)

    search = _search_screen(app)
    yield 0.3
    touch(search.ids.query)
    yield 0.3
    _type(search.ids.keyboard, "zwgk")
    yield 0.2
    capture("search-keyboard", search, focused=search.ids.query)
    touch(search.ids.keyboard.mode_buttons["handwriting"])
    yield 0.2
    capture("search-handwriting", search, focused=search.ids.query)
    touch(search.ids.keyboard.mode_buttons["pinyin"])
    touch(search.ids.keyboard.ids.enter_key)
    search.ids.query.text = ""
    app.root.current = "home"
    home = app.root.get_screen("home")
    yield 0.2
    capture("home", home)

    app.open_document(home.ids.documents.data[1]["doc_id"])
    yield 0.3
    capture("reader", app.root.get_screen("reader"))
    touch(app.root.get_screen("reader").ids.header.ids.back_button)
    yield 0.2

    touch(home.ids.apply_button)
    yield 0.2
    form = app.root.get_screen("apply")
    keyboard = form.ids.keyboard
    values = {
        "name": "张三",
        "id_number": HAICHENG_1985,
        "phone": "13812345678",
        "email": "zhangsan@example.cn",
        "address": "辽宁省海城市海州管理区中街1号",
        "description": "海城市2019年政务公开工作要点全文",
        "doc_number": "海政办发〔2019〕23号",
        "reason": "了解本地政务公开工作安排",
    }
    choices = {"applicant_type": "person", "id_type": "resident_id", "delivery_form": "paper", "delivery_way": "pickup"}
    for _ in range(12):
        page = "matches" if form.showing_matches else form.form.step
        if page == "consent":
            touch(form.blocks["consent"])
            yield 0.1
        fields = list(form.blocks) if not form.showing_matches else []
        for field in fields:
            if field in choices:
                _choose(form.blocks[field], choices[field])
                yield 0.1
        typed = [f for f in fields if f in values]
        for n, field in enumerate(typed):
            yield from _touch_field(form, field)
            yield 0.2  # the scroll view hands the touch to the field after its scroll_timeout
            yield from _frames(8)
            last = n == len(typed) - 1
            capture(f"apply-{page}-{field}", form, focused=form.blocks[field].ids.input, shot=last)
            form.blocks[field].ids.input.text = values[field]
        if typed:
            touch(keyboard.ids.enter_key)  # 确定: the keyboard folds
            yield 0.2
        capture(f"apply-{page}", form)
        touch(form.ids.next_button)
        yield 0.3
        if app.root.current != "apply":
            break
    results["after_form"] = app.root.current

    receipt = app.root.get_screen("receipt")
    capture("receipt", receipt)
    tracking = receipt.data["tracking"]
    touch(receipt.ids.done_button)
    yield 0.2
    touch(home.ids.lookup_button)
    lookup = app.root.get_screen("lookup")
    yield from until(lambda: _keyboard_settled(app, lookup), what="the lookup's digit pad")
    _type(lookup.ids.keyboard, tracking)
    yield 0.1
    capture("lookup-keyboard", lookup, focused=lookup.ids.tracking)
    touch(lookup.ids.lookup_button)
    yield 0.3
    results["looked_up"] = [app.root.current, lookup.message]
    capture("receipt-lookedup", receipt, shot=False)


def _keyboard_settled(app, screen):
    """`screen` is current, laid out at the window's size, its keyboard up with every key on screen and
    the same size as last frame (a pad still growing from nothing would take the touches elsewhere)."""
    keyboard = screen.ids.keyboard
    if app.root.current != screen.name or screen.size != app.root.size or not keyboard.shown:
        return False
    keys = list(keyboard.key_widgets.values())
    if not keys or min(k.width for k in keys) < 10 or keyboard.height < 10:
        return False
    shape = [(round(k.x), round(k.y), round(k.width)) for k in keys]
    settled = getattr(keyboard, "_test_last_shape", None) == shape
    keyboard._test_last_shape = shape
    return settled


def _frames(count):
    """Wait for `count` frames: at 1920×1080 a software-rendered frame under Xvfb takes a while, and
    the keyboard opening sets off a chain of layouts (keyboard, scroll view, scroll position)."""
    for _ in range(count):
        yield 0


def _reachable(widget, size) -> str:
    """ "" when a finger can reach `widget`: shown and wholly inside the window."""
    from tests.ui import geometry

    shown, clip = geometry.shown_part(widget)
    rect = geometry.window_rect(widget)
    if not shown:
        return f"{geometry.describe(widget)} is hidden"
    if not rect.inside(geometry.Rect(0, 0, *size)) or (clip is not None and not rect.inside(clip)):
        return f"{geometry.describe(widget)} at {rect.rounded()} is out of reach"
    return ""


# --- the reader, elderly mode, the idle countdown, the calm error message ---------------------------


def _reader(app):
    return app.root.get_screen("reader")


def _open_first(app):
    from kiosk.catalog.documents import list_documents

    doc = list_documents(limit=1)[0]
    app.open_document(doc.id)
    yield from until(lambda: _reader_laid_out(app), what="the reader laid out")
    return doc


def _reader_laid_out(app):
    """Rows filled and the bottom bar laid out (a screen just switched to lays out on the next frames)."""
    reader = _reader(app)
    return bool(
        app.root.current == "reader"
        and reader.ids.paragraphs.data
        and reader.size == app.root.size
        and reader.ids.print_button.right > reader.width * 0.8
    )


def reader_prints_a_document(app, results):
    """打印 from the reader: page count and preview, then the job in the folder printer."""
    from kivy.core.window import Window

    from kiosk.printing.quota import PageQuota
    from kiosk.ui.screens.reader import PrintDialog

    def dialog():
        return next((w for w in Window.children if isinstance(w, PrintDialog)), None)

    yield 0.2
    doc_id = results["doc_id"] = (yield from _open_first(app)).id
    reader = _reader(app)
    touch(reader.ids.print_button)
    yield from until(lambda: dialog() is not None and dialog().stage != "preparing", what="the print preview")
    d = dialog()
    assert d.stage == "ready", d.message
    results["prepared"] = {
        "pages": d.total_pages,
        "preview": list(d.preview.size) if d.preview else None,
        "needs_range": d.needs_range,
        "message": d.message,
    }
    Window.screenshot(name=str(app.env.home / "print-dialog.png"))
    touch(d.ids.confirm_button)
    results["while_printing"] = [d.stage, d.ids.close_button.disabled]
    yield from until(lambda: d.stage == "done", what="the print outcome")
    results["printed"] = d.message
    results["quota_used"] = app.print_quota.used
    touch(d.ids.close_button)
    yield from until(lambda: dialog() is None, what="the dialog to close")

    # Over the visit's quota: the dialog asks for a range, and prints only those pages.
    app.print_quota = PageQuota(1)
    app.root.get_screen("reader").text_step = 0
    touch(reader.ids.print_button)
    yield from until(lambda: dialog() is not None and dialog().stage == "ready", what="the second preview")
    d = dialog()
    results["over_quota"] = {"needs_range": d.needs_range, "message": d.message, "range": [d.first_page, d.last_page]}
    Window.screenshot(name=str(app.env.home / "print-range.png"))
    touch(d.ids.confirm_button)
    yield from until(lambda: d.stage == "done", what="the ranged print outcome")
    results["ranged"] = d.message
    touch(d.ids.close_button)
    results["current"] = app.root.current
    results["doc_id"] = doc_id


def reader_shows_related_attachments_and_qr(app, results):
    """A document with a 解读, a cited policy, a PDF attachment and a source URL."""
    from kivy.core.window import Window

    from kiosk.ui.screens.reader import AttachmentViewer

    yield 0.2
    reader = _reader(app)
    app.open_document(results.get("doc_id") or "policy-1")
    yield from until(lambda: _reader_laid_out(app), what="the reader laid out")
    data = reader.ids.paragraphs.data
    results["sections"] = [row["text"] for row in data if row.get("role") == "section"]
    results["related"] = [row["title"] for row in data if row["viewclass"] == "RelatedRow"]
    results["attachments"] = [
        [row["name"], row["kind"], row["size_text"]] for row in data if row["viewclass"] == "AttachmentRow"
    ]
    results["qr"] = [row["url"] for row in data if row["viewclass"] == "QrRow"]
    # 下一屏 until the end, where the attachment and the QR code are.
    tops = []
    for _ in range(30):
        tops.append(round(reader.ids.paragraphs.scroll_y, 3))
        if reader.ids.paragraphs.scroll_y <= 0:
            break
        touch(reader.ids.page_down)
        yield 0.05
    results["scrolled"] = tops
    Window.screenshot(name=str(app.env.home / "reader-end.png"))
    yield from until(lambda: _visible_rows(reader, "AttachmentRow"), what="the attachment row on screen")
    touch(_visible_rows(reader, "AttachmentRow")[0])
    yield from until(lambda: any(isinstance(w, AttachmentViewer) for w in Window.children), what="the viewer")
    viewer = next(w for w in Window.children if isinstance(w, AttachmentViewer))
    pages = viewer.ids.pages
    yield from until(lambda: pages.page == 1, what="page 1 of the attachment")
    results["viewer_first"] = [pages.page, pages.pages, list(pages.texture.size)]
    touch(pages.ids.next_page)
    yield from until(lambda: pages.page == 2, what="page 2 of the attachment")
    results["viewer_second"] = pages.page
    Window.screenshot(name=str(app.env.home / "attachment.png"))
    touch(viewer.children[0].children[1].ids.back_button)  # the viewer header's 关闭
    yield from until(lambda: viewer.parent is None, what="the viewer to close")
    # A related row opens its document; 返回 comes back.
    reader.ids.paragraphs.scroll_y = 1
    yield from until(lambda: _visible_rows(reader, "RelatedRow"), what="a related row on screen")
    related = [w for w in _visible_rows(reader, "RelatedRow") if w.doc_id]
    before = reader.doc_id
    target = related[0].doc_id
    touch(related[0])
    yield from until(lambda: reader.doc_id == target, what="the related document")
    results["followed"] = reader.title_text
    touch(reader.ids.header.ids.back_button)
    yield from until(lambda: reader.doc_id == before, what="the way back")
    results["back_to"] = [app.root.current, reader.doc_id == before]


def _visible_rows(reader, kind):
    """Rows of the reader's page of this class wholly inside the visible part of the page."""
    view = reader.ids.paragraphs
    bottom = view.to_window(view.x, view.y)[1]
    top = bottom + view.height
    rows = []
    for row in view.children[0].children if view.children else []:
        y = row.to_window(row.x, row.y)[1]
        if type(row).__name__ == kind and y >= bottom and y + row.height <= top:
            rows.append(row)
    return rows


def _sizes(screen):
    header = screen.ids.header
    return {
        "title": header.ids.title.font_size,
        "toggle": header.ids.elderly_button.font_size,
        "toggle_text": header.ids.elderly_button.text,
        "button_height": header.ids.elderly_button.height,
    }


def elderly_mode_toggles_on_every_screen(app, results):
    """The header's 长者模式 on three screens: sizes measured before and after, and back."""
    yield 0.2
    yield from _open_first(app)
    reader = _reader(app)
    body = lambda: next(  # noqa: E731
        w for w in reader.ids.paragraphs.children[0].children if getattr(w, "role", "") == "title"
    )
    for name, enter in (
        ("reader", lambda: None),
        ("apply", app.start_application),
        ("lookup", app.open_lookup),
    ):
        enter()
        yield from until(lambda n=name: app.root.current == n, what=f"the {name} screen")
        screen = app.root.current_screen
        yield 0.1
        before = _sizes(screen)
        before_body = body().font_size if name == "reader" else None
        touch(screen.ids.header.ids.elderly_button)
        yield from until(lambda: app.theme.elderly, what="elderly mode")
        yield 0.1
        after = _sizes(screen)
        after_body = body().font_size if name == "reader" else None
        touch(screen.ids.header.ids.elderly_button)
        yield from until(lambda: not app.theme.elderly, what="standard mode")
        results[name] = {"before": before, "after": after, "body": [before_body, after_body]}
    # It lasts until the idle reset.
    touch(app.root.current_screen.ids.header.ids.elderly_button)
    yield from until(lambda: app.theme.elderly, what="elderly mode again")
    app.go_home()
    yield 0.1
    results["kept_at_home"] = app.theme.elderly
    app.reset_session()
    yield 0.1
    results["after_reset"] = app.theme.elderly


def idle_countdown_appears_and_resets(app, results):
    from kivy.core.window import Window

    yield 0.2
    yield from _open_first(app)
    reader = _reader(app)
    touch(reader.ids.bigger)
    app.idle.countdown = 3
    app.idle.timeout = 5
    app.idle.touched()
    yield from until(lambda: app.countdown.parent is not None, timeout=8, what="the countdown")
    results["countdown"] = app.countdown.text
    results["shown_after"] = round(5 - app.idle.seconds_left(), 1)
    Window.screenshot(name=str(app.env.home / "countdown.png"))
    touch(app.countdown)  # 点任意处继续
    yield from until(lambda: app.countdown.parent is None, what="the countdown to go")
    results["kept"] = [app.root.current, bool(reader.doc_id), reader.text_step]
    yield from until(lambda: app.countdown.parent is not None, timeout=8, what="the countdown again")
    yield from until(lambda: app.root.current == "home", timeout=8, what="the reset")
    results["reset"] = [app.root.current, reader.doc_id, reader.ids.paragraphs.data, reader.text_step]
    results["countdown_gone"] = app.countdown.parent is None
    app.idle.timeout = 3600


def an_error_in_a_callback_shows_a_calm_message(app, results):
    from kivy.core.window import Window

    from kiosk.ui.errors import CalmErrorView

    def view():
        return next((w for w in Window.children if isinstance(w, CalmErrorView)), None)

    yield 0.2
    yield from _open_first(app)
    reader = _reader(app)

    def broken(*_args):
        raise RuntimeError("secret 110105194912310021 typed by a resident")

    from kivy.clock import Clock

    reader.ids.page_down.bind(on_release=broken)
    # From the Clock, so the touch (and its error) runs inside the app's main loop as a real one does.
    Clock.schedule_once(lambda _dt: touch(reader.ids.page_down))
    yield from until(lambda: view() is not None, what="the calm message")
    results["message"] = view().message
    results["still"] = app.root.current
    Window.screenshot(name=str(app.env.home / "error.png"))
    touch(view().ids.home_button)
    yield from until(lambda: view() is None and app.root.current == "home", what="home after the message")
    # The app keeps working: a second error, and then the reader opens normally.
    Clock.schedule_once(lambda _dt: broken())
    yield from until(lambda: view() is not None, what="the second message")
    results["second"] = view() is not None
    if view() is not None:
        touch(view().ids.stay_button)
    yield from until(lambda: view() is None, what="the message to close")
    yield from _open_first(app)
    results["alive"] = [app.root.current, bool(reader.title_text), app.error_handler.handled]


# --- staff mode -----------------------------------------------------------------------------------


def _corner_touch():
    """A finger on the top-left corner of the window (Kivy's y grows upwards)."""
    from kivy.core.window import Window
    from kivy.tests.common import UnitTestTouch

    return UnitTestTouch(12, Window.height - 12)


def _pad_type(pad, digits, enter=True):
    for digit in digits:
        touch(next(key for key in pad.children if key.text == digit))
    if enter:
        touch(pad.ids.enter_key)


def _on_screen(app, name, what):
    """Wait for `name` to be current, then for its first frames: a touch in the very frame of the switch
    would land on the screen going away."""
    yield from until(lambda: app.root.current == name, what=what)
    yield 0.3


def _hold_corner(app, results, key):
    import time

    finger = _corner_touch()
    started = time.monotonic()
    finger.touch_down()
    yield from until(lambda: app.root.current == "staff_pin", timeout=9, what="the PIN pad after the hold")
    results[key] = round(time.monotonic() - started, 1)
    finger.touch_up()
    yield 0.3


def staff_mode_from_the_corner_to_every_staff_screen(app, results):
    from kivy.core.window import Window

    shots = app.env.home / "shots"
    shots.mkdir(exist_ok=True)
    yield 0.5
    # A resident's tap on the corner, and a hold that slides away, do nothing.
    finger = _corner_touch()
    finger.touch_down()
    yield 1.0
    finger.touch_up()
    yield 5.5
    results["after_short_tap"] = app.root.current
    finger = _corner_touch()
    finger.touch_down()
    yield 1.0
    finger.touch_move(Window.width / 2, Window.height / 2)
    yield 5.5
    finger.touch_up()
    results["after_slide"] = app.root.current

    # On a screen with 返回 in the corner: the hold opens the pad and 返回 does not fire on lifting.
    app.root.current = "search"
    yield 0.3
    yield from _hold_corner(app, results, "held_seconds")
    pin = app.root.get_screen("staff_pin")
    results["pin_screen"] = [app.root.current, pin.title_text, pin.prompt]
    _pad_type(pin.ids.pad, "111111", enter=False)
    yield 0.1
    results["dots"] = pin.ids.dots.text
    touch(pin.ids.pad.ids.enter_key)
    yield from until(lambda: pin.message, what="the wrong-PIN message")
    results["wrong"] = pin.message
    Window.screenshot(name=str(shots / "staff-pin.png"))
    _pad_type(pin.ids.pad, "428613")
    yield from _on_screen(app, "staff_home", "the staff home")
    staff_home = app.root.get_screen("staff_home")
    mark = staff_home.ids.header.ids.staff_mark
    yield 0.2
    results["mark"] = [mark.text, mark.opacity, mark.width > 0, app.staff_mode]
    Window.screenshot(name=str(shots / "staff-home.png"))

    # 申请队列, and 补打回执 from a row.
    touch(staff_home.ids.queue_button)
    queue = app.root.get_screen("staff_queue")
    yield from until(lambda: app.root.current == "staff_queue" and queue.ids.rows.children, what="the queue")
    rows = list(reversed(queue.ids.rows.children))
    results["queue"] = [queue.message, [[r.heading, r.detail, r.delivery] for r in rows]]
    results["queue_mark"] = queue.ids.header.ids.staff_mark.text
    Window.screenshot(name=str(shots / "staff-queue.png"))
    touch(next(w for w in rows[0].walk() if getattr(w, "text", "") == "补打回执"))
    reprint = app.root.get_screen("staff_reprint")
    yield from until(lambda: app.root.current == "staff_reprint" and not reprint.printing, what="the reprint")
    results["reprint"] = [reprint.shown, reprint.message]
    Window.screenshot(name=str(shots / "staff-reprint.png"))
    touch(reprint.ids.header.ids.back_button)
    yield from _on_screen(app, "staff_home", "the staff home after the reprint")

    # 立即同步: the bar moves and the outcome shows, while the main loop keeps running.
    sync = app.root.get_screen("staff_sync")
    seen = []
    sync.bind(phase=lambda _screen, phase: seen.append(phase))  # every step the worker reports
    touch(staff_home.ids.sync_button)  # tiles sit in a scroll view: the press lands after its timeout
    yield from until(lambda: app.root.current == "staff_sync", what="the sync screen")
    turns = 0  # main-loop turns while the worker syncs: a blocked loop would have none
    while sync.running or not sync.outcome:
        turns += 1
        yield 0.01
        if turns > 6000:
            raise WaitedTooLong("waited 60 s for the sync outcome")
    results["sync"] = {"seen": seen, "outcome": sync.outcome, "ok": sync.ok, "turns": turns}
    results["sync_bar"] = [sync.ids.bar.value, sync.ids.bar.max]
    results["last_sync"] = app.last_sync_outcome.message_zh if app.last_sync_outcome else None
    Window.screenshot(name=str(shots / "staff-sync.png"))
    app.go_home()
    yield 0.2
    results["staff_home_sync_line"] = staff_home.sync_line

    # 打印机 and a test page.
    touch(staff_home.ids.printers_button)
    printers = app.root.get_screen("staff_printers")
    yield from until(
        lambda: app.root.current == "staff_printers" and len(printers.ids.rows.children) == 2, what="the printers"
    )
    prows = list(reversed(printers.ids.rows.children))
    results["printers"] = [[r.heading, r.detail] for r in prows]
    touch(prows[1].ids.test_button)
    yield from until(lambda: not printers.busy and printers.message, what="the test page")
    results["test_page"] = printers.message
    Window.screenshot(name=str(shots / "staff-printers.png"))
    app.go_home()
    yield 0.3

    # 立即发送 (no central configured here: it says so).
    touch(staff_home.ids.outbox_button)
    outbox = app.root.get_screen("staff_outbox")
    yield from _on_screen(app, "staff_outbox", "the outbox screen")
    touch(outbox.ids.send_button)
    yield from until(lambda: not outbox.sending and outbox.message, what="the outbox outcome")
    results["outbox"] = outbox.message
    Window.screenshot(name=str(shots / "staff-outbox.png"))
    app.go_home()
    yield 0.2

    # 纸质申请录入: the same form, marked, back to the staff home after submission.
    touch(staff_home.ids.paper_button)
    form_screen = app.root.get_screen("apply")
    yield from _on_screen(app, "apply", "the paper form")
    results["paper_title"] = form_screen.ids.header.title
    Window.screenshot(name=str(shots / "staff-paper.png"))
    from tests.applications.samples import person

    values = person(name="王五", consent=False)
    for _ in range(12):
        if app.root.current != "apply":
            break
        if form_screen.form.step == "consent":
            form_screen.form.set("consent", True)
        elif not form_screen.showing_matches:
            for field in form_screen.form.fields():
                if field in values:
                    form_screen.form.set(field, values[field])
        form_screen.next_step()
        yield 0.2
    yield from until(lambda: app.root.current == "staff_home", what="the staff home after the paper form")
    results["paper_done"] = staff_home.notice

    # The idle reset ends staff mode.
    app.idle.countdown = 1
    app.idle.timeout = 3
    app.idle.touched()
    yield from until(lambda: app.root.current == "home" and not app.staff_mode, timeout=8, what="the idle reset")
    results["after_idle"] = [app.root.current, app.staff_mode, app.staff_session is None]
    app.idle.timeout = 3600

    # 退出自助模式 asks the PIN again, then stops the app with its own exit status.
    stopped = []
    app.stop = lambda *args: stopped.append(app.exit_status)
    try:
        yield from _hold_corner(app, results, "held_again")
        _pad_type(pin.ids.pad, "428613")
        yield from _on_screen(app, "staff_home", "the staff home again")
        touch(staff_home.ids.leave_kiosk_button)
        yield from _on_screen(app, "staff_pin", "the PIN pad before leaving")
        results["leave_prompt"] = [pin.title_text, pin.prompt]
        _pad_type(pin.ids.pad, "428613")
        yield from until(lambda: stopped, what="the app to stop")
        results["left"] = [stopped, app.staff_mode, app.root.current]
    finally:
        del app.stop  # the harness stops the app at the end

    # Five wrong PINs lock staff mode.
    yield from _hold_corner(app, results, "held_third")
    messages = []
    for _ in range(5):
        _pad_type(pin.ids.pad, "111111")
        yield from until(lambda: not pin.checking and pin.message, what="the answer")
        messages.append(pin.message)
    results["lockout"] = messages
