"""Publish a folder of documents as a signed, content-addressed static feed that any web server, CDN
or USB stick can carry. Objects are immutable and written first; the signed root is written last,
atomically, so a terminal reading the folder mid-publish sees the old feed or the new one."""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.catalog.document_record import DocumentRecord
from kiosk.errors import BadInput, KioskError
from kiosk.importer import parse_folder, read_attachment
from kiosk.sync.feed import (
    ROOT_NAME,
    Entry,
    ObjectRef,
    Root,
    ShardRef,
    bundle_of,
    choose_shard_bits,
    encode_document,
    encode_shard,
    object_path,
    parse_root,
    parse_shard,
    sha256_bytes,
    shard_of,
)
from kiosk.sync.regions import RegionsFormatError, encode_regions
from kiosk.sync.signing import key_id, load_private_key, sign_root, verify_root
from kiosk.workdays import CalendarFormatError, encode_calendar

if TYPE_CHECKING:
    from kiosk.sync.updater import Progress

log = logging.getLogger(__name__)


@dataclass
class PublishReport:
    feed: str
    changed: bool
    version_before: int | None
    version_after: int | None
    documents: int = 0
    added: int = 0
    updated: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed_files: list[str] = field(default_factory=list)
    objects_written: int = 0
    bytes_written: int = 0
    shards: int = 0
    shards_written: int = 0
    total_bytes: int = 0
    expires: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class _Writer:
    """Writes immutable objects into the feed once; counts what it wrote."""

    def __init__(self, feed: Path) -> None:
        self.feed = feed
        self.objects = 0
        self.bytes = 0

    def path(self, sha: str) -> Path:
        return self.feed / object_path(sha)

    def put(self, sha: str, data: bytes) -> bool:
        target = self.path(sha)
        if target.is_file() and target.stat().st_size == len(data):
            return False
        self._write(target, data)
        return True

    def put_file(self, sha: str, size: int, source: Path) -> None:
        target = self.path(sha)
        if target.is_file():
            return
        # Through the importer's checks again: the file may have become a link or a FIFO since.
        self._write(target, read_attachment(source, sha, size))

    def _write(self, target: Path, data: bytes) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(target.name + ".tmp")
            temporary.write_bytes(data)
            temporary.replace(target)
        except OSError as exc:
            raise BadInput(f"无法写入发布目录 {self.feed}。", f"cannot write {target}: {exc}") from exc
        self.objects += 1
        self.bytes += len(data)


def _previous(feed: Path, trusted: dict) -> tuple[Root | None, dict[str, Entry]]:
    """The feed as last published: its root (which must verify with one of our keys) and entries."""
    root_file = feed / ROOT_NAME
    if not root_file.exists():
        return None, {}
    try:
        root = parse_root(verify_root(root_file.read_bytes(), trusted))
    except KioskError as exc:
        raise BadInput(
            f"发布目录 {feed} 中现有的目录索引无法用所给密钥验证，未发布。轮换密钥时请同时提供新旧两把密钥。",
            f"existing root in {feed} does not verify with the given keys: {exc.message_en}",
            field="key",
        ) from exc
    entries: dict[str, Entry] = {}
    for key, ref in root.shards.items():
        path = feed / object_path(ref.sha256)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"发布目录 {feed} 不完整（缺少分片 {key}）。", f"missing shard object {path}") from exc
        if sha256_bytes(data) != ref.sha256:
            raise BadInput(f"发布目录 {feed} 中的分片 {key} 已损坏。", f"shard object {path} is corrupt")
        for entry in parse_shard(data, key, root.shard_bits):
            entries[entry.id] = entry
    return root, entries


def _load_calendar(path: Path) -> bytes:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return encode_calendar(data)
    except OSError as exc:
        raise BadInput(
            f"无法读取工作日历文件 {path}。", f"cannot read calendar {path}: {exc}", field="calendar"
        ) from exc
    except (ValueError, CalendarFormatError) as exc:
        raise BadInput(
            f"工作日历文件 {path} 格式错误：{exc}", f"calendar {path} is invalid: {exc}", field="calendar"
        ) from exc


def _load_regions(path: Path) -> bytes:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        return encode_regions(data)
    except OSError as exc:
        raise BadInput(
            f"无法读取行政区划代码文件 {path}。", f"cannot read region list {path}: {exc}", field="regions"
        ) from exc
    except (ValueError, RecursionError, RegionsFormatError) as exc:
        raise BadInput(
            f"行政区划代码文件 {path} 格式错误：{exc}", f"region list {path} is invalid: {exc}", field="regions"
        ) from exc


def publish_feed(
    source: Path,
    feed: Path,
    keys: list[Path],
    *,
    expires_days: int = 30,
    calendar: Path | None = None,
    regions: Path | None = None,
    renew: bool = False,
    skip_failed: bool = False,
    name: str = "",
    now: datetime | None = None,
    expires: datetime | None = None,
    progress: Progress | None = None,
) -> PublishReport:
    """Import `source` with the catalog importer (kiosk/importer/) and write it to `feed` as the next version.
    Unchanged input changes nothing (unless `renew`, which re-signs with a new expiry).
    `progress("shards", done, total)` follows the writing, one shard of documents at a time."""
    if not keys:
        raise BadInput("请用 --key 指定签名私钥。", "no signing key given", field="key")
    private_keys = [load_private_key(path) for path in keys]
    trusted = {key_id(key.public_key()): key.public_key() for key in private_keys}
    now = now or datetime.now(UTC).replace(microsecond=0)

    parsed, import_report = parse_folder(source)
    failed = [item.file for item in import_report.items if item.status == "failed"]
    if failed and not skip_failed:
        # Publishing without them would withdraw those documents from every terminal.
        raise BadInput(
            f"有 {import_report.count('failed')} 个文件无法读取（如 {failed[0]}），未发布。修正后重试，或用 --skip-failed 跳过。",
            f"{import_report.count('failed')} input files failed to import (first: {failed[0]}); nothing published",
        )
    records: dict[str, DocumentRecord] = {}
    files: dict[str, Path] = {}
    duplicates = 0
    for doc in parsed:
        # Round-trip through validation so the object bytes are exactly what a terminal re-derives.
        record = DocumentRecord.from_dict(doc.record.to_dict())
        if record.id in records:
            duplicates += 1
            log.warning("publish: two inputs give document %s; the later one wins", record.id)
        records[record.id] = record
        files.update(doc.files)

    previous, old_entries = _previous(feed, trusted)
    writer = _Writer(feed)
    bits = choose_shard_bits(len(records), previous.shard_bits if previous else None)
    groups: dict[str, list[DocumentRecord]] = defaultdict(list)
    for record in records.values():
        groups[shard_of(record.id, bits)].append(record)
    entries: list[Entry] = []
    attachment_sizes: dict[str, int] = {}
    shards: dict[str, ShardRef] = {}
    shards_written = 0
    for done, (key, group) in enumerate(sorted(groups.items())):
        if progress is not None:
            progress("shards", done, len(groups))
        objects: dict[str, bytes] = {}
        shard_entries = []
        for record in group:
            data = encode_document(record)
            sha = sha256_bytes(data)
            if sha != record.content_hash:
                raise AssertionError(f"document {record.id} does not serialise canonically")
            writer.put(sha, data)
            objects[sha] = data
            shard_entries.append(Entry(record.id, sha, len(data)))
            for ref in record.attachments:
                if ref.sha256 in files:
                    writer.put_file(ref.sha256, ref.size, files[ref.sha256])
                elif not writer.path(ref.sha256).is_file():
                    raise BadInput(
                        f"文件“{record.title}”的附件“{ref.name}”缺少内容，未发布。",
                        f"attachment {ref.name} ({ref.sha256[:12]}…) of {record.id} has no file",
                        field="attachments",
                    )
                attachment_sizes[ref.sha256] = ref.size
        bundle = bundle_of(shard_entries, objects)
        bundle_sha = sha256_bytes(bundle)
        writer.put(bundle_sha, bundle)
        data = encode_shard(shard_entries, ObjectRef(bundle_sha, len(bundle)))
        sha = sha256_bytes(data)
        shards_written += writer.put(sha, data)
        shards[key] = ShardRef(sha, len(data), len(shard_entries))
        entries.extend(shard_entries)
    if progress is not None:
        progress("shards", len(groups), len(groups))

    calendar_ref = previous.calendar if previous else None
    if calendar is not None:
        data = _load_calendar(calendar)
        sha = sha256_bytes(data)
        writer.put(sha, data)
        calendar_ref = ObjectRef(sha, len(data))

    regions_ref = previous.regions if previous else None
    if regions is not None:
        data = _load_regions(regions)
        sha = sha256_bytes(data)
        writer.put(sha, data)
        regions_ref = ObjectRef(sha, len(data))

    total = sum(s.size for s in shards.values()) + sum(e.size for e in entries) + sum(attachment_sizes.values())
    total += calendar_ref.size if calendar_ref else 0
    total += regions_ref.size if regions_ref else 0
    candidate = Root(
        version=previous.version + 1 if previous else 1,
        published=now,
        expires=expires or now + timedelta(days=expires_days),
        shard_bits=bits,
        shards=shards,
        documents=len(entries),
        total_bytes=total,
        calendar=calendar_ref,
        regions=regions_ref,
        name=name or (previous.name if previous else ""),
    )
    new_ids = {e.id: e.sha256 for e in entries}
    report = PublishReport(
        feed=str(feed),
        changed=False,
        version_before=previous.version if previous else None,
        version_after=previous.version if previous else None,
        documents=len(entries),
        added=sum(1 for i in new_ids if i not in old_entries),
        updated=sum(1 for i, sha in new_ids.items() if i in old_entries and old_entries[i].sha256 != sha),
        withdrawn=sum(1 for i in old_entries if i not in new_ids),
        duplicates=duplicates,
        failed_files=failed,
        shards=len(shards),
        shards_written=shards_written,
        total_bytes=total,
        expires=previous.expires.isoformat() if previous else None,
    )
    report.unchanged = report.documents - report.added - report.updated
    if previous is not None and previous.same_content(candidate) and not renew:
        report.objects_written, report.bytes_written = writer.objects, writer.bytes
        return report

    # Objects must be on disk before the root that names them (one sync(2) beats 100k fsyncs).
    os.sync()
    raw = sign_root(candidate.to_signed(), private_keys)
    _write_root(feed, raw)
    report.changed = True
    report.version_after = candidate.version
    report.expires = candidate.expires.isoformat()
    report.objects_written, report.bytes_written = writer.objects + 1, writer.bytes + len(raw)
    log.info("published %s version %d: %d documents", feed, candidate.version, len(entries))
    return report


def _write_root(feed: Path, raw: bytes) -> None:
    target = feed / ROOT_NAME
    temporary = feed / (ROOT_NAME + ".tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
        fd = os.open(feed, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise BadInput(f"无法写入发布目录 {feed}。", f"cannot write {target}: {exc}") from exc
