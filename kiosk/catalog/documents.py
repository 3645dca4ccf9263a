"""Reading and writing documents in the catalog store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kiosk.catalog.models import Attachment, CatalogState, Document, database
from kiosk.errors import NotFound

if TYPE_CHECKING:  # imported where records are made: reading the catalog at start does not need them
    from kiosk.catalog.document_record import DocumentRecord


@dataclass
class UpsertResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


def document_to_dict(doc: Document, *, with_body: bool = False) -> dict[str, Any]:
    data = {
        "id": doc.id,
        "title": doc.title,
        "doc_number": doc.doc_number,
        "issuer": doc.issuer,
        "issued": _iso(doc.issued),
        "published": _iso(doc.published),
        "category": doc.category,
        "validity": doc.validity,
        "source_url": doc.source_url,
    }
    if with_body:
        data["index_no"] = doc.index_no
        data["body"] = doc.body
        data["attachments"] = [
            {"name": a.name, "sha256": a.sha256, "size": a.size, "media_type": a.media_type}
            for a in doc.attachments.order_by(Attachment.id)
        ]
    return data


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def list_documents(limit: int | None = None, offset: int = 0) -> list[Document]:
    """Newest first, then by title, so a list never reorders between calls."""
    query = Document.select().order_by(Document.issued.desc(nulls="LAST"), Document.title, Document.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(query)


def count_documents() -> int:
    return Document.select().count()


def get_document(doc_id: str) -> Document:
    doc = Document.get_or_none(Document.id == doc_id)
    if doc is None:
        raise NotFound(f"找不到编号为 {doc_id} 的文件。", f"no document with id {doc_id!r}")
    return doc


def record_from_document(doc: Document) -> DocumentRecord:
    from kiosk.catalog.document_record import AttachmentRef, DocumentRecord

    return DocumentRecord(
        id=doc.id,
        title=doc.title,
        doc_number=doc.doc_number,
        issuer=doc.issuer,
        issued=doc.issued,
        published=doc.published,
        category=doc.category,
        validity=doc.validity,
        index_no=doc.index_no,
        body=doc.body,
        source_url=doc.source_url,
        attachments=tuple(
            AttachmentRef(a.name, a.sha256, a.size, a.media_type) for a in doc.attachments.order_by(Attachment.id)
        ),
    )


_COLUMNS = (
    "title",
    "doc_number",
    "doc_number_norm",
    "issuer",
    "issued",
    "published",
    "category",
    "validity",
    "index_no",
    "body",
    "source_url",
    "content_hash",
    "updated_at",
)
# Plain statements (converted by each field's db_value): building peewee queries per record cost
# ~3 ms a document, minutes for a 100k-document sync.
_INSERT = f"INSERT INTO document (id, {', '.join(_COLUMNS)}) VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})"
_UPDATE = f"UPDATE document SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE id = ?"


def upsert_documents(records: Iterable[DocumentRecord]) -> UpsertResult:
    """Insert or replace documents by id in one transaction; unchanged content is left alone.

    The search index and the links between documents change in the same transaction.
    """
    from kiosk.catalog import search_index  # here: reading the catalog (the home screen at start) never needs it

    result = UpsertResult()
    now = datetime.now(UTC)
    previous: dict[str, search_index.DocText] = {}  # versions before this call, whose index rows go
    written: list[DocumentRecord] = []
    fields = Document._meta.fields
    with database.atomic():
        for record in records:
            digest = record.content_hash
            row = database.execute_sql("SELECT content_hash FROM document WHERE id = ?", (record.id,)).fetchone()
            if row is not None and row[0] == digest:
                result.unchanged += 1
                continue
            if row is not None and record.id not in previous:
                previous.update(search_index.read_documents(database, [record.id]))
            written.append(record)
            values = {name: getattr(record, name) for name in _COLUMNS[:-2]}
            values["content_hash"] = digest
            values["updated_at"] = now
            converted = [fields[name].db_value(values[name]) for name in _COLUMNS]
            if row is None:
                database.execute_sql(_INSERT, (record.id, *converted))
                result.added += 1
            else:
                database.execute_sql(_UPDATE, (*converted, record.id))
                database.execute_sql("DELETE FROM attachment WHERE document_id = ?", (record.id,))
                result.changed += 1
            for ref in record.attachments:
                Attachment.insert(
                    document=record.id, name=ref.name, sha256=ref.sha256, size=ref.size, media_type=ref.media_type
                ).on_conflict_ignore().execute()
        search_index.apply_changes(database, previous, written)
    return result


def delete_documents(doc_ids: Iterable[str]) -> int:
    from kiosk.catalog import search_index

    ids = list(doc_ids)
    if not ids:
        return 0
    with database.atomic():
        previous = search_index.read_documents(database, ids)
        search_index.apply_changes(database, previous, [], removed=ids)
        return Document.delete().where(Document.id.in_(ids)).execute()


def get_state(key: str, default: str | None = None) -> str | None:
    row = CatalogState.get_or_none(CatalogState.key == key)
    return row.value if row else default


def set_state(key: str, value: str) -> None:
    CatalogState.insert(key=key, value=value).on_conflict_replace().execute()
