"""A document as it travels (importer → store → feed → terminal): validated, hashable, JSON-able."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from kiosk.catalog.docnumber import normalize_doc_number
from kiosk.catalog.models import VALIDITIES
from kiosk.errors import BadInput

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
# Control characters other than tab and newline; a regex, because a per-character Python loop over
# 100k bodies of ~1,500 characters cost seconds in every sync and import.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff]")  # lone surrogates cannot be stored as UTF-8
MAX_TITLE = 300
MAX_BODY = 2_000_000


@dataclass(frozen=True)
class AttachmentRef:
    name: str
    sha256: str
    size: int
    media_type: str | None = None


@dataclass(frozen=True)
class DocumentRecord:
    id: str
    title: str
    doc_number: str | None = None
    issuer: str | None = None
    issued: date | None = None
    published: date | None = None
    category: str | None = None
    validity: str = "有效"
    index_no: str | None = None
    body: str = ""
    source_url: str | None = None
    attachments: tuple[AttachmentRef, ...] = field(default_factory=tuple)

    @property
    def doc_number_norm(self) -> str | None:
        return normalize_doc_number(self.doc_number)

    def to_dict(self) -> dict[str, Any]:
        # Field by field rather than dataclasses.asdict, whose deep copies made this (and so
        # content_hash) cost ~0.3 ms a document: half a minute per pass over 100k documents.
        data = {f.name: getattr(self, f.name) for f in _RECORD_FIELDS}
        data["issued"] = self.issued.isoformat() if self.issued else None
        data["published"] = self.published.isoformat() if self.published else None
        data["attachments"] = [{f.name: getattr(a, f.name) for f in _ATTACHMENT_FIELDS} for a in self.attachments]
        return data

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(cls, data: Any) -> DocumentRecord:
        """Validate untrusted data (a JSON file, a feed entry); raise BadInput naming the field."""
        if not isinstance(data, dict):
            raise _bad("document", "文档数据格式错误。", "document must be a JSON object")
        doc_id = data.get("id")
        if not isinstance(doc_id, str) or not _ID_RE.match(doc_id):
            raise _bad("id", "文档编号无效。", f"invalid document id {doc_id!r}")
        title = _text(data, "title", required=True, limit=MAX_TITLE)
        validity = data.get("validity") or "有效"
        if validity not in VALIDITIES:
            raise _bad("validity", "有效性只能是 有效/失效/废止/修订。", f"invalid validity {validity!r}")
        attachments = data.get("attachments") or []
        if not isinstance(attachments, list):
            raise _bad("attachments", "附件列表格式错误。", "attachments must be a list")
        return cls(
            id=doc_id,
            title=title,
            doc_number=_text(data, "doc_number", limit=100),
            issuer=_text(data, "issuer", limit=200),
            issued=_date(data, "issued"),
            published=_date(data, "published"),
            category=_text(data, "category", limit=100),
            validity=validity,
            index_no=_text(data, "index_no", limit=100),
            body=_text(data, "body", limit=MAX_BODY) or "",
            source_url=_url(data),
            attachments=tuple(_attachment(item) for item in attachments),
        )


_RECORD_FIELDS = fields(DocumentRecord)
_ATTACHMENT_FIELDS = fields(AttachmentRef)


def make_document_id(issuer: str | None, doc_number: str | None, title: str, issued: date | None) -> str:
    """A stable id from what identifies a document, so re-importing updates instead of duplicating."""
    key = "|".join([issuer or "", normalize_doc_number(doc_number) or doc_number or title, str(issued or "")])
    return "d" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:15]


def _bad(field_name: str, zh: str, en: str) -> BadInput:
    return BadInput(zh, en, field=field_name)


def _text(data: dict, key: str, *, required: bool = False, limit: int) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise _bad(key, f"缺少必填项“{key}”。", f"missing required field {key!r}")
        return None
    if not isinstance(value, str):
        raise _bad(key, f"“{key}”应为文本。", f"field {key!r} must be a string")
    if len(value) > limit:
        raise _bad(key, f"“{key}”过长。", f"field {key!r} longer than {limit} characters")
    if _CONTROL.search(value):
        raise _bad(key, f"“{key}”含有无效字符。", f"field {key!r} contains control characters")
    return value.strip() if key != "body" else value


def _date(data: dict, key: str) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        pass
    raise _bad(key, f"“{key}”日期格式应为 YYYY-MM-DD。", f"field {key!r} must be YYYY-MM-DD, got {value!r}")


def _url(data: dict) -> str | None:
    value = _text(data, "source_url", limit=2000)
    if value and not re.match(r"^https?://", value):
        raise _bad("source_url", "来源网址无效。", f"source_url must be http(s), got {value!r}")
    return value


def _attachment(item: Any) -> AttachmentRef:
    if not isinstance(item, dict):
        raise _bad("attachments", "附件格式错误。", "attachment must be an object")
    name = _text(item, "name", required=True, limit=255)
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise _bad("attachments", "附件名称无效。", f"attachment name {name!r} is not a plain file name")
    sha = item.get("sha256")
    size = item.get("size")
    if not isinstance(sha, str) or not _SHA_RE.match(sha):
        raise _bad("attachments", "附件校验值无效。", "attachment sha256 must be 64 lowercase hex digits")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _bad("attachments", "附件大小无效。", "attachment size must be a non-negative integer")
    return AttachmentRef(name=name, sha256=sha, size=size, media_type=_text(item, "media_type", limit=100))
