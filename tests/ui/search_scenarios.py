"""Scenarios of the search, browse and 政策解读 screens in a real window (run by search_harness.py)."""

from __future__ import annotations

import time

from tests.ui.harness import touch


def wait_until(condition, results, what: str, timeout: float = 20.0):
    """Let the app run until `condition()` holds; a timeout is recorded, not hidden."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            results.setdefault("timeouts", []).append(what)
            return
        yield 0.05


def _header_placed(button, results):
    """A screen shown for the first time lays out on the next frames, and the screen manager takes
    no touches while it is switching: wait for both before touching a header button."""
    from kivy.app import App
    from kivy.core.window import Window

    manager = App.get_running_app().root
    return wait_until(
        lambda: not manager.transition.is_active and button.to_window(button.x, button.top)[1] >= Window.height * 0.8,
        results,
        "header",
    )


def _visible_rows(recycle_view):
    """Rows on screen, top first."""
    return sorted(recycle_view.children[0].children, key=lambda w: -w.top)


def _rows_shown(recycle_view, results, what):
    """Wait until the list's views show its current data (RecycleView lays out on the next frame)."""

    from kivy.app import App

    manager = App.get_running_app().root

    def shown():
        rows = recycle_view.children[0].children
        return (
            not manager.transition.is_active
            and bool(rows)
            and len(rows) == min(len(recycle_view.data), len(rows))
            and _first_matches(recycle_view)
        )

    return wait_until(shown, results, what)


def _first_matches(recycle_view) -> bool:
    rows = _visible_rows(recycle_view)
    first = recycle_view.data[0] if recycle_view.data else {}
    return bool(rows) and all(getattr(rows[0], k, v) == v for k, v in first.items() if k in ("title", "label"))


def _open_search(app, results):
    home = app.root.get_screen("home")
    touch(home.ids.search_button)
    search = app.root.get_screen("search")
    keyboard = search.ids.keyboard

    def keys_placed():
        if app.root.current != "search" or app.root.transition.is_active or not keyboard.shown:
            return False
        key = keyboard.key_widgets.get("q")
        x, y = key.to_window(*key.center) if key else (-1, -1)
        # The keyboard slides its rows into place over a few frames: wait until a key sits inside it.
        return key is not None and keyboard.collide_point(*keyboard.to_widget(x, y)) and y < keyboard.top

    yield from wait_until(keys_placed, results, "search open with its keyboard")
    yield 0.1
    return search


def search_by_initials_then_a_year_chip_then_open(app, results):
    yield 0.3
    yield from wait_until(lambda: app.ime_engine is not None, results, "input method")
    search = yield from _open_search(app, results)
    keyboard = search.ids.keyboard
    serial = search.shown_serial
    for key in "zwgk":
        touch(keyboard.key_widgets[key])
    yield 0.1
    results["candidate"] = keyboard.candidate_buttons[0].text
    touch(keyboard.candidate_buttons[0])
    yield from wait_until(lambda: search.shown_serial > serial, results, "results for zwgk")
    results["query"] = search.ids.query.text
    results["status"] = search.status_text
    results["titles"] = [row["title"] for row in search.ids.results.data]
    results["marked"] = all("[u]" in row["snippet"] for row in search.ids.results.data)
    touch(search.ids.keyboard_button)  # fold the keyboard: the chips come into view
    yield from wait_until(lambda: search.ids.filters.children, results, "chips shown")
    chips = [c for row in search.ids.filters.children for c in row.ids.chips.children if c.facet == "year"]
    results["year_chips"] = [(c.label, c.count) for c in chips]
    chip = min(chips, key=lambda c: c.count)
    filters = search.ids.filters

    def chip_placed():
        x, y = chip.to_window(*chip.center)
        title = chip.parent.parent.children[-1]  # the facet row's 年份 label
        return filters.collide_point(*filters.to_widget(x, y)) and x > title.to_window(title.right, 0)[0]

    yield from wait_until(chip_placed, results, "chip placed")
    results["chosen"] = [chip.value, chip.count]
    serial = search.shown_serial
    touch(chip)
    yield from wait_until(lambda: search.shown_serial > serial, results, "results after the chip")
    yield from _rows_shown(search.ids.results, results, "result rows")
    results["after_chip"] = [search.status_text, len(search.ids.results.data), search.session.filters]
    chosen = [c for row in search.ids.filters.children for c in row.ids.chips.children if c.selected]
    results["chosen_chip_marked"] = [(c.value, "[font=Icons]" in c.text, c.bold) for c in chosen]
    row = _visible_rows(search.ids.results)[0]
    results["tapped"] = row.title
    touch(row)
    reader = app.root.get_screen("reader")
    yield from wait_until(lambda: app.root.current == "reader", results, "reader")
    results["reader_title"] = reader.title_text
    yield from _header_placed(reader.ids.header.ids.back_button, results)
    touch(reader.ids.header.ids.back_button)
    yield from wait_until(lambda: app.root.current == "search", results, "back to search")
    results["back_at"] = app.root.current
    results["kept"] = [search.ids.query.text, dict(search.session.filters)]


def doc_number_in_square_brackets_comes_first(app, results):
    yield 0.3
    search = yield from _open_search(app, results)
    serial = search.shown_serial
    search.ids.query.text = "海政办发[2019]23号"
    yield from wait_until(lambda: search.shown_serial > serial, results, "results for the 文号")
    results["first"] = search.ids.results.data[0]["meta"] if search.ids.results.data else ""
    results["first_title"] = search.ids.results.data[0]["title"] if search.ids.results.data else ""
    serial = search.shown_serial
    search.ids.query.text = "政务工开"
    yield from wait_until(lambda: search.shown_serial > serial, results, "no results")
    results["no_results"] = [search.no_results, search.hint_text, [b.text for b in search.ids.suggestions.children]]
    app.reset_session()
    yield 0.1
    results["after_reset"] = [app.root.current, search.ids.query.text, search.ids.results.data, search.session.filters]


def browse_to_a_document_without_the_keyboard(app, results):
    yield 0.3
    home = app.root.get_screen("home")
    touch(home.ids.browse_button)
    browse = app.root.get_screen("browse")
    yield from wait_until(lambda: app.root.current == "browse", results, "browse open")
    yield from _rows_shown(browse.ids.list, results, "category rows")
    results["categories"] = [(row["label"], row["count"]) for row in browse.ids.list.data]
    touch(browse.ids.kind_year)
    yield from wait_until(lambda: browse.kind == "year", results, "years listed")
    yield from _rows_shown(browse.ids.list, results, "year rows")
    results["years"] = [(row["label"], row["count"]) for row in browse.ids.list.data]
    group = _visible_rows(browse.ids.list)[0]
    results["group"] = [group.label, group.count]
    touch(group)
    yield from wait_until(lambda: browse.group_label, results, "a year's documents")
    yield from _rows_shown(browse.ids.list, results, "document rows")
    results["documents"] = [row["title"] for row in browse.ids.list.data]
    results["page_text"] = browse.ids.pager.page_text
    row = _visible_rows(browse.ids.list)[0]
    results["tapped"] = row.title
    touch(row)
    yield from wait_until(lambda: app.root.current == "reader", results, "reader")
    reader = app.root.get_screen("reader")
    results["reader_title"] = reader.title_text
    yield from _header_placed(reader.ids.header.ids.back_button, results)
    touch(reader.ids.header.ids.back_button)
    yield from wait_until(lambda: app.root.current == "browse", results, "back to browse")
    yield from _header_placed(browse.ids.header.ids.back_button, results)
    touch(browse.ids.header.ids.back_button)  # from a group's documents up to the groups
    yield from wait_until(lambda: not browse.group_label, results, "back to the groups")
    results["after_back"] = [app.root.current, browse.group_label, len(browse.ids.list.data)]
    results["keyboard_ever"] = any(s.ids.keyboard.shown for s in app.root.screens if "keyboard" in s.ids)


def an_interpretation_opens_its_policy(app, results):
    yield 0.3
    home = app.root.get_screen("home")
    touch(home.ids.interpretations_button)
    screen = app.root.get_screen("interpretations")
    yield from wait_until(lambda: app.root.current == "interpretations", results, "解读 open")
    yield from _rows_shown(screen.ids.list, results, "解读 rows")
    rows = _visible_rows(screen.ids.list)
    results["rows"] = [(r.title, r.policy_title, r.policy_id) for r in rows]
    row = next(r for r in rows if r.policy_id)
    results["expected_policy"] = row.policy_title
    touch(row.ids.policy)
    reader = app.root.get_screen("reader")
    yield from wait_until(lambda: app.root.current == "reader", results, "policy in reader")
    results["policy_title"] = reader.title_text
    yield from _header_placed(reader.ids.header.ids.back_button, results)
    touch(reader.ids.header.ids.back_button)
    yield from wait_until(lambda: app.root.current == "interpretations", results, "back")
    yield from _rows_shown(screen.ids.list, results, "解读 rows again")
    row = next(r for r in _visible_rows(screen.ids.list) if r.policy_id)
    results["expected_interpretation"] = row.title
    touch(row.ids.own)
    yield from wait_until(lambda: app.root.current == "reader", results, "解读 in reader")
    results["interpretation_title"] = reader.title_text


def search_screens_pictures(app, results):
    """Every screen of this part, standard then elderly, each checked for layout problems and saved."""
    from kivy.core.window import Window

    from tests.ui import geometry

    size = tuple(int(v) for v in Window.size)
    results.update(window=list(size), problems={}, shots=[])
    out = app.env.home / "shots"
    out.mkdir(exist_ok=True)
    yield 0.3
    yield from wait_until(lambda: app.ime_engine is not None, results, "input method")

    def capture(page):
        mode = "elderly" if app.theme.scale > 1 else "normal"
        name = f"{page}-{size[0]}x{size[1]}-{mode}"
        results["problems"][name] = geometry.layout_problems(app.root, size)
        results["shots"].append(Window.screenshot(name=str(out / f"{name}.png")))

    for elderly in (False, True):
        app.theme.set_elderly(elderly)
        yield from _pictures(app, results, capture)


def _pictures(app, results, capture):
    """One pass over the screens in the current mode."""
    app.go_home()
    home = app.root.get_screen("home")
    home.refresh()
    yield from _rows_shown(home.ids.documents, results, "home rows")
    yield 0.2
    capture("home")
    search = yield from _open_search(app, results)
    serial = search.shown_serial
    for key in "zwgk":
        touch(search.ids.keyboard.key_widgets[key])
    yield 0.1
    touch(search.ids.keyboard.candidate_buttons[0])
    yield from wait_until(lambda s=serial: search.shown_serial > s, results, "results")
    yield from _rows_shown(search.ids.results, results, "result rows")
    yield 0.2
    capture("search-keyboard")
    touch(search.ids.keyboard_button)
    yield from wait_until(lambda: search.ids.filters.children, results, "chips")
    chip = next(c for row in search.ids.filters.children for c in row.ids.chips.children if c.facet == "year")
    serial = search.shown_serial
    search.choose_chip(chip.facet, chip.value)
    yield from wait_until(lambda s=serial: search.shown_serial > s, results, "chip results")
    yield 0.3
    capture("search-chips")
    serial = search.shown_serial
    search.ids.query.text = "政务工开"
    search.ids.keyboard.hide()
    yield from wait_until(lambda s=serial: search.shown_serial > s, results, "no results")
    yield 0.3
    capture("search-no-results")
    search.clear_personal_data()
    app.go_home()
    home.open_browse()
    browse = app.root.get_screen("browse")
    yield from _rows_shown(browse.ids.list, results, "browse rows")
    yield 0.2
    capture("browse-groups")
    group = browse.ids.list.data[0]
    browse.show_documents(group["kind"], group["value"], group["label"])
    yield from _rows_shown(browse.ids.list, results, "browse documents")
    yield 0.2
    capture("browse-documents")
    app.go_home()
    home.open_interpretations()
    screen = app.root.get_screen("interpretations")
    yield from _rows_shown(screen.ids.list, results, "解读 rows")
    yield 0.2
    capture("interpretations")


def a_committed_word_shows_its_results_in_its_own_frame(app, results):
    from kivy.core.window import Window

    yield 0.3
    yield from wait_until(lambda: app.ime_engine is not None, results, "input method")
    search = yield from _open_search(app, results)
    keyboard = search.ids.keyboard
    serial = search.shown_serial
    search.ids.query.text = "公开"  # the first search of a session loads the catalog's arrays
    # An answer within the frame's budget is shown before the text assignment returns.
    yield from wait_until(lambda: search.shown_serial > serial, results, "a first search")
    touch(search.ids.clear_button)
    for key in "zwgk":
        touch(keyboard.key_widgets[key])
    yield 0.3
    serial = search.shown_serial
    touch(keyboard.candidate_buttons[0])
    # Before the next frame is drawn: the answer is already in the list.
    results["shown_at_once"] = search.shown_serial > serial
    results["data_at_once"] = [row["title"] for row in search.ids.results.data]
    yield 0
    results["rows_in_next_frame"] = _first_matches(search.ids.results)
    yield from wait_until(lambda: search.shown_serial > serial, results, "results for zwgk")
    yield 0.5
    frames = []
    Window.bind(on_flip=lambda *_a: frames.append(1))
    yield 1.6  # nobody touches the screen
    results["idle_frames"] = len(frames)


def a_search_overtaken_by_a_newer_key_stops(app, results):
    import time
    from dataclasses import dataclass

    from kiosk.catalog.models import database
    from kiosk.catalog.search_session import SearchRequest
    from kiosk.ui.screens.search import SearchWorker

    @dataclass(frozen=True)
    class SlowRequest(SearchRequest):
        def run(self):  # a search that would take half a minute, all of it inside SQLite
            database.obj.execute_sql(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000000) "
                "SELECT count(*) FROM n"
            )
            return super().run()

    yield 0.3
    answered = []
    worker = SearchWorker(lambda request, result, error: answered.append([request.serial, error]))
    worker.submit(SlowRequest(serial=1, query="政务"))
    yield 0.3
    started = time.monotonic()
    worker.submit(SearchRequest(serial=2, query="政务公开"))
    yield from wait_until(lambda: not worker.busy, results, "the worker idle", timeout=10)
    results["seconds"] = time.monotonic() - started
    yield 0.1  # the answer comes back through the Clock
    results["answered"] = answered
