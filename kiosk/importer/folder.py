"""Import a folder: every page dump and JSON file becomes a record, and every file gets a report line.

Only regular files inside the folder are read (no symbolic links, FIFOs or devices, no attachment
path that leaves it), never more than a limit, and one bad file or document fails alone. JSON exports
are streamed and stored in batches, so memory stays bounded however large the folder or file."""

from __future__ import annotations

import errno
import hashlib
import logging
import mimetypes
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from kiosk.catalog.document_record import AttachmentRef, DocumentRecord, make_document_id
from kiosk.catalog.documents import set_state, upsert_documents
from kiosk.errors import BadInput, StorageError
from kiosk.importer.jsondoc import JsonEntry, normalize_keys, read_json_documents, read_json_lines
from kiosk.importer.pagedump import extract, html_to_text
from kiosk.importer.textutil import decode_bytes
from kiosk.sync.state import LAST_IMPORT

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".htm", ".html"}
JSON_SUFFIXES = {".json"}
JSON_LINES_SUFFIXES = {".jsonl", ".ndjson"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSON_LINES_SUFFIXES
MAX_FILE_BYTES = 20_000_000  # a page dump is read whole; a portal page is far smaller
MAX_FILE_LABEL = "20 MB"
BATCH = 500  # documents per transaction: bounded memory, and a crash keeps whole batches only
MAX_LISTED_PER_FILE = 1000  # report lines per file beyond which entries are counted, not listed
_CHUNK = 1 << 20
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


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
    """Counts of every outcome, and a line for each file; inside a multi-document file only the
    entries that were not ok are listed (up to MAX_LISTED_PER_FILE), so a 100k-document export
    does not make a 100k-line report."""

    items: list[ImportItem] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, item: ImportItem, *, listed: bool = True) -> None:
        self.counts[item.status] = self.counts.get(item.status, 0) + 1
        if listed:
            self.items.append(item)
            if item.status in ("partial", "failed"):
                log.warning(
                    "import %s: %s (missing %s; %s)", item.file, item.status, item.missing, "; ".join(item.notes)
                )

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

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


@dataclass(frozen=True)
class ImportProgress:
    files_done: int
    files_total: int
    documents_stored: int
    finished: bool = False


ProgressCallback = Callable[[ImportProgress], None]


@dataclass
class ParsedDocument:
    record: DocumentRecord
    files: dict[str, Path]  # sha256 → source path of each attachment


def display_name(name: str) -> str:
    """A file name as valid UTF-8 text: undecodable bytes become backslash escapes (bad\\xff.txt)."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _refused(zh: str, en: str) -> BadInput:
    return BadInput(zh, en, field="file")


def _inside(root: Path, path: Path) -> bool:
    return os.path.realpath(path).startswith(str(root) + os.sep)


def open_regular(path: Path, root: Path | None = None) -> BinaryIO:
    """Open a regular file for reading, refusing a symbolic link, a FIFO, a device or socket, and
    (given `root`, already a real path) anything whose real path is outside root. O_NOFOLLOW and
    O_NONBLOCK keep a file swapped after these checks from being followed or from hanging the read."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise _refused("找不到文件。", "no such file") from None
    except OSError as exc:
        raise _refused("无法读取文件。", f"unreadable: {exc.strerror}") from None
    if stat.S_ISLNK(mode):
        raise _refused("文件是符号链接，出于安全不读取。", "symbolic link, not read")
    if root is not None and not _inside(root, path):
        raise _refused("文件在导入文件夹之外，出于安全不读取。", "outside the import folder, not read")
    if not stat.S_ISREG(mode):
        raise _refused(
            "不是普通文件（管道、设备等），不读取。", "not a regular file (FIFO, device or socket), not read"
        )
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refused("文件是符号链接，出于安全不读取。", "symbolic link, not read") from None
        raise _refused("无法读取文件。", f"unreadable: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _refused(
            "不是普通文件（管道、设备等），不读取。", "not a regular file (FIFO, device or socket), not read"
        )
    return os.fdopen(fd, "rb")


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open_regular(path) as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def read_attachment(path: Path, sha256: str, size: int) -> bytes:
    """The bytes of an attachment the importer hashed, refused if the file changed since."""
    with open_regular(path) as handle:
        data = handle.read(size + 1)
    if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
        raise BadInput(f"附件 {path} 在导入后被改动，请重新导入。", f"attachment {path} changed after it was read")
    return data


def _attachment_refs(paths: list[Path]) -> tuple[tuple[AttachmentRef, ...], dict[str, Path]]:
    refs, files = [], {}
    for path in sorted(paths):
        sha, size = sha256_file(path)
        refs.append(AttachmentRef(path.name, sha, size, mimetypes.guess_type(path.name)[0]))
        files[sha] = path
    return tuple(refs), files


def _page_attachments(path: Path) -> list[Path]:
    """Regular files in the folder named after a page dump (notice.txt → notice/)."""
    folder = path.with_suffix("")
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        return []
    if stat.S_ISLNK(mode):
        raise _refused(
            "附件文件夹是符号链接，出于安全不读取。", f"attachment folder {folder.name}/ is a symbolic link, not read"
        )
    if not stat.S_ISDIR(mode):
        return []
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            shown = f"{folder.name}/{display_name(entry.name)}"
            if entry.is_symlink():
                raise _refused(
                    f"附件 {shown} 是符号链接，出于安全不读取。", f"attachment {shown} is a symbolic link, not read"
                )
            if entry.is_dir(follow_symlinks=False):
                continue
            if not entry.is_file(follow_symlinks=False):
                raise _refused(
                    f"附件 {shown} 不是普通文件，不读取。", f"attachment {shown} is not a regular file, not read"
                )
            found.append(Path(entry.path))
    return found


def parse_page_dump(path: Path, text: str, item: ImportItem) -> ParsedDocument:
    if path.suffix.lower() in HTML_SUFFIXES:
        text = html_to_text(text)
    found = extract(text)
    item.notes.extend(found.notes)
    title = found.title
    if not title:
        title = display_name(path.stem)  # an undecodable name would break the id and the store
        item.notes.append("no title found; the file name stands in")
        item.missing.append("title")
    for name in ("issuer", "issued"):
        if getattr(found, name) is None:
            item.missing.append(name)
    if not found.body:
        item.missing.append("body")
    refs, files = _attachment_refs(_page_attachments(path))
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


def _attachment_source(root: Path, base: Path, spec: str) -> Path:
    """Where a JSON document's attachment path points, refused unless it stays inside root."""
    if "\x00" in spec or os.path.isabs(spec):
        raise BadInput(
            f"附件路径 {spec!r} 不是导入文件夹内的相对路径，出于安全不读取。",
            f"attachment {spec!r} is an absolute path, outside the import folder",
            field="attachments",
        )
    source = Path(os.path.normpath(base / spec))
    if not _inside(root, source):
        raise BadInput(
            f"附件路径 {spec!r} 指向导入文件夹之外，出于安全不读取。",
            f"attachment {spec!r} is outside the import folder",
            field="attachments",
        )
    return source


def _json_attachments(data: dict, path: Path, root: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    attachments = data.get("attachments") or []
    if not isinstance(attachments, list):
        return files
    resolved = []
    for entry in attachments:
        if not (isinstance(entry, dict) and isinstance(entry.get("path"), str)):
            resolved.append(entry)
            continue
        source = _attachment_source(root, path.parent, entry["path"])
        try:
            (ref,), found = _attachment_refs([source])
        except BadInput as exc:
            raise BadInput(
                f"附件 {entry['path']!r} 无法读取：{exc.message_zh}",
                f"attachment {entry['path']!r}: {exc.message_en}",
                field="attachments",
            ) from None
        files.update(found)
        resolved.append(
            {
                "name": entry.get("name") or ref.name,
                "sha256": ref.sha256,
                "size": ref.size,
                "media_type": ref.media_type,
            }
        )
    data["attachments"] = resolved
    return files


def parse_json_document(path: Path, raw: object, root: Path | None = None) -> ParsedDocument:
    """One decoded JSON document → a record; attachment paths must stay inside `root` (default: the
    JSON file's own folder)."""
    data = normalize_keys(raw)
    if not isinstance(data, dict):
        return ParsedDocument(DocumentRecord.from_dict(data), {})
    data = dict(data)
    generated_id = not data.get("id")
    if generated_id:
        data["id"] = "pending"  # validate the fields first; the real id is made from them below
    files = _json_attachments(data, path, Path(os.path.realpath(root or path.parent)))
    record = DocumentRecord.from_dict(data)
    if generated_id:
        # From the values as written (unstripped), so ids match those of earlier imports.
        texts = [
            data.get(name) if isinstance(data.get(name), str) else None for name in ("issuer", "doc_number", "issued")
        ]
        record = replace(record, id=make_document_id(texts[0], texts[1], record.title, texts[2]))
    return ParsedDocument(record, files)


def _walk(root: Path, report: ImportReport) -> list[Path]:
    """Files to import under root, skipping hidden files and attachment folders (named after a dump).
    Symbolically linked folders are reported, never followed."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        name = display_name(os.path.relpath(exc.filename or str(root), root))
        report.add(ImportItem(name, "failed", notes=[f"folder unreadable: {exc.strerror}"]))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        directory = Path(dirpath)
        stems = {Path(name).stem for name in filenames if Path(name).suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES}
        kept = []
        for name in sorted(dirnames):
            if name.startswith(".") or name in stems:
                continue  # an attachment folder is read (and checked) with its page dump
            if os.path.islink(directory / name):
                shown = display_name(str((directory / name).relative_to(root)))
                report.add(ImportItem(shown, "failed", notes=["symbolic link to a folder, not followed"]))
                continue
            kept.append(name)
        dirnames[:] = kept
        found.extend(directory / name for name in sorted(filenames) if not name.startswith("."))
    return found


def iter_folder(
    root: Path, report: ImportReport, on_file: Callable[[int, int], None] | None = None
) -> Iterator[ParsedDocument]:
    """Parse every document file under `root`, one at a time; each file and refused document gets a
    line in `report`. Nothing is dropped silently, and nothing outside `root` is read."""
    if not root.is_dir():
        raise BadInput(f"找不到要导入的文件夹 {root}。", f"import source {root} is not a directory")
    root = Path(os.path.realpath(root))
    files = _walk(root, report)
    if on_file is not None:
        on_file(0, len(files))
    for done, path in enumerate(files, start=1):
        relative = display_name(str(path.relative_to(root)))
        suffix = path.suffix.lower()
        if suffix not in DOCUMENT_SUFFIXES:
            report.add(ImportItem(relative, "skipped", notes=["not a page dump or JSON document"]))
        elif suffix in JSON_SUFFIXES or suffix in JSON_LINES_SUFFIXES:
            yield from _json_file(root, path, relative, report)
        else:
            doc = _page_dump_file(root, path, relative, report)
            if doc is not None:
                yield doc
        if on_file is not None:
            on_file(done, len(files))


def parse_folder(root: Path) -> tuple[list[ParsedDocument], ImportReport]:
    """Every document under `root` in memory (publishing needs them all at once), and the report."""
    report = ImportReport()
    parsed = list(iter_folder(root, report))
    return parsed, report


def _read_page(root: Path, path: Path) -> bytes:
    with open_regular(path, root) as handle:
        if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
            raise _refused(f"文件大于 {MAX_FILE_LABEL} 的上限，未导入。", f"larger than the {MAX_FILE_LABEL} limit")
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:  # it grew while being read
        raise _refused(f"文件大于 {MAX_FILE_LABEL} 的上限，未导入。", f"larger than the {MAX_FILE_LABEL} limit")
    return raw


def _internal_error(relative: str, exc: Exception) -> ImportItem:
    log.error("import %s: the parser failed", relative, exc_info=exc)
    return ImportItem(
        relative, "failed", notes=[f"internal error while parsing ({exc.__class__.__name__}); see the log"]
    )


def _page_dump_file(root: Path, path: Path, relative: str, report: ImportReport) -> ParsedDocument | None:
    item = ImportItem(relative, "ok")
    try:
        text = decode_bytes(_read_page(root, path))
        if text is None or not text.strip():
            raise _refused("文件为空或不是 UTF-8/GB18030 文本。", "empty or not UTF-8/GB18030 text")
        doc = parse_page_dump(path, text, item)
    except BadInput as exc:
        report.add(ImportItem(relative, "failed", notes=[exc.message_en]))
        return None
    except (ValueError, LookupError, RecursionError) as exc:
        # A page the extractor cannot handle is that page's failure, not the whole import's.
        report.add(_internal_error(relative, exc))
        return None
    item.id, item.title = doc.record.id, doc.record.title
    if item.missing:
        item.status = "partial"
    report.add(item)
    return doc


def _json_file(root: Path, path: Path, relative: str, report: ImportReport) -> Iterator[ParsedDocument]:
    lines = path.suffix.lower() in JSON_LINES_SUFFIXES
    listed = 0
    unlisted: dict[str, int] = {}
    try:
        with open_regular(path, root) as handle:
            entries: Iterable[JsonEntry] = read_json_lines(handle) if lines else read_json_documents(handle)
            for entry in entries:
                if entry.index is None:
                    label = relative
                else:
                    label = f"{relative}:{entry.index}" if lines else f"{relative}#{entry.index}"
                item, doc = _json_entry(root, path, label, entry)
                # A file of one document always gets its line; in an export only the exceptions do.
                show = entry.index is None or (item.status != "ok" and listed < MAX_LISTED_PER_FILE)
                listed += show and entry.index is not None
                if not show and entry.index is not None and item.status != "ok":
                    unlisted[item.status] = unlisted.get(item.status, 0) + 1
                report.add(item, listed=show)
                if doc is not None:
                    yield doc
    except BadInput as exc:
        report.add(ImportItem(relative, "failed", notes=[exc.message_en]))
    for status, n in unlisted.items():
        note = f"{n} more {status} entries in this file, not listed (see the counts)"
        report.items.append(ImportItem(relative, status, notes=[note]))


def _json_entry(root: Path, path: Path, label: str, entry: JsonEntry) -> tuple[ImportItem, ParsedDocument | None]:
    if entry.error is not None:
        return ImportItem(label, "failed", notes=[entry.error.message_en], missing=[entry.error.field or "?"]), None
    try:
        doc = parse_json_document(path, entry.data, root)
    except BadInput as exc:
        return ImportItem(label, "failed", notes=[exc.message_en], missing=[exc.field or "?"]), None
    except (ValueError, LookupError, RecursionError) as exc:
        return _internal_error(label, exc), None
    # Many documents rightly have no 文号, so only a missing office or date makes an entry partial.
    missing = [name for name in ("issuer", "issued") if getattr(doc.record, name) is None]
    status = "partial" if missing or not doc.record.body else "ok"
    return ImportItem(label, status, doc.record.id, doc.record.title, missing=missing), doc


def store_attachment_files(files: dict[str, Path], files_dir: Path) -> None:
    """Copy attachments into the content-addressed store (files_dir/ab/abcdef…), atomically, and
    only if the bytes still hash to what the importer read."""
    for sha, source in files.items():
        target = files_dir / sha[:2] / sha
        if target.exists():
            continue
        temporary = target.with_suffix(".part")
        digest = hashlib.sha256()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open_regular(source) as reader, temporary.open("wb") as writer:
                for chunk in iter(lambda: reader.read(_CHUNK), b""):
                    digest.update(chunk)
                    writer.write(chunk)
                writer.flush()
                os.fsync(writer.fileno())
            if digest.hexdigest() != sha:
                temporary.unlink()
                raise BadInput(
                    f"附件 {display_name(str(source))} 在导入过程中被改动，请重新导入。",
                    f"attachment {display_name(str(source))} changed while importing",
                )
            temporary.replace(target)
        except OSError as exc:
            raise StorageError("保存附件失败，请检查磁盘空间。", f"cannot store attachment {sha}: {exc}") from exc


def _store_batch(batch: list[ParsedDocument], report: ImportReport, files_dir: Path) -> None:
    for doc in batch:
        store_attachment_files(doc.files, files_dir)
    result = upsert_documents(doc.record for doc in batch)
    if result.added or result.changed:
        # The freshness line must not call a catalog holding the office's own documents 演示目录.
        set_state(LAST_IMPORT, datetime.now(UTC).isoformat(timespec="seconds"))
    report.added += result.added
    report.changed += result.changed
    report.unchanged += result.unchanged


def import_into_store(parsed: list[ParsedDocument], report: ImportReport, files_dir: Path) -> ImportReport:
    """Store documents already parsed: attachments first, then the records, a batch per transaction."""
    for start in range(0, len(parsed), BATCH):
        _store_batch(parsed[start : start + BATCH], report, files_dir)
    return report


def import_folder(
    root: Path, files_dir: Path, *, progress: ProgressCallback | None = None, batch_size: int = BATCH
) -> ImportReport:
    """Read `root` and store what it holds as it goes, `batch_size` documents per transaction: a crash
    leaves the batches already committed (each whole, with its attachments and search rows), and
    importing again completes the rest."""
    report = ImportReport()
    files = {"done": 0, "total": 0}
    stored = 0

    def tell(finished: bool = False) -> None:
        if progress is not None:
            progress(ImportProgress(files["done"], files["total"], stored, finished))

    def on_file(done: int, total: int) -> None:
        files["done"], files["total"] = done, total
        tell()

    batch: list[ParsedDocument] = []
    for doc in iter_folder(root, report, on_file):
        batch.append(doc)
        if len(batch) >= batch_size:
            _store_batch(batch, report, files_dir)
            stored += len(batch)
            batch.clear()
            tell()
    if batch:
        _store_batch(batch, report, files_dir)
        stored += len(batch)
    tell(finished=True)
    return report
