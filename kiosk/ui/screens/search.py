"""查询公开信息: results as the resident types, filter chips, pages; the search runs off the UI thread."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import peewee
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.screenmanager import Screen

from kiosk.catalog.models import database
from kiosk.catalog.search import SearchResult
from kiosk.catalog.search import prepare as prepare_search
from kiosk.catalog.search_session import CHIPS_PER_FACET, FACET_LABELS, FACETS, SearchRequest, SearchSession
from kiosk.errors import KioskError
from kiosk.ui.widgets import header, listing  # noqa: F401  (registers KioskHeader and the rows for the .kv)
from kiosk.ui.widgets.keyboard import ImeKeyboard  # noqa: F401  (registers the class for search.kv)

log = logging.getLogger(__name__)

# How long the UI thread waits for the answer to a key before it draws the typed text alone. A frame
# of this screen costs the software renderer of a kiosk 50–150 ms: an answer that comes within the wait
# reaches the screen in the key's own frame instead of one frame later.
FRAME_BUDGET = 0.12
# SQLite calls the worker's progress handler every this many virtual-machine steps (well under 1 ms),
# so a search overtaken by a newer key stops at once.
CANCEL_CHECK_STEPS = 2000


class SearchWorker:
    """One thread runs searches one after another; the newest query wins: a request waiting when a
    newer one arrives is dropped unrun, and a running one is interrupted. Answers go back to the UI
    thread through the Clock, or at once to a UI thread that `wait`s for them."""

    def __init__(self, deliver: Callable[[SearchRequest, SearchResult | None, str], None]) -> None:
        self._deliver = deliver
        self._wake = threading.Condition()
        self._pending: SearchRequest | None = None
        self._answers: list[tuple[SearchRequest, SearchResult | None, str]] = []
        self.busy = False
        self._thread = threading.Thread(target=self._loop, name="search-worker", daemon=True)
        self._thread.start()

    def submit(self, request: SearchRequest) -> None:
        with self._wake:
            self._pending = request
            self.busy = True
            self._wake.notify_all()

    def wait(self, request: SearchRequest, timeout: float) -> bool:
        """On the UI thread: block up to `timeout` seconds for the answer to `request` and deliver it
        (with any older answers) now. False when it is not back yet; it then comes through the Clock."""
        with self._wake:
            back = self._wake.wait_for(lambda: any(r is request for r, _res, _e in self._answers), timeout)
        self.deliver_answers()
        return back

    def deliver_answers(self, *_args) -> bool:
        """On the UI thread: hand over the answers that came back; True if there were any."""
        with self._wake:
            answers, self._answers = self._answers, []
        for request, result, error in answers:
            self._deliver(request, result, error)
        return bool(answers)

    def _overtaken(self) -> int:
        return 1 if self._pending is not None else 0  # non-zero makes SQLite stop the statement

    def _loop(self) -> None:
        self._prepare()
        while True:
            with self._wake:
                while self._pending is None:
                    self.busy = False
                    self._wake.notify_all()
                    self._wake.wait()
                request, self._pending = self._pending, None
            result, error = None, ""
            try:
                self._watch_for_newer()
                result = request.run()
            except KioskError as exc:
                log.error("search failed: %s", exc.message_en)
                error = exc.message_zh
            except Exception as exc:  # the UI boundary: a dead worker would freeze every later search
                if self._pending is not None and isinstance(exc, (sqlite3.OperationalError, peewee.OperationalError)):
                    log.debug("search for %r overtaken by a newer key", request.query)
                    continue  # interrupted on purpose: the newer request runs next
                log.exception("search failed for %r", request.query)
                error = "查询暂时出了问题，请稍后再试。"
            with self._wake:
                self._answers.append((request, result, error))
                self._wake.notify_all()
            Clock.schedule_once(self.deliver_answers)

    @staticmethod
    def _prepare() -> None:
        """Before the first key: a resident's first search would otherwise wait ~150 ms at 100k documents."""
        try:
            prepare_search()
        except Exception as exc:  # the first search loads it again and reports what is wrong
            log.warning("could not prepare the search: %s", exc)

    def _watch_for_newer(self) -> None:
        """This thread's own catalog connection checks for a newer request while it works."""
        db = database.obj
        if db is not None:
            db.connection().set_progress_handler(self._overtaken, CANCEL_CHECK_STEPS)


class FacetRow(BoxLayout):
    title = StringProperty("")


class SuggestionButton(Button):
    pass


class SearchScreen(Screen):
    status_text = StringProperty("")
    hint_text = StringProperty("")
    searching = BooleanProperty(False)
    no_results = BooleanProperty(False)
    filtered = BooleanProperty(False)  # a chip is chosen: 取消筛选 shows
    shown_serial = NumericProperty(0)  # the request whose results are on screen (benchmarks watch it)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = SearchSession()
        self.worker = SearchWorker(self._answered)
        self._facet_rows: dict[str, tuple[FacetRow, list[listing.FilterChip]]] = {}
        self._shown_with_facets = False
        self.ids.keyboard.attach(self.ids.query, learn=True)
        self.ids.keyboard.bind(shown=self._keyboard_shown)

    # --- entering and leaving -----------------------------------------------------------------

    def start(self) -> None:
        """From the home tile: the box focused, the keyboard up."""
        Clock.schedule_once(lambda _dt: setattr(self.ids.query, "focus", True))

    def on_leave(self, *args) -> None:
        self.ids.keyboard.hide()

    def clear_personal_data(self) -> None:
        """The idle reset: the words, chips and results of the last person go."""
        self.session.reset()  # first: folding the keyboard then has no result to fetch chips for
        self.ids.keyboard.hide()
        self.ids.query.text = ""
        self.render()

    # --- what the resident does ---------------------------------------------------------------

    def on_query_text(self, text: str) -> None:
        # Every key searches at once: the worker drops or interrupts whatever a newer key overtakes.
        self._submit(self.session.set_query(text))

    def clear_query(self) -> None:
        self.ids.query.text = ""
        self.ids.query.focus = True

    def choose_chip(self, facet: str, value) -> None:
        self._submit(self.session.toggle(facet, value))

    def clear_filters(self) -> None:
        self._submit(self.session.clear_filters())

    def previous_page(self) -> None:
        self._submit(self.session.previous_page())

    def next_page(self) -> None:
        self._submit(self.session.next_page())

    def use_suggestion(self, text: str) -> None:
        self.ids.query.text = text

    def toggle_keyboard(self) -> None:
        """收起键盘 / 打开键盘: folding it brings the filter chips into view."""
        if self.ids.keyboard.shown:
            self.ids.keyboard.hide()
        else:
            self.ids.query.focus = True
            self.ids.keyboard.open_for(self.ids.query, learn=True)

    # --- running ------------------------------------------------------------------------------

    def _keyboard_shown(self, _keyboard, shown: bool) -> None:
        wanted = not shown and self.session.result is not None and not self._shown_with_facets
        on_screen = self.manager is not None and self.manager.current == self.name  # not folded on leaving
        if wanted and on_screen and self.session.query.strip():
            self._submit(self.session.request())  # the rows stay; the chips come with the answer
        else:
            self._render_chips()

    def _submit(self, request: SearchRequest | None) -> None:
        if request is None:
            self.render()
            return
        if self.ids.keyboard.shown:
            # The chips hide behind the keyboard: their counts (a third of a search at 100k documents)
            # wait until it folds.
            request = replace(request, with_facets=False)
        self.worker.submit(request)
        if not self.worker.wait(request, FRAME_BUDGET):
            self.searching = True  # not back within a frame's time: say so while it runs

    def _answered(self, request: SearchRequest, result: SearchResult | None, error: str) -> None:
        if not self.session.is_current(request):
            return  # a newer query is on its way
        self.searching = False
        if result is None:
            self.status_text = error
            return
        if self.session.accept(request, result):
            self._shown_with_facets = request.with_facets
            self.render()
            self.shown_serial = request.serial

    # --- showing ------------------------------------------------------------------------------

    def render(self) -> None:
        session = self.session
        rows = session.rows()
        self.ids.results.data = [
            {
                "doc_id": row.id,
                "title": row.title,
                "meta": row.meta,
                "validity": row.validity,
                "snippet": listing.marked(row.snippet),
                "back_to": "search",
            }
            for row in rows
        ]
        self.ids.results.scroll_y = 1
        self.no_results = session.no_results
        self.filtered = bool(session.filters)
        if session.result is None:
            self.status_text = "" if session.query.strip() else "请输入标题、文号或关键词，可用拼音、首字母或手写"
        elif session.no_results:
            self.status_text = f"没有找到“{session.query.strip()}”"
        else:
            self.status_text = session.total_text
        self.hint_text = session.hint
        self._render_suggestions(session.suggestions if session.no_results else [])
        self._render_chips()
        pager = self.ids.pager
        pager.page_text, pager.has_previous, pager.has_next = session.page_text, session.has_previous, session.has_next

    def _render_chips(self) -> None:
        """Chips are made once and reused: building ~20 labelled widgets from their kv rules took
        50–100 ms a keystroke, most of the time the results took to appear."""
        box = self.ids.filters
        box.clear_widgets()
        if self.ids.keyboard.shown:
            return  # with the keyboard up the results need the room; the chips return when it folds
        approximate = self.session.result is not None and not self.session.result.total_exact
        for facet in FACETS:
            chips = self.session.chips(facet)
            if not chips:
                continue
            row, pool = self._facet_row(facet)
            row.ids.chips.clear_widgets()
            for chip, widget in zip(chips, pool, strict=False):
                widget.value, widget.label, widget.count = chip.value, chip.label, chip.count
                widget.approximate, widget.selected = approximate, chip.selected
                row.ids.chips.add_widget(widget)
            box.add_widget(row)

    def _facet_row(self, facet: str) -> tuple[FacetRow, list[listing.FilterChip]]:
        if facet not in self._facet_rows:
            row = FacetRow(title=FACET_LABELS[facet])
            pool = [listing.FilterChip(facet=facet, chooser=self.choose_chip) for _ in range(CHIPS_PER_FACET)]
            self._facet_rows[facet] = (row, pool)
        return self._facet_rows[facet]

    def _render_suggestions(self, titles: list[str]) -> None:
        box = self.ids.suggestions
        box.clear_widgets()
        for title in titles:
            button = SuggestionButton(text=title)
            button.bind(on_release=lambda _b, t=title: self.use_suggestion(t))
            box.add_widget(button)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
