"""Small real catalogs for the search tests: the five demo seeds and a generated government corpus."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from benchmarks.corpus import generate_documents
from kiosk.catalog.catalog_db import open_store
from kiosk.catalog.document_record import DocumentRecord
from kiosk.catalog.documents import upsert_documents
from kiosk.catalog.models import database
from kiosk.catalog.normalize import fold, normalize_query
from kiosk.importer import import_into_store, parse_folder
from tests.conftest import SEEDS

SEED_IDS = {}  # 文号 or title → id, filled by build_seed_catalog


def build_seed_catalog(path: Path, *, generated: int = 0, extra: list[DocumentRecord] = ()):
    """A store at `path` holding the seeds (through the real importer), `generated` corpus documents
    and `extra` records."""
    db = open_store(path)
    parsed, report = parse_folder(SEEDS)
    import_into_store(parsed, report, path.parent / "files")
    for doc in parsed:
        SEED_IDS[doc.record.doc_number_norm or doc.record.title] = doc.record.id
    if generated:
        upsert_documents(generate_documents(generated, seed=3))
    if extra:
        upsert_documents(extra)
    return db


def use(db) -> None:
    """Bind the models to `db` (another test may have opened a different store meanwhile)."""
    database.initialize(db)


def haystack(db, doc_id: str) -> str:
    row = db.execute_sql(
        "SELECT title, coalesce(doc_number, ''), coalesce(doc_number_norm, ''), coalesce(issuer, ''), body "
        "FROM document WHERE id = ?",
        (doc_id,),
    ).fetchone()
    return fold(" ".join(row))


def oracle(db, query: str) -> set[str]:
    """Ids of documents that contain every typed term as a substring: the truth for Chinese queries."""
    terms = normalize_query(query).terms
    rows = db.execute_sql("SELECT id FROM document").fetchall()
    return {doc_id for (doc_id,) in rows if all(t in haystack(db, doc_id) for t in terms)}


def record(doc_id: str, title: str, body: str = "", **fields) -> DocumentRecord:
    fields.setdefault("issuer", "测试市人民政府办公室")
    fields.setdefault("issued", date(2024, 1, 1))
    return replace(DocumentRecord(id=doc_id, title=title, body=body), **fields)
