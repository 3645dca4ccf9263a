"""查询公开信息: results as the resident types, filter chips, pages; the search runs off the UI thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.screenmanager import Screen

from kiosk.catalog.search import SearchResult
from kiosk.catalog.search_session import CHIPS_PER_FACET, FACET_LABELS, FACETS, SearchRequest, SearchSession
from kiosk.errors import KioskError
from kiosk.ui.widgets import header, listing  # noqa: F401  (registers KioskHeader and the rows for the .kv)
from kiosk.ui.widgets.keyboard import ImeKeyboard  # noqa: F401  (registers the class for search.kv)

log = logging.getLogger(__name__)

# Keys closer together than this are one burst: the search waits for the pause, so a slow search
# for the first character never holds up the word being typed. A key after a pause searches at once.
DEBOUNCE = 0.25


class SearchWorker:
    """One thread runs searches one after another; a request waiting when a newer one arrives is
    dropped unrun (the newest query wins). Answers go back to the UI thread through the Clock."""

    def __init__(self, deliver: Callable[[SearchRequest, SearchResult | None, str], None]) -> None:
        self._deliver = deliver
        self._wake = threading.Condition()
        self._pending: SearchRequest | None = None
        self.busy = False
        self._thread = threading.Thread(target=self._loop, name="search-worker", daemon=True)
        self._thread.start()

    def submit(self, request: SearchRequest) -> None:
        with self._wake:
            self._pending = request
            self.busy = True
            self._wake.notify()

    def _loop(self) -> None:
        while True:
            with self._wake:
                while self._pending is None:
                    self.busy = False
                    self._wake.wait()
                request, self._pending = self._pending, None
            result, error = None, ""
            try:
                result = request.run()
            except KioskError as exc:
                log.error("search failed: %s", exc.message_en)
                error = exc.message_zh
            except Exception:  # the UI boundary: a dead worker would freeze every later search
                log.exception("search failed for %r", request.query)
                error = "查询暂时出了问题，请稍后再试。"
            Clock.schedule_once(lambda _dt, r=request, res=result, e=error: self._deliver(r, res, e))


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
        self._last_key = 0.0
        self._debounced = Clock.create_trigger(self._search_now, DEBOUNCE)
        self._facet_rows: dict[str, tuple[FacetRow, list[listing.FilterChip]]] = {}
        self.ids.keyboard.attach(self.ids.query, learn=True)
        self.ids.keyboard.bind(shown=lambda *_a: self._render_chips())

    # --- entering and leaving -----------------------------------------------------------------

    def start(self) -> None:
        """From the home tile: the box focused, the keyboard up."""
        Clock.schedule_once(lambda _dt: setattr(self.ids.query, "focus", True))

    def on_leave(self, *args) -> None:
        self.ids.keyboard.hide()

    def clear_personal_data(self) -> None:
        """The idle reset: the words, chips and results of the last person go."""
        self._debounced.cancel()
        self.ids.keyboard.hide()
        self.session.reset()
        self.ids.query.text = ""
        self._debounced.cancel()
        self.render()

    # --- what the resident does ---------------------------------------------------------------

    def on_query_text(self, text: str) -> None:
        now = time.monotonic()
        burst = now - self._last_key < DEBOUNCE or self.worker.busy
        self._last_key = now
        self._debounced.cancel()
        if burst:
            self._debounced()
        else:
            self._search_now()

    def _search_now(self, *_args) -> None:
        self._submit(self.session.set_query(self.ids.query.text))

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

    def _submit(self, request: SearchRequest | None) -> None:
        if request is None:
            self.render()
            return
        self.searching = True
        self.worker.submit(request)

    def _answered(self, request: SearchRequest, result: SearchResult | None, error: str) -> None:
        if not self.session.is_current(request):
            return  # a newer query is on its way
        self.searching = False
        if result is None:
            self.status_text = error
            return
        if self.session.accept(request, result):
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
