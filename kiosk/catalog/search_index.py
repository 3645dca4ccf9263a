"""Keep the full-text index in step with the documents, inside the writer's transaction.

Design (measured in benchmarks/search.py; docs/search.md explains it, docs/benchmarks.md has the figures):

* Two contentless FTS5 tables with SQLite's `trigram` tokenizer, fed text we lay out so that its
  3-character windows are exactly the tokens we want. For a run 政务公开 we store
  " 政 务 公 开 " (windows " 政 ", "政 务" …: every character and every adjacent pair) and, after a
  double space, "政务公开" (windows 政务公, 务公开: every real trigram). A query term of one or
  two characters is then a single token and of three or more an AND of trigrams, so 1- and
  2-character queries and words no dictionary knows all match, with recall 1 against a
  substring oracle.
* `search_body` (title + 文号 + issuer + body, `detail=none`): doc-level postings only, about
  half the raw text in size at 100k documents; counting 100k matches takes a few ms.
* `search_head` (title, 文号, issuer, their pinyin and initials, `detail=full`): small, so exact
  phrases and bm25 with column weights stay cheap; it ranks the documents whose title, 文号 or
  issuer matches ahead of body-only matches.
* The FTS rowid is a rank key: validity band, then newest first, then insertion order. Body
  matches come out of FTS5 already in rank order, so a page needs no sort over all matches.
* Filters are marker tokens (private-use characters a query can never produce) for issuer,
  category and year; validity is a rowid range.

Changing any of the text layouts below requires a migration that rebuilds the index: contentless
FTS5 rows are deleted by repeating exactly the text they were inserted with.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.catalog.normalize import fold, initial_pairs, runs, text_reading
from kiosk.catalog.relations import number_tail, refresh_relations, title_key

log = logging.getLogger(__name__)

BODY_TABLE = "search_body"
HEAD_TABLE = "search_head"
HEAD_COLUMNS = ("title", "number", "issuer", "pinyin", "initials", "marks")

# Validity bands of the rank key: valid documents first, repealed ones last.
VALIDITY_BANDS = {"有效": 0, "修订": 1, "失效": 2, "废止": 3}
# key = band | days from 2100-01-01 back to the document's date | sequence within that day.
# Kept small on purpose: FTS5 stores rowid deltas as varints, and days 2^24 apart made the body
# index 1.7 times the size it has with days 2^12 apart.
SEQ_BITS = 12
SEQ_MAX = (1 << SEQ_BITS) - 1
BAND_SHIFT = 29
_EPOCH = date(1900, 1, 1).toordinal()
DAY_MAX = date(2100, 1, 1).toordinal() - _EPOCH
# Past every dated slot of a band: undated documents, and a day's overflow beyond 4096 documents.
SPILL = (DAY_MAX + 1) << SEQ_BITS
_IN_BAND = (1 << BAND_SHIFT) - 1

# Marker kinds (private-use characters: folded query text never contains them).
MARK_ISSUER, MARK_CATEGORY, MARK_YEAR = "\ue001", "\ue002", "\ue003"


def band_of(validity: str | None) -> int:
    return VALIDITY_BANDS.get(validity or "有效", 0)


def band_range(band: int) -> tuple[int, int]:
    return band << BAND_SHIFT, ((band + 1) << BAND_SHIFT) - 1


def key_base(validity: str | None, issued: date | None) -> int:
    """The rank key without its sequence part: band, then newer first; undated documents last."""
    band = band_of(validity) << BAND_SHIFT
    if issued is None:
        return band | SPILL
    days = max(0, min(DAY_MAX, issued.toordinal() - _EPOCH))
    return band | ((DAY_MAX - days) << SEQ_BITS)


def marker(kind: str, number: int) -> str:
    """A 3-character token standing for one filter value (ids up to 65535: issuers of one catalog)."""
    return kind + chr(0xE100 + ((number >> 8) & 0xFF)) + chr(0xE100 + (number & 0xFF))


def _spaced(found: list[str]) -> str:
    """Runs with a space between characters and two between runs ("政 务  公 开")."""
    # Through UTF-32 code points in numpy: str.join over a string makes an object per character,
    # and the generator version of this line cost a sixth of the whole index build. Imported here: only
    # indexing needs it, and a terminal's start (which opens this module) is 60 ms sooner without it.
    import numpy as np

    codes = np.frombuffer("\0".join(found).encode("utf-32-le"), dtype=np.uint32)
    if not len(codes):
        return ""
    spaced = np.full(2 * len(codes) - 1, 32, dtype=np.uint32)
    spaced[::2] = codes
    return spaced.tobytes().decode("utf-32-le").replace(" \0 ", "  ")


def interleave(text: str) -> str:
    """Folded text laid out for the trigram tokenizer: every character and pair, then every trigram."""
    found = runs(fold(text))
    if not found:
        return ""
    return f"  {_spaced(found)}  {'  '.join(found)}  "


def spaced_chars(text: str) -> str:
    """One column of the head index: characters and pairs only (phrases there are positional)."""
    found = runs(fold(text))
    return "  " + _spaced(found) + "  " if found else ""


def pinyin_text(*texts: str | None) -> tuple[str, str]:
    """The pinyin and initials columns: each syllable, and each pair of initials, as one
    private-use character (normalize.syllable_symbols / initial_pairs), laid out like Chinese text
    so that a reading is an exact phrase of single tokens and pairs."""
    full, initials = [], []
    for text in texts:
        if not text:
            continue
        symbols, letters = text_reading(text)
        if letters:
            full.append(" ".join(symbols))
            initials.append(" ".join(initial_pairs(letters)))
    if not full:
        return "", ""
    return "  " + "  ".join(full) + "  ", "  " + "  ".join(initials) + "  "


@dataclass(frozen=True)
class IndexRow:
    """What the index holds for one document, enough to insert it and to delete it again."""

    key: int
    doc_id: str
    title: str
    doc_number: str | None
    issuer: str | None
    category: str | None
    validity: str
    issued: date | None
    body: str

    @classmethod
    def of(cls, key: int, doc: Any) -> IndexRow:
        """From a DocumentRecord, a Document or a DocText."""
        number = getattr(doc, "doc_number_norm", None) or doc.doc_number
        return cls(
            key, doc.id, doc.title, number, doc.issuer, doc.category, doc.validity or "有效", doc.issued, doc.body or ""
        )


class _Values:
    """Ids of issuers and categories (for marker tokens and facet arrays), cached per transaction."""

    def __init__(self, db) -> None:
        self.db = db
        self.cache: dict[tuple[str, str], int] = {}

    def id_of(self, kind: str, value: str | None) -> int:
        if not value:
            return 0
        cached = self.cache.get((kind, value))
        if cached is not None:
            return cached
        row = self.db.execute_sql("SELECT id FROM search_value WHERE kind = ? AND value = ?", (kind, value)).fetchone()
        if row is None:
            cursor = self.db.execute_sql("INSERT INTO search_value (kind, value) VALUES (?, ?)", (kind, value))
            number = cursor.lastrowid
        else:
            number = row[0]
        self.cache[(kind, value)] = number
        return number


def _texts(row: IndexRow, values: _Values) -> tuple[str, tuple[str, ...], int, int]:
    issuer_id = values.id_of("issuer", row.issuer)
    category_id = values.id_of("category", row.category)
    body, head = _layout(row, issuer_id, category_id)
    return body, head, issuer_id, category_id


def _layout(row: IndexRow, issuer_id: int, category_id: int) -> tuple[str, tuple[str, ...]]:
    """The text of the row in both FTS tables (no database access)."""
    marks = [marker(MARK_ISSUER, issuer_id), marker(MARK_CATEGORY, category_id)]
    if row.issued:
        marks.append(marker(MARK_YEAR, row.issued.year))
    marks_text = "  " + "  ".join(marks) + "  "
    body = interleave(" ".join(filter(None, (row.title, row.doc_number, row.issuer, row.body)))) + marks_text
    pinyin, initials = pinyin_text(row.title, row.issuer)
    head = (
        spaced_chars(row.title),
        spaced_chars(row.doc_number or ""),
        spaced_chars(row.issuer or ""),
        pinyin,
        initials,
        marks_text,
    )
    return body, head


def _prepare(rows: list[tuple[IndexRow, int, int]]) -> tuple[list, list, list]:
    docs, bodies, heads = [], [], []
    for row, issuer_id, category_id in rows:
        body, head = _layout(row, issuer_id, category_id)
        year = row.issued.year if row.issued else 0
        docs.append(
            (
                row.key,
                row.doc_id,
                issuer_id,
                category_id,
                year,
                band_of(row.validity),
                title_key(row.title),
                number_tail(row.doc_number),
            )
        )
        bodies.append((row.key, body))
        heads.append((row.key, *head))
    return docs, bodies, heads


def _insert(db, rows: Sequence[IndexRow], values: _Values, *, chunk: int = 500) -> None:
    """Insert index rows in ascending key order, a chunk at a time.

    FTS5 flushes its in-memory segment whenever a rowid is lower than the previous one, so rows in
    random key order made many small segments and tripled the build time. (Laying out the next
    chunk in a thread while SQLite tokenises this one was measured: slower, the GIL hand-offs
    cost more than the overlap gained.)
    """
    ordered = sorted(rows, key=lambda row: row.key)
    # Value ids touch the database: resolved here, on the writer's connection and thread.
    chunks = [
        [(row, values.id_of("issuer", row.issuer), values.id_of("category", row.category)) for row in part]
        for part in (ordered[i : i + chunk] for i in range(0, len(ordered), chunk))
    ]
    cursor = db.cursor()
    for part in chunks:
        docs, bodies, heads = _prepare(part)
        cursor.executemany(
            "INSERT INTO search_doc (key, doc_id, issuer_id, category_id, year, band, title_key, number_tail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            docs,
        )
        cursor.executemany(f"INSERT INTO {BODY_TABLE} (rowid, text) VALUES (?, ?)", bodies)
        cursor.executemany(
            f"INSERT INTO {HEAD_TABLE} (rowid, {', '.join(HEAD_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)", heads
        )


def _delete(db, rows: Sequence[IndexRow], values: _Values) -> None:
    """Remove index rows by repeating their text, in ascending key order (see _insert)."""
    bodies, heads = [], []
    for row in sorted(rows, key=lambda row: row.key):
        body, head, _, _ = _texts(row, values)
        bodies.append((row.key, body))
        heads.append((row.key, *head))
    cursor = db.cursor()
    cursor.executemany(f"INSERT INTO {BODY_TABLE} ({BODY_TABLE}, rowid, text) VALUES ('delete', ?, ?)", bodies)
    cursor.executemany(
        f"INSERT INTO {HEAD_TABLE} ({HEAD_TABLE}, rowid, {', '.join(HEAD_COLUMNS)}) "
        "VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)",
        heads,
    )
    cursor.executemany("DELETE FROM search_doc WHERE key = ?", [(row.key,) for row in rows])


class _Keys:
    """Allocates rank keys: the next free sequence number of the key's band and day."""

    def __init__(self, db) -> None:
        self.db = db
        self.next: dict[int, int] = {}

    @staticmethod
    def _slot_end(base: int) -> int:
        if base & SPILL == SPILL and base & ((1 << BAND_SHIFT) - 1) >= SPILL:
            return base | ((1 << BAND_SHIFT) - 1)  # the spill region runs to the band's end
        return base + SEQ_MAX

    def _load(self, base: int) -> None:
        if base not in self.next:
            row = self.db.execute_sql(
                "SELECT max(key) FROM search_doc WHERE key BETWEEN ? AND ?", (base, self._slot_end(base))
            ).fetchone()
            self.next[base] = (row[0] + 1) if row[0] is not None else base

    def reserve(self, key: int) -> None:
        """A key kept by a changed document: never hand it out again."""
        base = self._base_of(key)
        self._load(base)
        self.next[base] = max(self.next[base], key + 1)

    @staticmethod
    def _base_of(key: int) -> int:
        if key & _IN_BAND >= SPILL:
            return (key & ~_IN_BAND) | SPILL
        return key & ~SEQ_MAX

    def allocate(self, base: int) -> int:
        self._load(base)
        key = self.next[base]
        if key > self._slot_end(base):
            # More than 4096 documents of one band on one day: the rest rank after the dated ones.
            return self.allocate((base & ~_IN_BAND) | SPILL)
        self.next[base] = key + 1
        return key


@dataclass(frozen=True)
class DocText:
    """A document as read straight from the table (the models need not be bound, e.g. in migrations)."""

    id: str
    title: str
    doc_number: str | None
    doc_number_norm: str | None
    issuer: str | None
    category: str | None
    validity: str
    issued: date | None
    body: str

    COLUMNS = "id, title, doc_number, doc_number_norm, issuer, category, validity, issued, body"

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> DocText:
        issued = row[7]
        if isinstance(issued, str):
            issued = date.fromisoformat(issued[:10]) if issued else None
        return cls(row[0], row[1], row[2], row[3], row[4], row[5], row[6] or "有效", issued, row[8] or "")


def read_documents(db, doc_ids: Iterable[str]) -> dict[str, DocText]:
    ids = list(doc_ids)
    found: dict[str, DocText] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.execute_sql(
            f"SELECT {DocText.COLUMNS} FROM document WHERE id IN ({', '.join('?' * len(chunk))})", chunk
        ).fetchall()
        found.update((row[0], DocText.from_row(row)) for row in rows)
    return found


def _stored_keys(db, doc_ids: list[str]) -> dict[str, int]:
    keys: dict[str, int] = {}
    for start in range(0, len(doc_ids), 500):
        chunk = doc_ids[start : start + 500]
        keys.update(
            db.execute_sql(
                f"SELECT doc_id, key FROM search_doc WHERE doc_id IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall()
        )
    return keys


def apply_changes(db, previous: dict[str, Any], new_docs: Sequence[Any], removed: Iterable[str] = ()) -> None:
    """Re-index `new_docs` (replacing `previous`, their versions before this transaction changed
    them) and drop `removed`. Call inside the writer's transaction, with the links refreshed too."""
    removed = set(removed)
    new_by_id = {doc.id: doc for doc in new_docs}  # the last version wins if an id comes twice
    stored = _stored_keys(db, [i for i in {*previous, *removed} if i in previous])
    values, keys = _Values(db), _Keys(db)
    stale = [IndexRow.of(stored[i], previous[i]) for i in stored if i in new_by_id or i in removed]
    kept: dict[str, int] = {}
    for doc in new_by_id.values():
        old_key = stored.get(doc.id)
        # Same band and day: keep the key, so the document keeps its place among equals.
        if old_key is not None and _Keys._base_of(old_key) == key_base(doc.validity, doc.issued):
            kept[doc.id] = old_key
    if stale:
        _delete(db, stale, values)
    for key in kept.values():
        keys.reserve(key)
    rows = [
        IndexRow.of(kept.get(doc.id) or keys.allocate(key_base(doc.validity, doc.issued)), doc)
        for doc in new_by_id.values()
    ]
    if rows:
        _insert(db, rows, values)
    refresh_relations(db, list(new_by_id.values()))
    if stale or rows:
        bump_generation(db)


def bump_generation(db) -> None:
    """Readers (the facet arrays) reload when this changes; committed with the documents."""
    db.execute_sql(
        "INSERT OR REPLACE INTO catalog_state (key, value) VALUES ('search_generation', ?)", (uuid.uuid4().hex,)
    )


def rebuild_index(db, *, batch: int = 1000) -> int:
    """Index every document from scratch (after a migration changed the layout, or for benchmarks).

    Uses the connection only, not the models: it also runs while a database is being migrated.
    """
    with db.atomic():
        db.execute_sql("DELETE FROM search_doc")
        db.execute_sql(f"INSERT INTO {BODY_TABLE} ({BODY_TABLE}) VALUES ('delete-all')")
        db.execute_sql(f"INSERT INTO {HEAD_TABLE} ({HEAD_TABLE}) VALUES ('delete-all')")
        db.execute_sql("DELETE FROM relation")
        bulk_settings(db)
        values, keys = _Values(db), _Keys(db)
        # Keys first (from the few columns they depend on), then the documents in key order.
        keyed = []
        for doc_id, validity, issued in db.execute_sql("SELECT id, validity, issued FROM document ORDER BY id"):
            when = date.fromisoformat(str(issued)[:10]) if issued else None
            keyed.append((keys.allocate(key_base(validity, when)), doc_id))
        keyed.sort()
        for start in range(0, len(keyed), batch):
            part = keyed[start : start + batch]
            docs = read_documents(db, [doc_id for _, doc_id in part])
            _insert(db, [IndexRow.of(key, docs[doc_id]) for key, doc_id in part if doc_id in docs], values)
            refresh_relations(db, list(docs.values()))
        bump_generation(db)
        optimize(db)
    return len(keyed)


# FTS5 writes its in-memory terms out as a new segment whenever they exceed `hashsize` (1 MB by
# default), and merges segments as they pile up: a bulk load wrote thousands of small segments and
# merged them again and again. With 64 MB, 10k documents were written in half the wall time (the
# database 13% smaller before the final optimize, which then took a quarter of its time). FTS5
# keeps the setting in the table's config; it bounds the memory of one writing transaction, which
# only a bulk import or a rebuild ever fills.
HASH_SIZE = 64 * 1024 * 1024


def bulk_settings(db) -> None:
    """FTS5 settings for large writes (kept in the index: imports of a whole catalog use them too)."""
    for table in (BODY_TABLE, HEAD_TABLE):
        db.execute_sql(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", (HASH_SIZE,))


def optimize(db) -> None:
    """Merge FTS segments into one (faster queries); worth it after a bulk load."""
    db.execute_sql(f"INSERT INTO {BODY_TABLE} ({BODY_TABLE}) VALUES ('optimize')")
    db.execute_sql(f"INSERT INTO {HEAD_TABLE} ({HEAD_TABLE}) VALUES ('optimize')")
