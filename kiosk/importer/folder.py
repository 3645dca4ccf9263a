"""Import a folder: every page dump and JSON file becomes a record, and every file gets a report line."""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kiosk.catalog.documents import UpsertResult, set_state, upsert_documents
from kiosk.catalog.record import AttachmentRef, DocumentRecord, make_document_id
from kiosk.errors import BadInput, StorageError
from kiosk.importer.jsondoc import documents_in, normalize_keys
from kiosk.importer.pagedump import extract, html_to_text
from kiosk.importer.textutil import decode_bytes
from kiosk.sync.state import LAST_IMPORT

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".htm", ".html"}
JSON_SUFFIXES = {".json"}
MAX_FILE_BYTES = 20_000_000


@dataclass
class ImportItem:
    file: str
    status: str  # ok | partial | failed | skipped
    id: str | None = None
    title: str | None = None
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    items: list[ImportItem] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "ok": self.count("ok"),
            "partial": self.count("partial"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped"),
            "items": [item.__dict__ for item in self.items],
        }


@dataclass
class ParsedDocument:
    record: DocumentRecord
    files: dict[str, Path]  # sha256 → source path of each attachment


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _attachment_refs(paths: list[Path]) -> tuple[tuple[AttachmentRef, ...], dict[str, Path]]:
    refs, files = [], {}
    for path in sorted(paths):
        sha, size = sha256_file(path)
        refs.append(AttachmentRef(path.name, sha, size, mimetypes.guess_type(path.name)[0]))
        files[sha] = path
    return tuple(refs), files


def parse_page_dump(path: Path, text: str, item: ImportItem) -> ParsedDocument:
    if path.suffix.lower() in HTML_SUFFIXES:
        text = html_to_text(text)
    found = extract(text)
    item.notes.extend(found.notes)
    title = found.title
    if not title:
        title = path.stem
        item.notes.append("no title found; the file name stands in")
        item.missing.append("title")
    for name in ("issuer", "issued"):
        if getattr(found, name) is None:
            item.missing.append(name)
    if not found.body:
        item.missing.append("body")
    attachment_dir = path.with_suffix("")
    attachments = [p for p in attachment_dir.iterdir() if p.is_file()] if attachment_dir.is_dir() else []
    refs, files = _attachment_refs(attachments)
    record = DocumentRecord(
        id=make_document_id(found.issuer, found.doc_number, title, found.issued),
        title=title,
        doc_number=found.doc_number,
        issuer=found.issuer,
        issued=found.issued,
        published=found.published,
        category=found.category,
        validity=found.validity,
        index_no=found.index_no,
        body=found.body,
        source_url=found.source_url,
        attachments=refs,
    )
    return ParsedDocument(record, files)


def parse_json_document(path: Path, raw: object) -> ParsedDocument:
    data = normalize_keys(raw)
    if isinstance(data, dict):
        data = dict(data)
        if not data.get("id") and isinstance(data.get("title"), str):
            data["id"] = make_document_id(data.get("issuer"), data.get("doc_number"), data["title"], data.get("issued"))
        files: dict[str, Path] = {}
        attachments = data.get("attachments") or []
        if isinstance(attachments, list):
            resolved = []
            for entry in attachments:
                if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                    source = (path.parent / entry["path"]).resolve()
                    if not source.is_file():
                        raise BadInput(
                            f"找不到附件 {entry['path']}。",
                            f"attachment {entry['path']!r} not found",
                            field="attachments",
                        )
                    (ref,), found = _attachment_refs([source])
                    files.update(found)
                    resolved.append(
                        {
                            "name": entry.get("name") or ref.name,
                            "sha256": ref.sha256,
                            "size": ref.size,
                            "media_type": ref.media_type,
                        }
                    )
                else:
                    resolved.append(entry)
            data["attachments"] = resolved
        return ParsedDocument(DocumentRecord.from_dict(data), files)
    return ParsedDocument(DocumentRecord.from_dict(data), {})


def _document_files(root: Path) -> list[Path]:
    """Files to import under root, skipping hidden files and attachment folders (named after a dump)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        directory = Path(dirpath)
        stems = {Path(name).stem for name in filenames if Path(name).suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES}
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in stems)
        found.extend(directory / name for name in sorted(filenames) if not name.startswith("."))
    return found


def parse_folder(root: Path) -> tuple[list[ParsedDocument], ImportReport]:
    """Parse every document file under `root`. Nothing is dropped silently: each file is reported."""
    if not root.is_dir():
        raise BadInput(f"找不到要导入的文件夹 {root}。", f"import source {root} is not a directory")
    report = ImportReport()
    parsed: list[ParsedDocument] = []
    for path in _document_files(root):
        relative = str(path.relative_to(root))
        suffix = path.suffix.lower()
        if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES:
            report.items.append(ImportItem(relative, "skipped", notes=["not a page dump or JSON document"]))
            continue
        try:
            raw = path.read_bytes()[: MAX_FILE_BYTES + 1]
        except OSError as exc:
            report.items.append(ImportItem(relative, "failed", notes=[f"unreadable: {exc.strerror}"]))
            continue
        text = decode_bytes(raw) if len(raw) <= MAX_FILE_BYTES else None
        if text is None or not text.strip():
            reason = "too large" if len(raw) > MAX_FILE_BYTES else "empty or not UTF-8/GB18030 text"
            report.items.append(ImportItem(relative, "failed", notes=[reason]))
            continue
        if suffix in JSON_SUFFIXES:
            _parse_json_file(path, relative, text, parsed, report)
            continue
        item = ImportItem(relative, "ok")
        try:
            doc = parse_page_dump(path, text, item)
        except BadInput as exc:
            item.status, item.notes = "failed", [exc.message_en]
            report.items.append(item)
            continue
        item.id, item.title = doc.record.id, doc.record.title
        if item.missing:
            item.status = "partial"
        parsed.append(doc)
        report.items.append(item)
    for item in report.items:
        if item.status in ("partial", "failed"):
            log.warning("import %s: %s (missing %s; %s)", item.file, item.status, item.missing, "; ".join(item.notes))
    return parsed, report


def _parse_json_file(path: Path, relative: str, text: str, parsed: list, report: ImportReport) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        report.items.append(ImportItem(relative, "failed", notes=[f"invalid JSON: {exc}"]))
        return
    entries = documents_in(data)
    for n, entry in enumerate(entries):
        label = relative if len(entries) == 1 else f"{relative}#{n}"
        try:
            doc = parse_json_document(path, entry)
        except BadInput as exc:
            report.items.append(ImportItem(label, "failed", notes=[exc.message_en], missing=[exc.field or "?"]))
            continue
        # Many documents rightly have no 文号, so only a missing office or date makes an entry partial.
        missing = [name for name in ("issuer", "issued") if getattr(doc.record, name) is None]
        status = "partial" if missing or not doc.record.body else "ok"
        report.items.append(ImportItem(label, status, doc.record.id, doc.record.title, missing=missing))
        parsed.append(doc)


def store_attachment_files(files: dict[str, Path], files_dir: Path) -> None:
    """Copy attachments into the content-addressed store (files_dir/ab/abcdef…), atomically."""
    for sha, source in files.items():
        target = files_dir / sha[:2] / sha
        if target.exists():
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".part")
            shutil.copyfile(source, temporary)
            with temporary.open("rb") as handle:
                os.fsync(handle.fileno())
            temporary.replace(target)
        except OSError as exc:
            raise StorageError("保存附件失败，请检查磁盘空间。", f"cannot store attachment {sha}: {exc}") from exc


def import_into_store(parsed: list[ParsedDocument], report: ImportReport, files_dir: Path) -> ImportReport:
    """Store attachments first, then upsert every record in one transaction."""
    for doc in parsed:
        store_attachment_files(doc.files, files_dir)
    result: UpsertResult = upsert_documents(doc.record for doc in parsed)
    if result.added or result.changed:
        # The freshness line must not call a catalog holding the office's own documents 演示目录.
        set_state(LAST_IMPORT, datetime.now(UTC).isoformat(timespec="seconds"))
    report.added, report.changed, report.unchanged = result.added, result.changed, result.unchanged
    return report
