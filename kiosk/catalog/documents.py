"""Reading and writing documents in the catalog store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.catalog.models import Attachment, CatalogState, Document, database
from kiosk.catalog.record import AttachmentRef, DocumentRecord
from kiosk.errors import NotFound


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


def upsert_documents(records: Iterable[DocumentRecord]) -> UpsertResult:
    """Insert or replace documents by id in one transaction; unchanged content is left alone."""
    result = UpsertResult()
    now = datetime.now(UTC)
    with database.atomic():
        for record in records:
            digest = record.content_hash
            existing = Document.get_or_none(Document.id == record.id)
            if existing is not None and existing.content_hash == digest:
                result.unchanged += 1
                continue
            fields = {
                "title": record.title,
                "doc_number": record.doc_number,
                "doc_number_norm": record.doc_number_norm,
                "issuer": record.issuer,
                "issued": record.issued,
                "published": record.published,
                "category": record.category,
                "validity": record.validity,
                "index_no": record.index_no,
                "body": record.body,
                "source_url": record.source_url,
                "content_hash": digest,
                "updated_at": now,
            }
            if existing is None:
                Document.create(id=record.id, **fields)
                result.added += 1
            else:
                Document.update(**fields).where(Document.id == record.id).execute()
                Attachment.delete().where(Attachment.document == record.id).execute()
                result.changed += 1
            for ref in record.attachments:
                Attachment.insert(
                    document=record.id, name=ref.name, sha256=ref.sha256, size=ref.size, media_type=ref.media_type
                ).on_conflict_ignore().execute()
    return result


def delete_documents(doc_ids: Iterable[str]) -> int:
    ids = list(doc_ids)
    if not ids:
        return 0
    with database.atomic():
        return Document.delete().where(Document.id.in_(ids)).execute()


def get_state(key: str, default: str | None = None) -> str | None:
    row = CatalogState.get_or_none(CatalogState.key == key)
    return row.value if row else default


def set_state(key: str, value: str) -> None:
    CatalogState.insert(key=key, value=value).on_conflict_replace().execute()
