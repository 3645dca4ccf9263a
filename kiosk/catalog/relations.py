"""Links between documents: the 文号 a body cites, and the policy a 解读 explains (by title or 文号).

Links are stored by 文号 and by title key, not by document id, and resolved when read: a cited
document that arrives in a later sync is linked without touching the documents that cite it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from kiosk.catalog.docnumber import find_doc_numbers
from kiosk.catalog.normalize import fold, runs

_QUOTED = re.compile(r"《(.+?)》")
_ISSUED_WRAPPER = re.compile(r"(?:印发|转发|颁布|公布|发布)[《〈](.+?)[》〉]")
_INTERPRETATION = re.compile(r"解读|图解|一图读懂|答记者问|政策问答")


def title_key(title: str | None) -> str:
    """What identifies a title across the ways it is quoted: the inner title of 关于印发《X》的通知,
    else the title from 关于 on (the issuer in front is often dropped when quoting), letters and
    characters only."""
    if not title:
        return ""
    text = fold(title)
    wrapped = _ISSUED_WRAPPER.search(text)
    if wrapped:
        text = wrapped.group(1)
    else:
        at = text.find("关于")
        if at > 0:
            text = text[at:]
    return "".join(runs(text))


def is_interpretation(title: str, category: str | None) -> bool:
    return category == "政策解读" or bool(_INTERPRETATION.search(title))


def number_tail(number: str | None) -> str | None:
    """〔2019〕23号 of 海政办发〔2019〕23号, 令第706号 of 国务院令第706号: what stays right when the agency
    in front is misread."""
    if not number:
        return None
    if "〔" in number:
        return number[number.index("〔") :]
    if "令" in number:
        return number[number.rindex("令") :]
    return None


def extract_relations(doc: Any) -> list[tuple[str, str | None, str | None]]:
    """(kind, target 文号, target title key) for everything `doc` cites or interprets."""
    own = getattr(doc, "doc_number_norm", None)
    body = doc.body or ""
    found: list[tuple[str, str | None, str | None]] = []
    seen = set()
    for number in find_doc_numbers(body):
        normalized = number.normalized
        if normalized != own and normalized not in seen:
            seen.add(normalized)
            found.append(("cites", normalized, None))
    if is_interpretation(doc.title, doc.category):
        quoted = _QUOTED.search(doc.title)
        if quoted:
            inner = quoted.group(1)
            number = None
            at = body.find(inner)
            if at >= 0:
                nearby = find_doc_numbers(body[at + len(inner) : at + len(inner) + 40])
                number = nearby[0].normalized if nearby else None
            found.append(("interprets", number, title_key(inner) or None))
    return found


def refresh_relations(db, docs: Sequence[Any]) -> None:
    """Replace the stored links of `docs` (call inside the writer's transaction)."""
    if not docs:
        return
    ids = [doc.id for doc in docs]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        db.execute_sql(f"DELETE FROM relation WHERE source_id IN ({', '.join('?' * len(chunk))})", chunk)
    rows = [
        (doc.id, kind, number, title, number_tail(number) if kind == "cites" else None)
        for doc in docs
        for kind, number, title in extract_relations(doc)
    ]
    db.cursor().executemany(
        "INSERT INTO relation (source_id, kind, target_number, target_title, target_tail) VALUES (?, ?, ?, ?, ?)",
        rows,
    )


# A cited 文号 is the one asked for when it is that 文号 with perhaps a word stuck in front of the
# agency (现将海政办发〔2019〕23号): same tail, and it ends with the number asked for.
CITES_NUMBER_SQL = "r.kind = 'cites' AND r.target_tail = ? AND (r.target_number = ? OR r.target_number LIKE '%' || ?)"


def cites_args(number: str) -> tuple[str, str, str]:
    return number_tail(number) or "", number, number


# --- reading ----------------------------------------------------------------------------------


def _brief(row: Sequence[Any]) -> dict[str, Any]:
    return {"id": row[0], "title": row[1], "doc_number": row[2]}


_DOC_COLUMNS = "d.id, d.title, d.doc_number, d.issuer"


def _by_number(db, number: str, exclude: str) -> list[tuple]:
    """Catalog documents with this 文号; for a citation with a word before its agency
    (现将海政办发〔2019〕23号), the document whose 文号 it ends with."""
    rows = db.execute_sql(
        f"SELECT {_DOC_COLUMNS} FROM document d LEFT JOIN search_doc s ON s.doc_id = d.id "
        "WHERE d.doc_number_norm = ? AND d.id != ? ORDER BY s.key",
        (number, exclude),
    ).fetchall()
    tail = number_tail(number)
    if rows or not tail:
        return rows
    rows = db.execute_sql(
        f"SELECT {_DOC_COLUMNS}, d.doc_number_norm FROM search_doc s JOIN document d ON d.id = s.doc_id "
        "WHERE s.number_tail = ? AND d.id != ? ORDER BY length(d.doc_number_norm) DESC, s.key",
        (tail, exclude),
    ).fetchall()
    return [row[:4] for row in rows if number.endswith(row[4])][:1]


def _resolve_interpretation(db, source_id: str, source_issuer: str | None, number: str | None, key: str | None):
    """The document a 解读 explains: by its 文号, else by title (same issuer, or the only one)."""
    if number:
        rows = _by_number(db, number, source_id)
        if rows:
            same = [r for r in rows if r[3] == source_issuer]
            return (same or rows)[0]
    if key:
        rows = db.execute_sql(
            f"SELECT {_DOC_COLUMNS} FROM search_doc s JOIN document d ON d.id = s.doc_id "
            "WHERE s.title_key = ? AND d.id != ? ORDER BY s.key",
            (key, source_id),
        ).fetchall()
        same = [r for r in rows if r[3] == source_issuer]
        if same:
            return same[0]
        if len(rows) == 1:
            return rows[0]
    return None


def related(db, doc: Any) -> dict[str, list[dict[str, Any]]]:
    """cites / cited_by / interprets / interpreted_by of one document (a stored Document), resolved
    against the catalog. Links are read with the connection only, so this module sits below documents."""
    doc_id = doc.id
    result: dict[str, list[dict[str, Any]]] = {"cites": [], "cited_by": [], "interprets": [], "interpreted_by": []}
    links = db.execute_sql(
        "SELECT kind, target_number, target_title FROM relation WHERE source_id = ? ORDER BY id", (doc_id,)
    ).fetchall()
    for kind, number, key in links:
        if kind == "cites":
            rows = _by_number(db, number, doc_id)
            entry = _brief(rows[0]) if rows else {"id": None, "title": None, "doc_number": number}
            entry["doc_number"] = number
            result["cites"].append(entry)
        elif kind == "interprets":
            row = _resolve_interpretation(db, doc_id, doc.issuer, number, key)
            if row is not None:
                result["interprets"].append(_brief(row))
            else:
                quoted = _QUOTED.search(doc.title)
                result["interprets"].append(
                    {"id": None, "title": quoted.group(1) if quoted else key, "doc_number": number}
                )
    own_number = doc.doc_number_norm
    if own_number:
        rows = db.execute_sql(
            f"SELECT DISTINCT {_DOC_COLUMNS}, s.key FROM relation r JOIN document d ON d.id = r.source_id "
            "LEFT JOIN search_doc s ON s.doc_id = d.id "
            f"WHERE {CITES_NUMBER_SQL} AND d.id != ? ORDER BY s.key",
            (*cites_args(own_number), doc_id),
        ).fetchall()
        result["cited_by"] = [_brief(r) for r in rows]
    own_key = title_key(doc.title)
    candidates = db.execute_sql(
        "SELECT r.source_id, d.issuer, r.target_number, r.target_title FROM relation r "
        "JOIN document d ON d.id = r.source_id LEFT JOIN search_doc s ON s.doc_id = d.id "
        "WHERE r.kind = 'interprets' AND r.source_id != ? AND "
        "((r.target_number IS NOT NULL AND r.target_number = ?) OR (r.target_title IS NOT NULL AND r.target_title = ?)) "
        "ORDER BY s.key",
        (doc_id, own_number or "", own_key),
    ).fetchall()
    for source_id, issuer, number, key in candidates:
        target = _resolve_interpretation(db, source_id, issuer, number, key)
        if target is not None and target[0] == doc_id:
            row = db.execute_sql(f"SELECT {_DOC_COLUMNS} FROM document d WHERE d.id = ?", (source_id,)).fetchone()
            result["interpreted_by"].append(_brief(row))
    return result


def citing_documents(db, number: str) -> Iterable[str]:
    """Ids of documents whose body cites this 文号."""
    rows = db.execute_sql(f"SELECT DISTINCT r.source_id FROM relation r WHERE {CITES_NUMBER_SQL}", cites_args(number))
    return [r[0] for r in rows]
