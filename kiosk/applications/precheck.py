"""“Already disclosed?”: before an application is submitted, look for what it asks for in the local
catalog. Information already public is answered by pointing to it (条例 Art. 36(1)), so showing
it first may save the resident twenty working days; they can still submit.

Candidates come from the catalog search (kiosk.catalog.search), asked once per telling part of
the description: it matches all the words of a query, and a resident's description is longer
and wordier than any title. Whether a candidate is a *likely* match is decided here: the same
文号, or a long run of its title in the description together with a place, office or year the
description names.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any

from kiosk.catalog.catalog_db import open_store
from kiosk.catalog.docnumber import find_doc_numbers, normalize_doc_number
from kiosk.catalog.search import Hit, search
from kiosk.environment import Env

# Words a resident wraps around what they want; they say nothing about which document it is.
_FILLER = re.compile(
    r"请提供|申请公开|提供|获取|查询|复印件|复印|全文|原文|文件|有关|相关|关于|以及|及其|的|和|与|等|我想|需要|我"
)
_SPLIT = re.compile(r"[\s，。、；：,.;:!?！？（）()《》〈〉“”\"'‘’【】\[\]—\-]+")
# Characters a title must share in one run with the description to count as a likely match: a
# shorter run when the title also has something specific the description names (a year, a place,
# an office), a longer one otherwise, since 政务公开工作 and the like stand in hundreds of titles.
MIN_COMMON_SPECIFIC = 4
MIN_COMMON_GENERIC = 8
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_PLACE_OR_OFFICE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|县|旗|区|镇|乡|街道|局|委员会|委|厅|办公室|政府)")
MAX_TERMS = 6
MAX_SEARCHES = 8
PER_SEARCH = 20


@dataclass(frozen=True)
class Match:
    id: str
    title: str
    doc_number: str | None
    issuer: str | None
    issued: str | None
    reason: str  # "doc_number" (same 文号) or "title" (shares a long run of the title)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def query_terms(description: str) -> list[str]:
    """The parts of a description that could name a document: filler words and punctuation cut out,
    longest first."""
    pieces = [p for chunk in _SPLIT.split(description) for p in _FILLER.split(chunk)]
    terms = sorted({p for p in pieces if len(p) >= 2}, key=len, reverse=True)
    return terms[:MAX_TERMS]


def specific_terms(description: str) -> set[str]:
    """Years, places and offices the description names: what tells one document from the many
    with similar titles."""
    terms = set(_YEAR.findall(description))
    for chunk in _SPLIT.split(description):
        for piece in _FILLER.split(chunk):
            terms |= {m.group(0) for m in _PLACE_OR_OFFICE.finditer(piece) if len(m.group(0)) >= 2}
    return terms


def likely_disclosed(env: Env, description: str, doc_number: str = "", *, limit: int = 5) -> list[Match]:
    """Documents in the catalog that may be what the application asks for, best first."""
    if not env.catalog_db.exists():
        return []
    open_store(env.catalog_db)
    numbers = {normalize_doc_number(doc_number)} if doc_number.strip() else set()
    numbers |= {n.normalized for n in find_doc_numbers(description)}
    numbers.discard(None)
    found: dict[str, Match] = {}
    for number in sorted(numbers):
        for hit in search(number, limit=limit, with_facets=False).hits:
            if normalize_doc_number(hit.doc_number) == number:  # not the documents citing it
                found.setdefault(hit.id, _match(hit, "doc_number"))
    specifics = specific_terms(description)
    scored = []
    for hit in _candidates(query_terms(description), sorted(specifics)):
        if hit.id in found:
            continue
        where = f"{hit.title} {hit.issuer or ''} {(hit.issued or '')[:4]}"
        shared = sum(1 for term in specifics if term in where)
        common = _longest_common(hit.title, description)
        if common >= (MIN_COMMON_SPECIFIC if shared else MIN_COMMON_GENERIC):
            scored.append((shared, common, hit.issued or "", hit))
    scored.sort(key=lambda item: (-item[0], -item[1], _descending(item[2])))
    for _, _, _, hit in scored:
        if len(found) >= limit:
            break
        found[hit.id] = _match(hit, "title")
    return list(found.values())[:limit]


def _descending(text: str) -> str:
    """Sort key that puts later ISO dates first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def precheck_for(env: Env):
    """The form's precheck hook: (description, doc_number) → matches as dicts for the screen."""
    return lambda description, doc_number: [m.to_dict() for m in likely_disclosed(env, description, doc_number)]


def _candidates(terms: list[str], specifics: list[str]) -> list[Hit]:
    """Search hits for each telling part of the description and each place or office it names."""
    hits: dict[str, Hit] = {}
    for query in [*terms, *(t for t in specifics if not t.isdigit())][:MAX_SEARCHES]:
        for hit in search(query, limit=PER_SEARCH, with_facets=False).hits:
            hits.setdefault(hit.id, hit)
    return list(hits.values())


def _longest_common(title: str, description: str) -> int:
    match = SequenceMatcher(None, title, description, autojunk=False).find_longest_match()
    return match.size


def _match(hit: Hit, reason: str) -> Match:
    return Match(
        id=hit.id, title=hit.title, doc_number=hit.doc_number, issuer=hit.issuer, issued=hit.issued, reason=reason
    )
