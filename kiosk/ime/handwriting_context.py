"""What the catalog tells the handwriting recogniser: which characters it must know
(every character of the titles and issuers) and which would continue a word already begun in the
field (政务公 → 开), so that those win close calls."""

from __future__ import annotations

import re

from kiosk.ime.engine import Engine

MAX_TAIL = 3  # the last 1–3 characters in the field may begin a catalog word
WORDS_PER_TAIL = 40
_CJK_TAIL = re.compile(r"[\u3400-\u9fff]+$")


def following_characters(engine: Engine, before: str) -> set[str]:
    """Characters that would make the end of `before` longer along a known word, catalog terms first."""
    tail = _CJK_TAIL.search(before or "")
    if tail is None:
        return set()
    run = tail.group(0)
    found: set[str] = set()
    for size in range(1, min(MAX_TAIL, len(run)) + 1):
        stem = run[-size:]
        found.update(word[size] for word in engine.words_starting_with(stem, WORDS_PER_TAIL) if len(word) > size)
    return found


def catalog_characters() -> set[str]:
    """Every character of the open catalog's titles and issuers (a new terminal's templates cover
    level 1 of 通用规范汉字表; a place name or an office may use rarer ones)."""
    from kiosk.catalog.models import Document

    chars: set[str] = set()
    for title, issuer in Document.select(Document.title, Document.issuer).tuples().iterator():
        chars.update(title or "")
        chars.update(issuer or "")
    return {c for c in chars if "\u3400" <= c <= "\u9fff"}
