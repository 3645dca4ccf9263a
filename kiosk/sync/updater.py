"""Sync the catalog from a feed: verify the signed root, refuse a rollback or an expired root, fetch
only the shards and files not already held (each checked for size and SHA-256), then apply every
change, the search index and the new feed state in ONE transaction. Anything that fails before the
commit leaves the installed catalog exactly as it was; a SIGKILL at any point leaves old or new."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import peewee

from kiosk.catalog.catalog_db import open_store
from kiosk.catalog.document_record import AttachmentRef, DocumentRecord
from kiosk.catalog.documents import delete_documents, get_state, set_state, upsert_documents
from kiosk.catalog.models import Document, database
from kiosk.environment import DEMO_KEY_PATH, Env
from kiosk.errors import ConfigError, KioskError, Offline, Refused, StorageError
from kiosk.sync import state, trust
from kiosk.sync.feed import (
    Entry,
    ObjectRef,
    Root,
    Shard,
    decode_document,
    object_path,
    parse_root,
    read_shard,
    sha256_bytes,
    shard_index,
)
from kiosk.sync.regions import RegionsFormatError, parse_regions
from kiosk.sync.signing import canonical_json, load_trusted_keys, verify_root
from kiosk.sync.sources import Source, open_source, storage_error
from kiosk.sync.staging import StagingPack
from kiosk.sync.status import record_attempt
from kiosk.update.layout import fsync_dir
from kiosk.workdays import CalendarFormatError, parse_calendar

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (phase, done, total); phases: shards, documents, attachments, apply
BATCH = 500
FETCH_WINDOW_PER_WORKER = 2  # fetches in flight or waiting to be staged, per download thread
T = TypeVar("T")


class SyncBusy(KioskError):
    """Another sync of this home is running; it will record its own outcome."""


@dataclass
class SyncReport:
    status: str  # "updated" or "up_to_date"
    source: str
    version_before: int | None
    version_after: int | None
    added: int = 0
    changed: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    documents: int = 0
    bytes_fetched: int = 0
    files_fetched: int = 0
    seconds: float = 0.0
    expires: str | None = None
    calendar_updated: bool = False
    regions_updated: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def sync_catalog(
    env: Env,
    source: str | None = None,
    *,
    trusted_keys: list[str] | None = None,
    full: bool = False,
    progress: Progress | None = None,
    demo: bool = False,
    record: bool = True,
    wait: bool = False,
) -> SyncReport:
    """Bring the local catalog to the feed at `source` (default: config `sync_source`).

    `demo` installs the bundled demo feed with the bundled demo key, which nothing else trusts.
    `full` compares every shard instead of only those whose hash changed (a repair).
    `record` writes the attempt's outcome to catalog state for `kiosk status` and the UI."""
    open_store(env.catalog_db)
    started = time.monotonic()
    spec = source or env.config.sync_source
    try:
        if not spec:
            raise ConfigError(
                "未设置同步来源：请在配置中填写 sync_source，或使用 --source 指定地址或目录。",
                "no sync source: set sync_source or pass --source",
                field="sync_source",
            )
        keys = _trusted_keys(env, trusted_keys, demo)
        with sync_lock(env, wait=wait):
            job = _Sync(env, open_source(env, spec), keys, full=full, progress=progress, demo=demo)
            report = job.run()
    except KioskError as exc:
        log.info("sync from %s failed: %s", spec, exc.message_en)
        if record and not isinstance(exc, SyncBusy):
            record_attempt(env, error=exc)
        raise
    report.seconds = round(time.monotonic() - started, 3)
    log.info(
        "sync from %s: %s, version %s → %s, +%d ~%d -%d, %d bytes in %.1f s",
        report.source,
        report.status,
        report.version_before,
        report.version_after,
        report.added,
        report.changed,
        report.withdrawn,
        report.bytes_fetched,
        report.seconds,
    )
    if record:
        record_attempt(env, result=report.status)
    return report


def _trusted_keys(env: Env, given: list[str] | None, demo: bool) -> dict:
    demo_keys = load_trusted_keys([str(DEMO_KEY_PATH)])
    if demo:
        return demo_keys
    return trust.check_keys(load_trusted_keys(given if given is not None else list(env.config.trusted_keys)), demo_keys)


@contextlib.contextmanager
def sync_lock(env: Env, *, wait: bool = False) -> Iterator[None]:
    """One sync at a time per home, across processes (the UI's scheduler and `kiosk sync`)."""
    env.ensure_home()
    with open(env.sync_lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise SyncBusy("另一个目录同步正在进行，请稍后再试。", "another sync holds the lock on this home") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Sync:
    def __init__(self, env: Env, source: Source, keys: dict, *, full: bool, progress: Progress | None, demo: bool):
        self.env, self.source, self.keys = env, source, keys
        self.full, self.demo = full, demo
        self.progress = progress or (lambda phase, done, total: None)
        self.staging = env.sync_staging_dir
        self._pack: StagingPack | None = None

    def run(self) -> SyncReport:
        try:
            return self._run()
        except Offline:
            raise  # keep what was verified and staged: the next attempt resumes from it
        except KioskError:
            self._clear_staging()  # a refused feed or a full disk: drop what was staged
            raise
        finally:
            if self._pack is not None:
                self._pack.close()

    def _run(self) -> SyncReport:
        installed = state.Installed.load()
        if self.demo and installed.version is not None and not installed.demo:
            # A real feed arrived first (another process): the demo never replaces it.
            return SyncReport("up_to_date", "demo", installed.version, installed.version)
        label = "demo" if self.demo else self.source.label
        use_validators = installed.root_raw and installed.source == label and not self.full
        fetched = self.source.fetch_root(installed.validators if use_validators else None)
        raw = fetched.raw if fetched.raw is not None else installed.root_raw
        # A 304 still re-verifies the root we hold, against the keys trusted today.
        signed = verify_root(raw, self.keys)
        root = parse_root(signed)
        digest = state.signed_digest(signed)
        report = SyncReport(
            status="up_to_date",
            source=label,
            version_before=installed.version,
            version_after=installed.version,
            documents=root.documents,
            expires=root.expires.isoformat(),
        )
        trust.check_version(
            trust.TrustedVersion(installed.version, installed.root_sha, installed.demo), root.version, digest
        )
        trust.check_expiry(root.expires, self.env.now())
        if digest == installed.root_sha and not self.full:
            if fetched.validators != installed.validators:
                set_state(state.HTTP_VALIDATORS, json.dumps(fetched.validators))
            self._clear_staging()
            return self._finish(report)
        plan = self._plan(installed, root)
        titles = {} if installed.demo else _titles(plan.removed)
        calendar_text = self._fetch_calendar(installed, root)
        regions_text = self._fetch_regions(installed, root)
        self._fetch_attachments(plan.attachments)
        self._apply(report, plan, installed, root, raw, digest, fetched.validators, calendar_text, titles, regions_text)
        self._clear_staging()
        report.status = "updated"
        report.version_after = root.version
        report.calendar_updated = calendar_text is not None
        report.regions_updated = regions_text is not None
        return self._finish(report)

    def _finish(self, report: SyncReport) -> SyncReport:
        report.bytes_fetched = self.source.bytes_fetched
        report.files_fetched = self.source.files_fetched
        return report

    # -- planning: which shards and documents changed -------------------------------------------

    @property
    def pack(self) -> StagingPack:
        if self._pack is None:
            self._pack = StagingPack(self.staging)
        return self._pack

    def _stage(self, ref: ObjectRef, what_zh: str) -> bytes:
        """A verified shard, document or calendar: from the staging pack when an earlier attempt
        fetched it, else from the source (and then kept in the pack)."""
        data = self.pack.get(ref.sha256, ref.size)
        if data is None:
            data = self.source.fetch_bytes(object_path(ref.sha256), ref, what_zh)
            self.pack.put(ref.sha256, data)
        return data

    def _staged_record(self, entry: Entry) -> DocumentRecord:
        """A document staged by _plan; decode_document re-checks its hash as it reads."""
        return decode_document(self._stage(_ref(entry), "文件数据"), entry.sha256)

    def _fetch_many(
        self, wanted: list[tuple[ObjectRef, str]], store: Callable[[ObjectRef, bytes], None] | None = None
    ) -> Iterator[tuple[ObjectRef, bytes]]:
        """Each (ref, what) as verified bytes, in completion order: staged ones first, the rest from
        the source, several at a time when it allows (HTTP). Everything fetched is handed to `store`
        (default: the staging pack) from this thread, also when another fetch fails, so a retry
        never downloads it again."""
        store = store or (lambda ref, data: self.pack.put(ref.sha256, data))
        missing = []
        for ref, what_zh in wanted:
            data = self.pack.get(ref.sha256, ref.size)
            if data is None:
                missing.append((ref, what_zh))
            else:
                yield ref, data
        if self.source.parallel <= 1 or len(missing) <= 1:
            for ref, what_zh in missing:
                data = self.source.fetch_bytes(object_path(ref.sha256), ref, what_zh)
                store(ref, data)
                yield ref, data
            return
        pool = ThreadPoolExecutor(max_workers=self.source.parallel, thread_name_prefix="kiosk-fetch")
        # A window of fetches, not all of them at once: downloads outrunning the staging would
        # otherwise pile up in memory (a first sync over HTTP peaked at 699 MB for a 500 MB feed).
        window = self.source.parallel * FETCH_WINDOW_PER_WORKER
        queue = iter(missing)
        inflight: dict = {}  # future → ref; a future leaves as soon as its bytes are staged

        def submit_more() -> None:
            while len(inflight) < window and (item := next(queue, None)) is not None:
                ref, what_zh = item
                inflight[pool.submit(self.source.fetch_bytes, object_path(ref.sha256), ref, what_zh)] = ref

        try:
            submit_more()
            while inflight:
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for future in done:
                    ref, data = inflight[future], future.result()
                    store(ref, data)
                    del inflight[future]
                    yield ref, data
                submit_more()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            try:
                for future, ref in inflight.items():
                    if not future.cancelled() and future.exception() is None:
                        store(ref, future.result())
            except (KioskError, OSError) as exc:  # the first failure is the one to report
                log.info("could not keep every fetched object for the next attempt: %s", exc)

    def _plan(self, installed: state.Installed, root: Root) -> _Plan:
        same_split = installed.root is not None and installed.root.shard_bits == root.shard_bits and not self.full
        old = installed.root.shards if same_split and installed.root else {}
        changed_keys = sorted(key for key, ref in root.shards.items() if old.get(key) != ref)
        keys_by_sha = {root.shards[key].sha256: key for key in changed_keys}
        shards: dict[str, Shard] = {}
        entries: dict[str, Entry] = {}
        wanted = [(root.shards[key], "目录分片") for key in changed_keys]
        for n, (ref, data) in enumerate(self._fetch_many(wanted), 1):
            key = keys_by_sha[ref.sha256]
            shard = read_shard(data, key, root.shard_bits)
            trust.check_shard_count(key, len(shard.entries), root.shards[key].count)
            shards[key] = shard
            for entry in shard.entries:
                entries[entry.id] = entry
            self.progress("shards", n, len(changed_keys))
        affected = {int(key, 16) for key in set(changed_keys) | (set(old) - set(root.shards))}
        local_ids = [row[0] for row in database.execute_sql("SELECT id FROM document").fetchall()]
        if same_split:
            bits = root.shard_bits
            local_ids = [doc_id for doc_id in local_ids if shard_index(doc_id, bits) in affected]
        removed = [doc_id for doc_id in local_ids if doc_id not in entries]
        held = _content_hashes(list(entries))
        needed = [entry for entry in entries.values() if held.get(entry.id) != entry.sha256]
        self._stage_bundles(shards, {entry.id for entry in needed})
        for _ in self._fetch_many([(_ref(entry), "文件数据") for entry in needed]):
            pass  # staged; read back below in a stable order
        attachments: dict[str, AttachmentRef] = {}
        for n, entry in enumerate(needed, 1):
            # Only the attachments are wanted here; _apply decodes again and checks canonical form.
            data = self._stage(_ref(entry), "文件数据")
            record = decode_document(data, entry.sha256, check_canonical=False)
            trust.check_document_identity(entry.id, record.id)
            for ref in record.attachments:
                attachments[ref.sha256] = ref
            self.progress("documents", n, len(needed))
        return _Plan(needed=needed, removed=removed, attachments=attachments)

    def _stage_bundles(self, shards: dict[str, Shard], needed_ids: set[str]) -> None:
        """Where most of a shard is needed (a first sync, a re-split), fetch its bundle in one request
        and stage the documents cut out of it; a few changed documents are fetched one by one."""
        plans: dict[str, tuple[Shard, dict[str, Entry]]] = {}
        for shard in shards.values():
            if shard.bundle is None:
                continue
            wanted = {e.id: e for e in shard.entries if e.id in needed_ids and not self.pack.has(e.sha256, e.size)}
            if wanted and 2 * sum(e.size for e in wanted.values()) >= shard.bundle.size:
                plans[shard.bundle.sha256] = (shard, wanted)

        def cut(ref: ObjectRef, data: bytes) -> None:
            shard, wanted = plans[ref.sha256]
            offset = 0
            for entry in shard.entries:
                piece = data[offset : offset + entry.size]
                offset += entry.size
                if entry.id in wanted:
                    trust.check_bundle_piece(entry.id, sha256_bytes(piece), entry.sha256)
                    self.pack.put(entry.sha256, piece)

        # A bundle is not kept whole: the documents cut out of it are.
        fetches = [(shard.bundle, "文件数据包") for shard, _ in plans.values() if shard.bundle is not None]
        for n, _ in enumerate(self._fetch_many(fetches, store=cut), 1):
            self.progress("documents", n, len(fetches))

    def _fetch_attachments(self, attachments: dict[str, AttachmentRef]) -> None:
        files_dir = self.env.files_dir
        todo = [ref for sha, ref in sorted(attachments.items()) if not (files_dir / sha[:2] / sha).is_file()]
        directories = set()
        for n, ref in enumerate(todo, 1):
            trust.check_attachment_size(ref.sha256, ref.size)
            dest = files_dir / ref.sha256[:2] / ref.sha256
            self.source.fetch(object_path(ref.sha256), ObjectRef(ref.sha256, ref.size), dest, f"附件“{ref.name}”")
            directories.add(dest.parent)
            self.progress("attachments", n, len(todo))
        # The renames must be durable before the transaction that refers to the files commits.
        for directory in directories:
            _fsync_directory(directory)

    def _fetch_calendar(self, installed: state.Installed, root: Root) -> str | None:
        if root.calendar is None or root.calendar.sha256 == installed.calendar_sha:
            return None
        raw = self._stage(root.calendar, "工作日历")
        try:
            return canonical_json(parse_calendar(raw)).decode("utf-8")
        except CalendarFormatError as exc:
            raise Refused("目录中的工作日历格式错误，已拒绝更新。", f"calendar in feed is invalid: {exc}") from exc

    def _fetch_regions(self, installed: state.Installed, root: Root) -> str | None:
        if root.regions is None or root.regions.sha256 == installed.regions_sha:
            return None
        raw = self._stage(root.regions, "行政区划代码")
        try:
            return canonical_json(parse_regions(raw)).decode("utf-8")
        except RegionsFormatError as exc:
            raise Refused(
                "目录中的行政区划代码格式错误，已拒绝更新。", f"region list in feed is invalid: {exc}"
            ) from exc

    # -- the one transaction ----------------------------------------------------------------------

    def _apply(
        self,
        report: SyncReport,
        plan: _Plan,
        installed: state.Installed,
        root: Root,
        raw_root: bytes,
        digest: str,
        validators: dict[str, str],
        calendar_text: str | None,
        titles: dict[str, str],
        regions_text: str | None = None,
    ) -> None:
        now = self.env.now().isoformat(timespec="seconds")
        total = len(plan.needed) + len(plan.removed)
        done = 0
        try:
            with database.atomic():
                for batch in _batched(plan.needed, BATCH):
                    records = [self._staged_record(entry) for entry in batch]
                    result = upsert_documents(records)
                    report.added += result.added
                    report.changed += result.changed
                    done += len(batch)
                    self.progress("apply", done, total)
                for batch in _batched(plan.removed, BATCH):
                    report.withdrawn += delete_documents(batch)
                    done += len(batch)
                    self.progress("apply", done, total)
                for doc_id, title in titles.items():
                    record = {"title": title, "version": root.version, "at": now}
                    set_state(state.WITHDRAWN_PREFIX + doc_id, json.dumps(record, ensure_ascii=False))
                set_state(state.VERSION, str(root.version))
                set_state(state.ROOT, raw_root.decode("utf-8"))
                set_state(state.ROOT_SHA, digest)
                set_state(state.EXPIRES, root.expires.isoformat())
                set_state(state.PUBLISHED, root.published.isoformat())
                set_state(state.DEMO, "1" if self.demo else "0")
                set_state(state.SOURCE, "demo" if self.demo else self.source.label)
                set_state(state.SOURCE_KIND, "demo" if self.demo else self.source.kind)
                set_state(state.HTTP_VALIDATORS, json.dumps(validators))
                if calendar_text is not None and root.calendar is not None:
                    set_state(state.CALENDAR, calendar_text)
                    set_state(state.CALENDAR_SHA, root.calendar.sha256)
                if regions_text is not None and root.regions is not None:
                    set_state(state.REGIONS, regions_text)
                    set_state(state.REGIONS_SHA, root.regions.sha256)
                if get_state(state.INITIALIZED) is None:
                    set_state(state.INITIALIZED, now)
        except peewee.OperationalError as exc:
            # SQLite rolled the transaction back: the old catalog stands. Say why in plain words.
            # On SQLITE_FULL SQLite rolls back by itself, and peewee's own rollback then fails with
            # "no transaction is active", hiding the cause one exception down the chain.
            if any("full" in str(error).lower() for error in _chain(exc)):
                raise storage_error(OSError(28, "database or disk is full"), "the catalog database") from exc
            raise StorageError(
                "写入本地目录数据库失败，目录未更新（原有目录照常可用）。", f"catalog transaction failed: {exc}"
            ) from exc
        report.unchanged = root.documents - report.added - report.changed

    def _clear_staging(self) -> None:
        if self._pack is not None:
            self._pack.remove()
            self._pack = None
        else:
            shutil.rmtree(self.staging, ignore_errors=True)


@dataclass
class _Plan:
    needed: list[Entry]
    removed: list[str]
    attachments: dict[str, AttachmentRef]


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _ref(entry: Entry) -> ObjectRef:
    return ObjectRef(entry.sha256, entry.size)


def _content_hashes(doc_ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for batch in _batched(doc_ids, BATCH):
        marks = ",".join("?" * len(batch))
        found.update(database.execute_sql(f"SELECT id, content_hash FROM document WHERE id IN ({marks})", batch))
    return found


def _titles(doc_ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for batch in _batched(doc_ids, BATCH):
        found.update(dict(Document.select(Document.id, Document.title).where(Document.id.in_(batch)).tuples()))
    return found


def _fsync_directory(path: Path) -> None:
    try:
        fsync_dir(path)
    except OSError as exc:
        raise storage_error(exc, str(path)) from exc
