"""Search the open catalog: what a resident types → ranked hits with marked snippets, facets, suggestions.

Ranking, best first:
1. a 文号 query: the document with that 文号, then the documents citing it;
2. documents whose title, 文号 or issuer (or their pinyin / initials) match: bm25 over those
   fields, 文号 and title weighted above issuer, ties newest and valid first;
3. documents that match in the body only: valid before repealed, newest first.
Body matches are not scored by bm25: at 100k documents scoring tens of thousands of body
matches costs 60 ms or more (FACTS.md), and in government prose term frequency mostly follows
document length; the rank key puts the most useful of them (in force, recent) first for free.

A query mixing Chinese and pinyin words (政务 anpai) ANDs its terms, each matched its own way: the
Chinese ones as text, the pinyin ones by the readings of titles and issuers or as letters.

Any query text is safe: it only reaches FTS5 as tokens built from CJK characters, letters and
digits, and nothing here raises on what a person types. Filters are checked: a reversed or
impossible year range, or filter text that is not valid Unicode (undecodable bytes from a
command line), is a BadInput naming the field.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from kiosk.catalog import facets as facet_arrays
from kiosk.catalog import relations
from kiosk.catalog.docnumber import find_doc_numbers
from kiosk.catalog.documents import get_document
from kiosk.catalog.facets import Filters
from kiosk.catalog.models import database
from kiosk.catalog.normalize import (
    CJK,
    NormalizedQuery,
    cut_words,
    fold,
    initial_pairs,
    normalize_query,
    segment_pinyin,
    syllable_symbols,
    text_pinyin,
)
from kiosk.catalog.search_index import (
    BODY_TABLE,
    HEAD_TABLE,
    MARK_CATEGORY,
    MARK_ISSUER,
    MARK_YEAR,
    VALIDITY_BANDS,
    band_range,
    marker,
)
from kiosk.catalog.snippets import make_snippet
from kiosk.errors import BadInput, StorageError

log = logging.getLogger(__name__)

MAX_LIMIT = 100
BM25_MAX = 300  # head matches ordered by bm25 up to this many; rank-key order beyond
# Totals without facets: exact up to COUNT_CAP matches, else estimated (SearchResult.total_exact).
COUNT_CAP = 5_000
SAMPLE_SLICES, SAMPLE_MATCHES = 8, 2_000  # the estimate: 8 slices expected to hold ~2,000 matches
MAX_OFFSET = 10_000
# A term of 4 or more characters reaches the body index as an AND of some of its trigrams, which
# also finds documents holding those trigrams apart (临江市人民医院 … 县政府办公室 for
# 临江市人民政府办公室). Such body-only candidates are checked against the text: up to VERIFY_CAP
# of them all (totals, facets and pages exact), beyond that the filtered ones if few enough, else
# a sample of VERIFY_SAMPLE gives the share that really match and the total is marked 约.
VERIFY_CAP = 5_000
VERIFY_SAMPLE = 400
# While a resident types (no facets asked for), checking thousands of bodies would hold each key's
# results back (4,500 candidates of 营商环境 at 100k documents: ~45 ms of a ~50 ms search). Past this
# many the total is estimated from the sample (shown as 约) and only the page's candidates are
# checked; the search with facets, once the keyboard folds, checks them all and counts exactly.
TYPING_VERIFY_CAP = 1_000
TYPING_VERIFY_SAMPLE = 100
# bm25 weights of the head columns: title, 文号, issuer, pinyin, initials, marks.
HEAD_WEIGHTS = "10.0, 12.0, 3.0, 6.0, 2.0, 0.0"
_STOP_WORDS = {"的", "和", "与", "及", "或", "了", "在", "对", "关于"}


@dataclass
class Hit:
    id: str
    title: str
    doc_number: str | None
    issuer: str | None
    issued: str | None
    category: str | None
    validity: str
    score: float
    snippet: str
    marks: list[list[int]] = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    normalized: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    # False when `total` is an estimate (约 N): only without facets, and only past COUNT_CAP matches.
    total_exact: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The `kiosk search --json` document."""
        return {
            "query": self.query,
            "normalized": self.normalized,
            "total": self.total,
            "total_exact": self.total_exact,
            "hits": [asdict(hit) for hit in self.hits],
            "facets": self.facets,
        }


# --- FTS5 expressions (built only from validated runs: no user syntax gets through) ------------


def body_term(term: str) -> str:
    """One term against search_body: a token for 1–2 characters, an AND of trigrams beyond."""
    if len(term) == 1:
        return f'" {term} "'
    if len(term) == 2:
        return f'"{term[0]} {term[1]}"'
    starts = list(range(len(term) - 2))
    if len(starts) > 4:  # long terms: a covering subset keeps the AND short
        starts = sorted({*range(0, len(term) - 2, 3), len(term) - 3})
    return "(" + " AND ".join(f'"{term[i : i + 3]}"' for i in starts) + ")"


def head_phrase(term: str) -> str:
    """One term as an exact phrase against the positional head columns."""
    return f'" {term} "' if len(term) == 1 else '"' + " ".join(term) + '"'


def _marker_expr(filters: Filters) -> list[str]:
    parts = []
    if filters.issuer_id is not None:
        parts.append(f'"{marker(MARK_ISSUER, filters.issuer_id)}"')
    if filters.category_id is not None:
        parts.append(f'"{marker(MARK_CATEGORY, filters.category_id)}"')
    if filters.years is not None:
        years = [f'"{marker(MARK_YEAR, y)}"' for y in range(filters.years[0], filters.years[1] + 1)]
        parts.append("(" + " OR ".join(years) + ")")
    return parts


@dataclass
class _Plan:
    query: NormalizedQuery
    terms: tuple[str, ...]
    body: str | None  # MATCH expression for search_body (None: no text terms)
    head: str  # MATCH expression for search_head
    union: bool  # head may match documents the body does not (pinyin, initials)
    # Terms a document's text must contain (the pinyin words of a mixed query are not among them).
    literal: tuple[str, ...] = ()
    # A mixed query's pinyin words: SQL added to every search_body lookup, and its arguments.
    body_filter: str = ""
    body_args: tuple = ()


def _pinyin_words(nq: NormalizedQuery, terms: tuple[str, ...]) -> dict[str, str]:
    """The letter terms of a query that also has Chinese (or digit) terms, with the phrases of their
    readings: in 政务 anpai, anpai is matched as pinyin, 政务 as text."""
    if nq.pinyin or not any(not (t.isascii() and t.isalpha()) for t in terms):
        return {}
    words = {}
    for term in terms:
        if term.isascii() and term.isalpha():
            phrases = [head_phrase(syllable_symbols(r)) for r in segment_pinyin(term) if syllable_symbols(r)]
            if phrases:
                words[term] = " OR ".join(phrases)
    return words


def _mixed_plan(nq: NormalizedQuery, terms: tuple[str, ...], filters: Filters, words: dict[str, str]) -> _Plan:
    """Every term must match; a pinyin word in the head's text or readings, or as letters in the text.

    The body lookup matches the Chinese terms and keeps the documents each pinyin word matches: a
    head match is always also a body match (search_body holds title, 文号 and issuer too).
    """
    marks = _marker_expr(filters)
    parts = []
    for term in terms:
        text = "{title number issuer} : " + head_phrase(term)
        parts.append(f"({text} OR {{pinyin}} : ({words[term]}))" if term in words else f"({text})")
    head = "(" + " AND ".join(parts) + ")"
    if marks:
        head += " AND {marks} : (" + " AND ".join(marks) + ")"
    literal = tuple(t for t in terms if t not in words)
    body = " AND ".join([body_term(t) for t in literal] + marks)
    body_filter, body_args = "", []
    for term in words:
        body_filter += (
            f" AND rowid IN (SELECT rowid FROM {HEAD_TABLE} WHERE {HEAD_TABLE} MATCH ? "
            f"UNION SELECT rowid FROM {BODY_TABLE} WHERE {BODY_TABLE} MATCH ?)"
        )
        body_args += ["{title number issuer pinyin} : " + f"({head_phrase(term)} OR {words[term]})", body_term(term)]
    return _Plan(nq, terms, body, head, False, literal, body_filter, tuple(body_args))


def _plan(nq: NormalizedQuery, terms: tuple[str, ...], filters: Filters) -> _Plan:
    words = _pinyin_words(nq, terms)
    if words:
        return _mixed_plan(nq, terms, filters, words)
    marks = _marker_expr(filters)
    alternatives = []
    if terms:
        alternatives.append("{title number issuer} : (" + " AND ".join(head_phrase(t) for t in terms) + ")")
    if nq.pinyin:
        phrases = [head_phrase(syllable_symbols(reading)) for reading in nq.pinyin if syllable_symbols(reading)]
        if phrases:
            alternatives.append("{pinyin} : (" + " OR ".join(phrases) + ")")
    if nq.initials and initial_pairs(nq.initials):
        alternatives.append("{initials} : " + head_phrase(initial_pairs(nq.initials)))
    head = "(" + " OR ".join(alternatives) + ")"
    if marks:
        head += " AND {marks} : (" + " AND ".join(marks) + ")"
    body = None
    if terms:
        body = " AND ".join([body_term(t) for t in terms] + marks)
    return _Plan(nq, terms, body, head, union=bool(nq.pinyin or nq.initials), literal=terms)


# --- executing ---------------------------------------------------------------------------------


def _range_sql(filters: Filters) -> tuple[str, tuple]:
    if filters.band is None:
        return "", ()
    low, high = band_range(filters.band)
    return " AND rowid BETWEEN ? AND ?", (low, high)


def _matches_sql(plan: _Plan, where: str) -> str:
    """Rowids of a plan's matches, ascending (rank order); `where` is added to each table's filter.
    Head and body both come out in rowid order, so SQLite merges the union without a temp table."""
    if plan.body is None:
        return f"SELECT rowid FROM {HEAD_TABLE} WHERE {HEAD_TABLE} MATCH ?{where}"
    if not plan.union:
        return f"SELECT rowid FROM {BODY_TABLE} WHERE {BODY_TABLE} MATCH ?{plan.body_filter}{where}"
    return (
        f"SELECT rowid FROM {HEAD_TABLE} WHERE {HEAD_TABLE} MATCH ?{where} "
        f"UNION SELECT rowid FROM {BODY_TABLE} WHERE {BODY_TABLE} MATCH ?{plan.body_filter}{where} ORDER BY 1"
    )


def _matches_args(plan: _Plan, args: tuple) -> tuple:
    if plan.body is None:
        return (plan.head, *args)
    if not plan.union:
        return (plan.body, *plan.body_args, *args)
    return (plan.head, *args, plan.body, *plan.body_args, *args)


def _count(db, plan: _Plan, filters: Filters) -> tuple[int, bool]:
    """(total, exact). Matches come in rank-key order: the first COUNT_CAP are counted, and the
    rest too if the cap was reached past the middle of the catalog (cheaper than what was done
    already). Otherwise the rest is estimated from evenly spread slices of the remaining keys, sized
    to hold about SAMPLE_MATCHES matches.

    Counting costs 0.1–0.2 µs a match through SQLite: the 60–100k matches of a frequent word took
    4–9 ms at 100k documents, most of a hits page; the screen shows such a total as 约 N 条.
    """
    where, args = _range_sql(filters)
    sql = _matches_sql(plan, where)
    capped, last = db.execute_sql(
        f"SELECT count(*), max(rowid) FROM ({sql} LIMIT {COUNT_CAP})", _matches_args(plan, args)
    ).fetchone()
    if capped < COUNT_CAP:
        return capped, True
    keys = _keys_in_range(db, filters)
    done = int(np.searchsorted(keys, last, side="right"))  # documents up to the last match counted
    rest = keys[done:]
    if not len(rest):
        return capped, True
    if done * 2 >= len(keys):
        more = _count_between(db, plan, filters, [(int(rest[0]), int(rest[-1]))])
        return capped + more, True
    rough = capped * len(rest) / done
    share = min(1.0, max(SAMPLE_MATCHES / rough, 1 / 64))
    span = max(1, int(len(rest) * share / SAMPLE_SLICES))
    starts = sorted({len(rest) * i // SAMPLE_SLICES for i in range(SAMPLE_SLICES)})
    bounds = [(a, min(len(rest), a + span)) for a in starts]
    found = _count_between(db, plan, filters, [(int(rest[a]), int(rest[b - 1])) for a, b in bounds])
    sampled = sum(b - a for a, b in bounds)
    return min(len(keys), capped + round(found * len(rest) / sampled)), False


def _keys_in_range(db, filters: Filters) -> np.ndarray:
    """Rank keys of every indexed document the filters let through, ascending: the estimate
    samples only those (a year filter keeps one stretch of dates; sampling all of them would
    mostly count slices the filter empties)."""
    data = facet_arrays.arrays(db)
    if not filters.any:
        return data.keys
    return data.keys[facet_arrays.filtered(data, np.arange(len(data.keys)), filters)]


def _count_between(db, plan: _Plan, filters: Filters, ranges: list[tuple[int, int]]) -> int:
    """Matches with rank keys inside the given ranges (FTS5 seeks to each range's start)."""
    where, args = _range_sql(filters)
    parts, values = [], []
    for low, high in ranges:
        parts.append(f"(SELECT count(*) FROM ({_matches_sql(plan, where + ' AND rowid BETWEEN ? AND ?')}))")
        values += _matches_args(plan, (*args, low, high))
    return db.execute_sql("SELECT " + " + ".join(parts), values).fetchone()[0]


def _page_keys(
    db, plan: _Plan, filters: Filters, limit: int, offset: int, checked: np.ndarray | None = None
) -> list[tuple[int, float | None]]:
    """(rank key, score) of one page: head matches first, then body-only matches by rank key.

    `checked`: every real match under the filters, when the plan's candidates were checked against
    the text; body-only hits then come from it, so that page n shows the real matches n×limit on.

    Head matches are ordered by bm25 when there are at most BM25_MAX of them; beyond that bm25
    costs ~3 µs a match (60k title matches of 政 at 100k documents: ~200 ms), so a large head
    set is taken in rank-key order instead, which FTS5 returns without sorting.
    """
    where, args = _range_sql(filters)
    head_sql = f"SELECT rowid FROM {HEAD_TABLE} WHERE {HEAD_TABLE} MATCH ?{where}"
    capped = db.execute_sql(f"SELECT count(*) FROM ({head_sql} LIMIT {BM25_MAX + 1})", (plan.head, *args)).fetchone()[0]
    page: list[tuple[int, float | None]] = []
    if capped <= BM25_MAX:
        head_count = capped
        if offset < head_count:
            rows = db.execute_sql(
                f"SELECT rowid, bm25({HEAD_TABLE}, {HEAD_WEIGHTS}) AS score FROM {HEAD_TABLE} "
                f"WHERE {HEAD_TABLE} MATCH ?{where} ORDER BY score, rowid LIMIT ? OFFSET ?",
                (plan.head, *args, limit, offset),
            ).fetchall()
            page.extend((key, float(f"{-score:.6g}")) for key, score in rows)
    else:
        if offset + limit <= BM25_MAX:
            head_count = BM25_MAX + 1  # enough to know the page lies inside the head set
        else:
            head_count = db.execute_sql(f"SELECT count(*) FROM ({head_sql})", (plan.head, *args)).fetchone()[0]
        if offset < head_count:
            rows = db.execute_sql(f"{head_sql} ORDER BY rowid LIMIT ? OFFSET ?", (plan.head, *args, limit, offset))
            page.extend((key, 1.0) for (key,) in rows.fetchall())
    if len(page) < limit and plan.body is not None:
        skip, need = max(0, offset - head_count), limit - len(page)
        if checked is not None:
            head_keys = facet_arrays.keys_from_csv(
                db.execute_sql(f"SELECT group_concat(rowid) FROM ({head_sql})", (plan.head, *args)).fetchone()[0]
            )
            body_keys = np.setdiff1d(checked, head_keys)
            page.extend((int(key), None) for key in body_keys[skip : skip + need])
            return page
        if _long_terms(plan):
            page.extend((key, None) for key in _checked_body_page(db, plan, where, args, head_sql, skip, need))
            return page
        rows = db.execute_sql(
            f"SELECT rowid FROM {BODY_TABLE} WHERE {BODY_TABLE} MATCH ?{plan.body_filter}{where} AND rowid NOT IN "
            f"({head_sql}) ORDER BY rowid LIMIT ? OFFSET ?",
            (plan.body, *plan.body_args, *args, plan.head, *args, limit - len(page), max(0, offset - head_count)),
        ).fetchall()
        page.extend((key, None) for (key,) in rows)  # body tier: no score, to be verified
    return page


def _checked_body_page(db, plan: _Plan, where: str, args: tuple, head_sql: str, skip: int, need: int) -> list[int]:
    """Body-only matches of a long term when too many to check up front: candidates are read in
    rank order and checked until `skip` real ones were passed and `need` found."""
    found: list[int] = []
    position, chunk = 0, max(200, need * 4)
    while len(found) < need and position < MAX_OFFSET * 4:
        rows = db.execute_sql(
            f"SELECT rowid FROM {BODY_TABLE} WHERE {BODY_TABLE} MATCH ?{where} AND rowid NOT IN "
            f"({head_sql}) ORDER BY rowid LIMIT ? OFFSET ?",
            (plan.body, *args, plan.head, *args, chunk, position),
        ).fetchall()
        if not rows:
            break
        position += len(rows)
        for key in _really_match(db, np.array([k for (k,) in rows], dtype=np.int64), _long_terms(plan)).tolist():
            if skip:
                skip -= 1
            elif len(found) < need:
                found.append(key)
    return found


def _long_terms(plan: _Plan) -> tuple[str, ...]:
    """The terms whose body matches must be checked against the text (see VERIFY_CAP)."""
    return tuple(t for t in plan.terms if len(t) > 3) if plan.body is not None else ()


def _really_match(db, keys: np.ndarray, terms: tuple[str, ...]) -> np.ndarray:
    """The rank keys among `keys` whose folded title, 文号, issuer and body hold every term.

    Folding changes only letters and digits, so a term of Chinese characters alone is checked by
    SQLite's instr() on the stored text: 5 times faster than reading 4,500 bodies into Python."""
    if all(_is_cjk_only(term) for term in terms):
        fields = ("d.title", "d.doc_number", "d.doc_number_norm", "d.issuer", "d.body")
        each = " AND ".join("(" + " OR ".join(f"instr({f}, ?) > 0" for f in fields) + ")" for _ in terms)
        term_args = [term for term in terms for _ in fields]
        kept: list[int] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500].tolist()
            rows = db.execute_sql(
                "SELECT s.key FROM search_doc s JOIN document d ON d.id = s.doc_id "
                f"WHERE s.key IN ({', '.join('?' * len(chunk))}) AND {each}",
                [*chunk, *term_args],
            ).fetchall()
            kept.extend(key for (key,) in rows)
        return np.array(sorted(kept), dtype=np.int64)
    kept = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500].tolist()
        rows = db.execute_sql(
            "SELECT s.key, d.title, coalesce(d.doc_number, ''), coalesce(d.doc_number_norm, ''), "
            "coalesce(d.issuer, ''), d.body FROM search_doc s JOIN document d ON d.id = s.doc_id "
            f"WHERE s.key IN ({', '.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        for key, *parts in rows:
            text = fold(" ".join(parts))
            if all(term in text for term in terms):
                kept.append(key)
    return np.array(sorted(kept), dtype=np.int64)


def _is_cjk_only(term: str) -> bool:
    return all(_is_cjk(ch) for ch in term)


def _head_keys(db, plan: _Plan) -> np.ndarray:
    """Rank keys of the head matches: exact phrases of title, 文号 and issuer (and readings)."""
    sql = f"SELECT group_concat(rowid) FROM {HEAD_TABLE} WHERE {HEAD_TABLE} MATCH ?"
    return np.unique(facet_arrays.keys_from_csv(db.execute_sql(sql, (plan.head,)).fetchone()[0]))


def _checked_keys(db, plan: _Plan, cap: int = VERIFY_CAP) -> tuple[np.ndarray, bool]:
    """(rank keys of every match of an unfiltered plan, whether they are all real matches: not when
    a long term has more than `cap` candidates to check)."""
    keys = _all_keys(db, plan)
    terms = _long_terms(plan)
    if not terms:
        return keys, True
    head = _head_keys(db, plan)
    body_only = np.setdiff1d(keys, head)
    if len(body_only) > cap:
        return keys, False
    return np.union1d(head, _really_match(db, body_only, terms)), True


_HIT_SQL = (
    "SELECT s.key, d.id, d.title, d.doc_number, d.issuer, d.issued, d.category, d.validity, d.body "
    "FROM search_doc s JOIN document d ON d.id = s.doc_id WHERE s.key IN ({})"
)


def _hits(db, page: list[tuple[int, float | None]], terms: tuple[str, ...], number: str | None = None) -> list[Hit]:
    if not page:
        return []
    rows = {
        row[0]: row
        for row in db.execute_sql(_HIT_SQL.format(", ".join("?" * len(page))), [k for k, _ in page]).fetchall()
    }
    hits = []
    for key, score in page:
        row = rows.get(key)
        if row is None:  # indexed but gone: never show a ghost
            continue
        _, doc_id, title, doc_number, issuer, issued, category, validity, body = row
        if number:
            spans = [(n.start, n.end) for n in find_doc_numbers(body) if n.normalized == number]
            snippet, marks = make_snippet(body, spans=spans)
        else:
            if score is None and any(len(t) > 3 for t in terms):
                haystack = fold(" ".join(filter(None, (title, doc_number or "", issuer or "", body))))
                if any(t not in haystack for t in terms):
                    # The trigrams of a long term all occur, but never together: not a real match.
                    continue
            snippet, marks = make_snippet(body, terms)
        hits.append(
            Hit(
                id=doc_id,
                title=title,
                doc_number=doc_number,
                issuer=issuer,
                issued=str(issued)[:10] if issued else None,
                category=category,
                validity=validity,
                score=score or 0.0,
                snippet=snippet,
                marks=marks,
            )
        )
    return hits


# --- filters ------------------------------------------------------------------------------------


class _NoMatch(Exception):
    """A filter names a value the catalog does not have: the answer is empty, not an error."""


# The dates the rank key can hold (search_index): a year outside them is a typing slip, not a filter.
YEAR_MIN, YEAR_MAX = 1900, 2100
_FILTER_NAMES = {"issuer": "发文机关", "category": "主题分类", "validity": "有效性"}


@dataclass(frozen=True)
class _FilterInput:
    issuer: str | None
    category: str | None
    validity: str | None
    years: tuple[int, int] | None


def check_filters(
    issuer: Any = None, year_from: Any = None, year_to: Any = None, category: Any = None, validity: Any = None
) -> _FilterInput:
    """Filters as given, checked before any lookup: BadInput (naming the field) for a reversed or
    impossible year range and for text that is not valid Unicode."""
    low, high = _year(year_from, "起始"), _year(year_to, "截止")
    years = None
    if low is not None or high is not None:
        low = YEAR_MIN if low is None else low
        high = YEAR_MAX if high is None else high
        if low > high:
            raise BadInput(
                f"起始年份（{low}）晚于截止年份（{high}），请检查年份范围。",
                f"year range {low}-{high} is reversed",
                field="year",
            )
        years = (low, high)
    return _FilterInput(_text(issuer, "issuer"), _text(category, "category"), _text(validity, "validity"), years)


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    value = value if isinstance(value, str) else str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(
            f"“{_FILTER_NAMES[name]}”含有无法识别的字符（不是有效的 UTF-8 文本）。",
            f"{name} filter is not valid UTF-8 text",
            field=name,
        ) from None
    return value.strip() or None


def _year(value: Any, which: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise TypeError("a flag is not a year")
        year = int(value)
    except (TypeError, ValueError, OverflowError):
        year = None
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        shown = str(value)[:12].encode("utf-8", "replace").decode("utf-8")
        raise BadInput(
            f"{which}年份“{shown}”不正确，应为 {YEAR_MIN}–{YEAR_MAX} 之间的年份。",
            f"year {shown!r} is not a year in {YEAR_MIN}-{YEAR_MAX}",
            field="year",
        )
    return year


def _filters(db, given: _FilterInput) -> Filters:
    filters = Filters()
    if given.issuer:
        filters.issuer_id = _value_id(db, "issuer", given.issuer)
    if given.category:
        filters.category_id = _value_id(db, "category", given.category)
    if given.years is not None:
        low, high = given.years
        # Only the years the catalog has: each year is one marker token in the query.
        present = facet_arrays.arrays(db).year
        present = present[present > 0]
        if not len(present):
            raise _NoMatch
        low, high = max(low, int(present.min())), min(high, int(present.max()))
        if low > high:
            raise _NoMatch
        filters.years = (low, high)
    if given.validity:
        if given.validity not in VALIDITY_BANDS:
            raise _NoMatch
        filters.band = VALIDITY_BANDS[given.validity]
    return filters


def _value_id(db, kind: str, value: str) -> int:
    row = db.execute_sql("SELECT id FROM search_value WHERE kind = ? AND value = ?", (kind, value)).fetchone()
    if row is None:
        raise _NoMatch
    return row[0]


# --- the public functions -----------------------------------------------------------------------


def search(
    query: str,
    *,
    issuer: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    category: str | None = None,
    validity: str | None = None,
    limit: int = 20,
    offset: int = 0,
    with_facets: bool = True,
) -> SearchResult:
    """Search the open catalog. Any query text is searched (an empty one finds nothing); filters
    are checked (`check_filters`) and refused with BadInput."""
    given = check_filters(issuer, year_from, year_to, category, validity)
    db = _open_db()
    nq = normalize_query(query)
    result = SearchResult(query=query if isinstance(query, str) else str(query or ""), normalized=nq.text, total=0)
    if nq.empty:
        return result
    limit = max(0, min(MAX_LIMIT, _int(limit, 20)))
    offset = max(0, min(MAX_OFFSET, _int(offset, 0)))
    try:
        filters = _filters(db, given)
    except _NoMatch:
        return result
    if nq.doc_number:
        found = _search_doc_number(db, nq, filters, limit, offset, with_facets)
        if found is not None:
            return _finish(db, found, nq, filters)
    matches = _Matches(db, filters, with_keys=with_facets)
    terms, plan, (total, exact) = _choose_terms(nq, matches)
    result.normalized = " ".join(terms)
    result.total, result.total_exact = total, exact
    if total and limit:
        checked = matches.checked(plan) if _long_terms(plan) else None
        result.hits = _hits(db, _page_keys(db, plan, filters, limit, offset, checked), plan.literal)
    if with_facets:
        result.facets = _facets_of_positions(db, matches.positions(plan), filters)
    return _finish(db, result, nq, filters)


class _Matches:
    """Totals and match sets of plans under one set of filters.

    Totals are remembered per catalog generation: paging through a result (or going back to it)
    does not count 60k matches again. With facets wanted, the total is the length of the match
    set fetched for them anyway, so no separate count runs.
    """

    def __init__(self, db, filters: Filters, *, with_keys: bool) -> None:
        self.db, self.filters, self.with_keys = db, filters, with_keys
        self.generation = facet_arrays.generation(db)
        self._candidates_of: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def total(self, plan: _Plan) -> tuple[int, bool]:
        """(total, exact): exact whenever facets are wanted (the match set is fetched for them)
        and the candidates of a long term could be checked."""
        key = (id(self.db), self.generation, plan.body, plan.head, self.filters.band)
        cached = _TOTALS.get(key)
        if cached is None or (self.with_keys and not cached[1]):
            if self.with_keys or _long_terms(plan):
                checked = self.checked(plan)
                cached = (len(checked), True) if checked is not None else self._estimate(plan)
            else:
                cached = _count(self.db, plan, self.filters)
            _remember(_TOTALS, key, cached, 256)
        return cached

    def positions(self, plan: _Plan) -> np.ndarray:
        """Positions (in the facet arrays) of every match of the text, before filters (candidates
        not yet checked when a long term has more than VERIFY_CAP of them)."""
        keys, _ = self._unfiltered(plan)
        return facet_arrays.positions(facet_arrays.arrays(self.db), keys)

    def checked(self, plan: _Plan) -> np.ndarray | None:
        """Rank keys of every real match under the filters, ascending; None when a long term has
        too many candidates to check even after the filters (more than TYPING_VERIFY_CAP without
        facets, VERIFY_CAP with them)."""
        _keys, exact = self._unfiltered(plan)
        kept = self._kept(plan)
        if exact:
            return kept
        key = ("checked", id(self.db), self.generation, plan.body, plan.head, self._filter_key())
        if _KEYS.get(key) is None:
            head, body_only = self._split(plan, kept)
            if len(body_only) > (VERIFY_CAP if self.with_keys else TYPING_VERIFY_CAP):
                return None  # not remembered: the search with facets checks them after all
            checked = np.union1d(np.intersect1d(kept, head), _really_match(self.db, body_only, _long_terms(plan)))
            _remember(_KEYS, key, checked, 16)
        return _KEYS[key]

    def _estimate(self, plan: _Plan) -> tuple[int, bool]:
        """Head matches plus the body-only candidates times the share of a spread sample that is real
        (a smaller sample while typing: the page is checked anyway and the total says 约)."""
        kept = self._kept(plan)
        _head, body_only = self._split(plan, kept)
        size = VERIFY_SAMPLE if self.with_keys else TYPING_VERIFY_SAMPLE
        sample = body_only[:: max(1, len(body_only) // size)]
        share = len(_really_match(self.db, sample, _long_terms(plan))) / max(1, len(sample))
        return len(kept) - len(body_only) + round(len(body_only) * share), False

    def _kept(self, plan: _Plan) -> np.ndarray:
        """Rank keys of the plan's matches (candidates of a long term included) under the filters."""
        keys, _ = self._unfiltered(plan)
        data = facet_arrays.arrays(self.db)
        return data.keys[facet_arrays.filtered(data, facet_arrays.positions(data, keys), self.filters)]

    def _split(self, plan: _Plan, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(head matches, body-only candidates among `kept`), worked out once per search: the total and
        the page both need them (~40 ms for the 67k candidates of 政务公开 at 100k documents)."""
        key = (plan.body, plan.head)
        if key not in self._candidates_of:
            head = _head_keys(self.db, _plan_without_filters(plan, self.filters))
            self._candidates_of[key] = (head, np.setdiff1d(kept, head))
        return self._candidates_of[key]

    def _unfiltered(self, plan: _Plan) -> tuple[np.ndarray, bool]:
        unfiltered = _plan_without_filters(plan, self.filters)
        key = (id(self.db), self.generation, unfiltered.body, unfiltered.head)
        found = _KEYS.get(key)
        cap = VERIFY_CAP if self.with_keys else TYPING_VERIFY_CAP
        if found is None or (not found[1] and found[2] < cap):
            found = (*_checked_keys(self.db, unfiltered, cap), cap)
            _remember(_KEYS, key, found, 8)
        return found[0], found[1]

    def _filter_key(self) -> tuple:
        f = self.filters
        return (f.issuer_id, f.category_id, f.years, f.band)


_TOTALS: OrderedDict = OrderedDict()
_KEYS: OrderedDict = OrderedDict()


def _remember(cache: OrderedDict, key: Any, value: Any, size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


def clear_cache() -> None:
    """Forget remembered totals and match sets (benchmarks measure without them)."""
    _TOTALS.clear()
    _KEYS.clear()


def _choose_terms(nq: NormalizedQuery, matches: _Matches) -> tuple[tuple[str, ...], _Plan, tuple[int, bool]]:
    """The terms as normalised; if they find nothing: as typed (before simplification), then long
    unspaced Chinese split into words (低保申请条件 → 低保 申请 条件). Returns (terms, plan, (total, exact))."""
    plan = _plan(nq, nq.terms, matches.filters)
    total = matches.total(plan)
    if total[0] or nq.pinyin:
        return nq.terms, plan, total
    for alternative in (nq.as_typed, _segmented(nq.terms)):
        if alternative and alternative != nq.terms:
            other = _plan(nq, alternative, matches.filters)
            found = matches.total(other)
            if found[0]:
                return alternative, other, found
    return nq.terms, plan, total


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _segmented(terms: tuple[str, ...]) -> tuple[str, ...]:
    """Long unspaced Chinese split into words (低保申请条件 → 低保 申请 条件), when not found whole."""
    out: list[str] = []
    for term in terms:
        if len(term) >= 4 and any("\u4e00" <= ch <= "\u9fff" for ch in term):
            words = [w for w in cut_words(term) if w.strip() and w not in _STOP_WORDS]
            out.extend(w for w in words if w not in out)
        elif term not in out:
            out.append(term)
    return tuple(out)


def _all_keys(db, plan: _Plan) -> np.ndarray:
    """Rank keys of every match of an (unfiltered) plan, via group_concat: ~10× faster than fetchall."""
    if plan.body is not None and not plan.union:
        sql = f"SELECT group_concat(rowid) FROM {BODY_TABLE} WHERE {BODY_TABLE} MATCH ?{plan.body_filter}"
        args = (plan.body, *plan.body_args)
    elif plan.body is None:
        sql, args = f"SELECT group_concat(rowid) FROM {HEAD_TABLE} WHERE {HEAD_TABLE} MATCH ?", (plan.head,)
    else:
        sql = (
            f"SELECT group_concat(rowid) FROM (SELECT rowid FROM {HEAD_TABLE} WHERE {HEAD_TABLE} MATCH ? "
            f"UNION SELECT rowid FROM {BODY_TABLE} WHERE {BODY_TABLE} MATCH ?{plan.body_filter} ORDER BY 1)"
        )
        args = (plan.head, plan.body, *plan.body_args)
    return facet_arrays.keys_from_csv(db.execute_sql(sql, args).fetchone()[0])


def _facets_of_positions(db, pos: np.ndarray, filters: Filters) -> dict[str, list[dict[str, Any]]]:
    return facet_arrays.facet_counts(facet_arrays.arrays(db), pos, filters)


def _plan_without_filters(plan: _Plan, filters: Filters) -> _Plan:
    return _plan(plan.query, plan.terms, Filters()) if filters.any else plan


def _search_doc_number(
    db, nq: NormalizedQuery, filters: Filters, limit: int, offset: int, with_facets: bool
) -> SearchResult | None:
    """A 文号: that document first, then the documents citing it (even when it is not in the catalog)."""
    number = nq.doc_number
    exact = db.execute_sql(
        "SELECT s.key FROM document d JOIN search_doc s ON s.doc_id = d.id WHERE d.doc_number_norm = ? ORDER BY s.key",
        (number,),
    ).fetchall()
    # Sorted and made unique here: DISTINCT … ORDER BY in SQL built a temp b-tree, 2.5 of the 8 ms
    # that the 2,300 documents citing 国办发〔2017〕24号 took at 100k documents.
    citing = db.execute_sql(
        "SELECT group_concat(s.key) FROM relation r JOIN search_doc s ON s.doc_id = r.source_id "
        f"WHERE {relations.CITES_NUMBER_SQL}",
        relations.cites_args(number),
    ).fetchone()[0]
    ordered: list[tuple[int, float]] = [(k, 100.0) for (k,) in exact]
    seen = {k for k, _ in ordered}
    ordered += [(k, 50.0) for k in np.unique(facet_arrays.keys_from_csv(citing)).tolist() if k not in seen]
    if not ordered:
        return None  # not a known 文号: search its characters as text instead
    pos = None
    if filters.any or with_facets:
        data = facet_arrays.arrays(db)
        pos = facet_arrays.positions(data, np.array(sorted(k for k, _ in ordered), dtype=np.int64))
    if filters.any:
        kept = set(data.keys[facet_arrays.filtered(data, pos, filters)].tolist())
        ordered = [(k, s) for k, s in ordered if k in kept]
    result = SearchResult(query=nq.raw, normalized=number, total=len(ordered))
    result.hits = _hits(db, ordered[offset : offset + limit], nq.terms, number=number)
    if with_facets:
        result.facets = facet_arrays.facet_counts(data, pos, filters)
    return result


def _finish(db, result: SearchResult, nq: NormalizedQuery, filters: Filters) -> SearchResult:
    if result.total == 0:
        result.suggestions = suggest(db, nq)
    return result


def suggest(db, nq: NormalizedQuery, *, limit: int = 5) -> list[str]:
    """Titles close to a query that found nothing, newest first: titles that sound the same
    (政务工开 → 政务公开, the usual slip of a pinyin keyboard), then titles holding the longest
    start or end of the query (政务工开 → 政务…). Every lookup stops after `limit` rows."""
    text = "".join(nq.terms)
    expressions = []
    if any(_is_cjk(ch) for ch in text):
        symbols = syllable_symbols(text_pinyin(text))
        if symbols:
            expressions.append("{pinyin} : " + head_phrase(symbols))
    for size in range(len(text) - 1, 1, -1):
        expressions.append("{title} : " + head_phrase(text[:size]))
        expressions.append("{title} : " + head_phrase(text[-size:]))
    titles: list[str] = []
    for expression in expressions[:12]:
        rows = db.execute_sql(
            f"SELECT d.title FROM (SELECT rowid FROM {HEAD_TABLE} WHERE {HEAD_TABLE} MATCH ? ORDER BY rowid LIMIT ?) m "
            "JOIN search_doc s ON s.key = m.rowid JOIN document d ON d.id = s.doc_id ORDER BY m.rowid",
            (expression, limit),
        ).fetchall()
        titles.extend(t for (t,) in rows if t not in titles)
        if len(titles) >= limit:
            break
    return titles[:limit]


def _is_cjk(ch: str) -> bool:
    return any(low <= ch <= high for low, high in _CJK_RANGES)


_CJK_RANGES = [(CJK[i], CJK[i + 2]) for i in range(0, len(CJK), 3)]


def matching_ids(
    query: str,
    *,
    issuer: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    category: str | None = None,
    validity: str | None = None,
) -> list[str]:
    """Ids of every document `search` counts for this query, in rank-key order (tests, benchmarks)."""
    given = check_filters(issuer, year_from, year_to, category, validity)
    db = _open_db()
    nq = normalize_query(query)
    if nq.empty:
        return []
    try:
        filters = _filters(db, given)
    except _NoMatch:
        return []
    if nq.doc_number:
        found = _search_doc_number(db, nq, filters, MAX_LIMIT * 1000, 0, False)
        if found is not None:
            return [hit.id for hit in found.hits]
    matches = _Matches(db, filters, with_keys=True)
    _, plan, _ = _choose_terms(nq, matches)
    data = facet_arrays.arrays(db)
    checked = matches.checked(plan)
    if checked is None:
        checked = data.keys[facet_arrays.filtered(data, matches.positions(plan), filters)]
    wanted = checked.tolist()
    ids: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        ids.update(
            db.execute_sql(
                f"SELECT key, doc_id FROM search_doc WHERE key IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall()
        )
    return [ids[k] for k in wanted if k in ids]


def warm_up() -> None:
    """Load the segmentation, pinyin and conversion dictionaries (1–2 s) before anyone types."""
    normalize_query("政務 zhengwu")
    text_pinyin("政务公开")
    _segmented(("政务公开工作",))


def prepare() -> None:
    """Load what the first search of a catalog generation would otherwise wait for: the per-document
    arrays behind totals, filter chips and rank ranges (~150 ms at 100k documents). The search screen's
    worker calls it when it starts; after a sync the first search loads them for the new catalog."""
    facet_arrays.arrays(_open_db())


def related(doc_id: str) -> dict[str, list[dict[str, Any]]]:
    """cites / cited_by / interprets / interpreted_by of a document in the open catalog."""
    db = _open_db()
    return relations.related(db, get_document(doc_id))


def _open_db():
    db = database.obj
    if db is None:
        raise StorageError("本地目录尚未打开。", "search called before a catalog store was opened")
    return db
