"""Test kit for feeds: a publisher driven from Python, a real static HTTP server for a feed folder
(Range, ETag and injectable faults), and a snapshot of a terminal's catalog to compare."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kiosk.central.publish import PublishReport, publish_feed
from kiosk.central.signing_keys import generate_key_files
from kiosk.sync.feed import ROOT_NAME, object_path, parse_root, parse_shard
from tests.httpd import send, serve

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def make_doc(n: int, revision: int = 0, **extra) -> dict:
    doc = {
        "id": f"doc{n:04d}",
        "title": f"关于做好第{n}批政务公开工作的通知",
        "doc_number": f"海政办发〔2026〕{n}号",
        "issuer": "海城市人民政府办公室",
        "issued": "2026-03-01",
        "category": "政策文件",
        "body": f"各乡镇人民政府，市政府各部门：第{n}项工作（第{revision}次修订）。" + "现将有关事项通知如下。" * 20,
    }
    doc.update(extra)
    return doc


def make_keys(directory: Path) -> Path:
    return Path(generate_key_files(directory)["private_key"])


@dataclass
class FeedBuilder:
    """A central office in a folder: documents as JSON, attachments as files, published with a key."""

    root: Path
    key: Path
    docs: dict[str, dict] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)  # file name → content

    @property
    def src(self) -> Path:
        return self.root / "src"

    @property
    def feed(self) -> Path:
        return self.root / "feed"

    def put(self, *docs: dict) -> FeedBuilder:
        for doc in docs:
            self.docs[doc["id"]] = doc
        return self

    def remove(self, *doc_ids: str) -> FeedBuilder:
        for doc_id in doc_ids:
            del self.docs[doc_id]
        return self

    def attach(self, doc_id: str, name: str, data: bytes) -> FeedBuilder:
        self.attachments[name] = data
        doc = dict(self.docs[doc_id])
        doc["attachments"] = [*(doc.get("attachments") or []), {"path": f"files/{name}", "name": name}]
        self.docs[doc_id] = doc
        return self

    def publish(self, *, keys: list[Path] | None = None, **kwargs) -> PublishReport:
        (self.src / "files").mkdir(parents=True, exist_ok=True)
        for old in (self.src / "files").iterdir():
            old.unlink()
        for name, data in self.attachments.items():
            (self.src / "files" / name).write_bytes(data)
        (self.src / "docs.json").write_text(json.dumps(list(self.docs.values()), ensure_ascii=False), "utf-8")
        kwargs.setdefault("now", NOW)
        return publish_feed(self.src, self.feed, keys or [self.key], **kwargs)


def feed_entries(feed: Path) -> dict[str, str]:
    """{document id: content hash} of the feed's current root, read straight from its files."""
    root = parse_root(json.loads((feed / ROOT_NAME).read_text("utf-8"))["signed"])
    found = {}
    for key, ref in root.shards.items():
        for entry in parse_shard((feed / object_path(ref.sha256)).read_bytes(), key, root.shard_bits):
            found[entry.id] = entry.sha256
    return found


def catalog_snapshot(db_path: Path) -> dict:
    """Everything a sync may change, read with a separate plain sqlite3 connection: documents,
    attachments and feed state (the last-attempt notes are excluded: they record the failure)."""
    con = sqlite3.connect(db_path)
    try:
        return {
            "documents": dict(con.execute("SELECT id, content_hash FROM document ORDER BY id")),
            "attachments": con.execute(
                "SELECT document_id, name, sha256, size FROM attachment ORDER BY document_id, name"
            ).fetchall(),
            "state": {
                k: v for k, v in con.execute("SELECT key, value FROM catalog_state") if not k.startswith("last_")
            },
        }
    finally:
        con.close()


def integrity(db_path: Path) -> str:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


Fault = Callable[[object, bytes], bool]  # (handler, file bytes) → True when it answered itself


def serve_feed(feed: Path, faults: dict[str, Fault] | None = None):
    """A static web server for `feed` with Range requests, ETag/If-None-Match, and per-path faults."""
    faults = faults if faults is not None else {}

    def handle(handler, server) -> None:
        path = handler.path.split("?")[0].lstrip("/")
        target = (feed / path).resolve()
        if not str(target).startswith(str(feed.resolve())) or not target.is_file():
            send(handler, 404, b"not found")
            return
        data = target.read_bytes()
        fault = faults.get(path)
        if fault is not None and fault(handler, data):
            return
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if handler.headers.get("If-None-Match") == etag:
            send(handler, 304, headers={"ETag": etag, "Content-Length": "0"})
            return
        wanted = handler.headers.get("Range", "")
        if wanted.startswith("bytes=") and wanted.endswith("-"):
            start = int(wanted[6:-1])
            body = data[start:]
            send(
                handler,
                206,
                body,
                {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}", "ETag": etag},
            )
            return
        send(handler, 200, data, {"ETag": etag})

    return serve(handle)
