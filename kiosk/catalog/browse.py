"""Finding a document without typing: the catalog by 主题分类, by issuing office or by year, each
value with its count, then that value's documents newest first, a page at a time; and the 政策解读
with the policy each one explains."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from kiosk.catalog import relations
from kiosk.catalog.documents import get_document
from kiosk.catalog.models import database
from kiosk.errors import BadInput, StorageError

KINDS = {"category": "按主题分类", "issuer": "按发文机关", "year": "按年份"}
OTHER = ""  # the group of documents without a category, office or date
OTHER_LABELS = {"category": "其他（未分类）", "issuer": "其他（未注明机关）", "year": "未注明日期"}
PAGE_SIZE = 8

# One SQL expression per kind: the value a document is grouped under ('' when it has none).
_VALUE = {
    "category": "coalesce(category, '')",
    "issuer": "coalesce(issuer, '')",
    "year": "coalesce(substr(issued, 1, 4), '')",
}
_NEWEST = "ORDER BY issued IS NULL, issued DESC, title, id"  # list_documents' order: stable between pages


@dataclass(frozen=True)
class Group:
    kind: str
    value: str
    count: int

    @property
    def label(self) -> str:
        if self.value == OTHER:
            return OTHER_LABELS[self.kind]
        return f"{self.value}年" if self.kind == "year" else self.value


@dataclass
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int = PAGE_SIZE
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def page_text(self) -> str:
        return f"第 {self.page} / {self.pages} 页"


def _db():
    db = database.obj
    if db is None:
        raise StorageError("本地目录尚未打开。", "browse called before a catalog store was opened")
    return db


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise BadInput("没有这种浏览方式。", f"unknown browse kind {kind!r}")
    return kind


def _page_number(page: Any, total: int, page_size: int) -> int:
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    return max(1, min(number, max(1, math.ceil(total / page_size))))


def groups(kind: str) -> list[Group]:
    """Every value of one kind with its number of documents: years newest first, categories and
    offices by size (ties by name); the documents with no value last."""
    expr = _VALUE[_kind(kind)]
    rows = _db().execute_sql(f"SELECT {expr} AS v, count(*) FROM document GROUP BY v").fetchall()
    found = [Group(kind, value, count) for value, count in rows]
    if kind == "year":
        found.sort(key=lambda g: (g.value == OTHER, _negated(g.value)))
    else:
        found.sort(key=lambda g: (g.value == OTHER, -g.count, g.value))
    return found


def _negated(year: str) -> int:
    return -int(year) if year.isdigit() else 0


def documents(kind: str, value: str, page: Any = 1, page_size: int = PAGE_SIZE) -> Page:
    """One group's documents, newest first; a page past the end shows the last one."""
    expr = _VALUE[_kind(kind)]
    db = _db()
    if kind == "year" and value != OTHER:
        # A date range uses the index on issued; substr() would read every row.
        where, args = "issued >= ? AND issued < ?", (f"{value}-01-01", f"{_next_year(value)}-01-01")
    elif value == OTHER:
        where, args = f"{expr} = ''", ()
    else:
        where, args = f"{kind} = ?", (value,)
    total = db.execute_sql(f"SELECT count(*) FROM document WHERE {where}", args).fetchone()[0]
    number = _page_number(page, total, page_size)
    rows = db.execute_sql(
        f"SELECT id, title, doc_number, issuer, issued, validity FROM document WHERE {where} {_NEWEST} "
        "LIMIT ? OFFSET ?",
        (*args, page_size, (number - 1) * page_size),
    ).fetchall()
    return Page([_row(r) for r in rows], total, number, page_size)


def _next_year(value: str) -> int:
    try:
        return int(value) + 1
    except ValueError as exc:
        raise BadInput("年份不对。", f"not a year: {value!r}") from exc


def _row(row: tuple) -> dict[str, Any]:
    doc_id, title, doc_number, issuer, issued, validity = row
    issued = str(issued)[:10] if issued else None
    return {
        "id": doc_id,
        "title": title,
        "doc_number": doc_number,
        "issuer": issuer,
        "issued": issued,
        "validity": validity,
        "meta": "  ·  ".join(p for p in (doc_number, issuer, issued) if p),
    }


_INTERPRETATIONS = (
    "FROM document WHERE category = '政策解读' OR id IN (SELECT source_id FROM relation WHERE kind = 'interprets')"
)


def interpretations(page: Any = 1, page_size: int = PAGE_SIZE) -> Page:
    """The 政策解读, newest first, each with `policy`: the document it explains ({"id": None, …}
    when that policy is not in this catalog, None when the 解读 does not say which it is)."""
    db = _db()
    total = db.execute_sql(f"SELECT count(*) {_INTERPRETATIONS}").fetchone()[0]
    number = _page_number(page, total, page_size)
    rows = db.execute_sql(
        f"SELECT id, title, doc_number, issuer, issued, validity {_INTERPRETATIONS} {_NEWEST} LIMIT ? OFFSET ?",
        (page_size, (number - 1) * page_size),
    ).fetchall()
    out = []
    for row in rows:
        entry = _row(row)
        explained = relations.related(db, get_document(entry["id"]))["interprets"]
        entry["policy"] = explained[0] if explained else None
        out.append(entry)
    return Page(out, total, number, page_size)
