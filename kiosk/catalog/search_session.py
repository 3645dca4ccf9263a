"""What the search screen shows, decided without Kivy: query, filter chips, page, totals, rows.

The screen types into a `SearchSession`, asks it for a `SearchRequest` (a frozen value a worker
thread can run), and hands the answer back with `accept`: an answer to anything but the newest
request is dropped, so a slow search for 政 never overwrites the results for 政务公开.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from kiosk.catalog.search import MAX_OFFSET, SearchResult, search

PAGE_SIZE = 8  # rows a page shows: large rows a finger can hit, no scrolling on a 1080-pixel panel
FACETS = ("issuer", "year", "category", "validity")
FACET_LABELS = {"issuer": "发文机关", "year": "年份", "category": "主题分类", "validity": "有效性"}
CHIPS_PER_FACET = 6  # the most frequent values; a kiosk row of chips, not a scrolling list


@dataclass(frozen=True)
class SearchRequest:
    """One search to run: everything `search()` needs, and the sequence number that orders answers."""

    serial: int
    query: str
    filters: tuple[tuple[str, Any], ...] = ()
    page: int = 1
    page_size: int = PAGE_SIZE
    with_facets: bool = True  # the chips' counts; the screen skips them while they are out of sight

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def run(self) -> SearchResult:
        """Call the catalog search (in a worker thread on the kiosk; it never raises on input)."""
        filters = dict(self.filters)
        year = filters.pop("year", None)
        return search(
            self.query,
            year_from=year,
            year_to=year,
            limit=self.page_size,
            offset=self.offset,
            with_facets=self.with_facets,
            **filters,
        )


@dataclass(frozen=True)
class Chip:
    facet: str
    value: Any
    count: int
    selected: bool

    @property
    def label(self) -> str:
        return f"{self.value}年" if self.facet == "year" else str(self.value)


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    meta: str  # 文号 · 发文机关 · 成文日期
    validity: str  # "" when in force: only a document no longer in force says so
    snippet: list[tuple[str, bool]]  # (text, matched) pieces, the matched words from `marks`


def pieces(text: str, marks: list[list[int]] | list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut at the marked spans: [(text, matched), …], in order, nothing lost or repeated."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted((max(0, a), min(len(text), b)) for a, b in marks):
        if start < at or start >= end:
            continue
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


@dataclass
class SearchSession:
    query: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    page: int = 1
    page_size: int = PAGE_SIZE
    result: SearchResult | None = None
    _serial: int = 0
    _shown: SearchRequest | None = None  # the request whose answer `result` is

    # --- what the resident does ---------------------------------------------------------------

    def set_query(self, text: str) -> SearchRequest | None:
        """The query box changed. Returns the search to run, or None when there is nothing to run
        (an empty box clears the results at once)."""
        text = text if isinstance(text, str) else ""
        if text.strip() == self.query.strip() and self.result is not None:
            self.query = text
            return None
        self.query, self.page = text, 1
        if not text.strip():
            self._serial += 1
            self.result, self._shown = None, None
            return None
        return self.request()

    def toggle(self, facet: str, value: Any) -> SearchRequest | None:
        """A chip tapped: choose that value, or drop it when it was the chosen one."""
        if facet not in FACETS:
            return None
        if self.filters.get(facet) == value:
            del self.filters[facet]
        else:
            self.filters[facet] = value
        self.page = 1
        return self.request() if self.query.strip() else None

    def clear_filters(self) -> SearchRequest | None:
        self.filters.clear()
        self.page = 1
        return self.request() if self.query.strip() else None

    def go_to(self, page: int) -> SearchRequest | None:
        """上一页 / 下一页: only to a page that exists."""
        if not self.query.strip() or not 1 <= page <= self.pages or page == self.page:
            return None
        self.page = page
        return self.request()

    def next_page(self) -> SearchRequest | None:
        return self.go_to(self.page + 1)

    def previous_page(self) -> SearchRequest | None:
        return self.go_to(self.page - 1)

    def reset(self) -> None:
        """The idle reset: nothing of the last person's search stays."""
        self._serial += 1
        self.query, self.page, self.result, self._shown = "", 1, None, None
        self.filters.clear()

    # --- running ------------------------------------------------------------------------------

    def request(self) -> SearchRequest:
        self._serial += 1
        return SearchRequest(
            serial=self._serial,
            query=self.query,
            filters=tuple(sorted(self.filters.items())),
            page=self.page,
            page_size=self.page_size,
        )

    def is_current(self, request: SearchRequest) -> bool:
        return request.serial == self._serial

    def accept(self, request: SearchRequest, result: SearchResult) -> bool:
        """An answer came back: shown only if it answers the newest request (the newest query wins)."""
        if not self.is_current(request):
            return False
        self.result, self._shown = result, request
        if result.total and self.page > self.pages:  # the catalog shrank under a later page
            self.page = self.pages
        return True

    # --- what the screen shows ----------------------------------------------------------------

    @property
    def total(self) -> int:
        return self.result.total if self.result else 0

    @property
    def total_text(self) -> str:
        if self.result is None:
            return ""
        if not self.result.total_exact:
            return f"约 {self.total:,} 条"
        return f"共 {self.total:,} 条"

    @property
    def pages(self) -> int:
        """Pages a resident can reach: search() serves offsets up to MAX_OFFSET."""
        if not self.total:
            return 0
        return min(math.ceil(self.total / self.page_size), MAX_OFFSET // self.page_size + 1)

    @property
    def page_text(self) -> str:
        return f"第 {self.page} / {self.pages} 页" if self.pages else ""

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def no_results(self) -> bool:
        return self.result is not None and self.total == 0

    @property
    def suggestions(self) -> list[str]:
        return list(self.result.suggestions) if self.result else []

    @property
    def hint(self) -> str:
        """What to try when nothing was found."""
        if not self.no_results:
            return ""
        if self.filters:
            return "没有找到。可以取消筛选条件，或少输入几个字再试。"
        return "没有找到。可以少输入几个字、换个说法，或用拼音首字母再试。"

    def rows(self) -> list[Row]:
        if self.result is None:
            return []
        return [
            Row(
                id=hit.id,
                title=hit.title,
                meta="  ·  ".join(p for p in (hit.doc_number, hit.issuer, hit.issued) if p),
                validity="" if hit.validity == "有效" else hit.validity,
                snippet=pieces(hit.snippet, hit.marks),
            )
            for hit in self.result.hits
        ]

    def chips(self, facet: str) -> list[Chip]:
        """A facet's chips: the chosen value always (first), then the most frequent others."""
        if self.result is None:
            return []
        entries = self.result.facets.get(facet, [])
        chosen = self.filters.get(facet)
        chips = [Chip(facet, e["value"], e["count"], e["value"] == chosen) for e in entries]
        chips.sort(key=lambda c: not c.selected)  # stable: the facet's own order after the chosen one
        if chosen is not None and not any(c.selected for c in chips):
            chips.insert(0, Chip(facet, chosen, 0, True))
        if len(chips) <= 1 and chosen is None:
            return []  # one value for everything found: nothing to choose between
        return chips[:CHIPS_PER_FACET]
