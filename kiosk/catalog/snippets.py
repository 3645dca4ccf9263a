"""Snippets with the matched terms marked, cut from the raw text of the hits actually shown.

Cheaper than FTS5 snippet() (which would re-tokenise and rank every match) and it shows the text
as written, not the index's token layout.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from kiosk.catalog.normalize import CJK, fold

WIDTH = 80
LEAD = 16  # characters of context before the first match
ELLIPSIS = "…"


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window_start(folded: str, terms: list[str] | tuple[str, ...], width: int) -> int:
    """Start of the window that shows the most different terms, trying one window per term's
    first occurrence: a few str.find calls however often a frequent term occurs."""
    firsts = sorted(at for at in (folded.find(t) for t in terms if t) if at >= 0)
    best_start, best_score = 0, -1
    for at in firsts:
        start = max(0, at - LEAD)
        score = sum(1 for t in terms if t and folded.find(t, start, start + width) >= 0)
        if score > best_score:
            best_start, best_score = start, score
    return best_start


_SPACES = re.compile(r"\s+")
_CJK_ONLY = re.compile(f"[{CJK}]+")


def _all_cjk(term: str) -> bool:
    return _CJK_ONLY.fullmatch(term) is not None


def make_snippet(
    text: str,
    terms: list[str] | tuple[str, ...] = (),
    *,
    spans: list[tuple[int, int]] | None = None,
    width: int = WIDTH,
) -> tuple[str, list[list[int]]]:
    """(snippet, marks): about `width` characters around the best match, whitespace collapsed, with
    [start, end] offsets of the matched terms inside the snippet."""
    text = text or ""
    # Folding only changes ASCII letters and digits: pure Chinese terms match the raw text as is.
    folded = fold(text) if any(not _all_cjk(t) for t in terms) else text
    if spans is not None:
        spans = merge(list(spans))
        start = max(0, spans[0][0] - LEAD) if spans else 0
    else:
        start = _window_start(folded, terms, width) if terms else 0
    space = _SPACES.match(text, start)
    if space:  # do not open on a blank
        start = space.end()
    prefix = ELLIPSIS if start > 0 else ""
    # Copy chunk by chunk (runs of non-space), collapsing whitespace, until `width` characters.
    chunks: list[tuple[int, int]] = []  # (raw start, snippet start) of each copied chunk
    out: list[str] = []
    length, position = 0, start
    while position < len(text) and length < width:
        space = _SPACES.search(text, position, min(len(text), position + width - length + 1))
        stop = space.start() if space else min(len(text), position + width - length)
        stop = min(stop, position + width - length)
        if stop > position:
            chunks.append((position, len(prefix) + length))
            out.append(text[position:stop])
            length += stop - position
            position = stop
        if space and position == space.start():
            if length < width:
                out.append(" ")
                length += 1
            position = space.end()
    snippet_body = "".join(out).rstrip()
    suffix = ELLIPSIS if position < len(text) else ""
    if spans is None:
        found = []
        for term in terms:
            at = folded.find(term, start, position) if term else -1
            while at >= 0:
                found.append((at, at + len(term)))
                at = folded.find(term, at + 1, position)
        spans = merge(found)
    marks: list[list[int]] = []
    starts = [raw for raw, _ in chunks]
    for s, e in spans:
        if s < start or e > position:
            continue
        first = bisect_right(starts, s) - 1
        last = bisect_right(starts, e - 1) - 1
        if first < 0 or last < 0:
            continue
        begin = chunks[first][1] + (s - chunks[first][0])
        end = chunks[last][1] + (e - 1 - chunks[last][0]) + 1
        marks.append([begin, min(end, len(prefix) + len(snippet_body))])
    return prefix + snippet_body + suffix, marks
