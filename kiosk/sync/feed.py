"""The feed format, shared by the publisher and the terminal: a signed root, content-addressed
objects, and an index split into shards by a hash of the document id.

    root.json                 signed: version, expiry, shard hashes and sizes, calendar and
                              region-list hashes
    objects/ab/abcdef…        immutable files named by their SHA-256: shards, documents (canonical
                              JSON of a DocumentRecord, so the name equals its content hash),
                              bundles (a shard's documents end to end, so a first sync makes one
                              request per shard instead of one per document), attachments and
                              the calendar and the region-code list

Every path a terminal reads is built here from validated hex digests, never taken from the feed.
This feed schema is versioned (`FORMAT`) separately from the local database schema.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.errors import BadInput, Refused
from kiosk.sync.canonical import canonical_json

if TYPE_CHECKING:  # imported where documents are decoded: a terminal's start reads only the root
    from kiosk.catalog.document_record import DocumentRecord

FORMAT = 1
ROOT_TYPE = "disclosure-kiosk-feed"
ROOT_NAME = "root.json"
OBJECTS_DIR = "objects"

# Bounds on what a terminal will read before it knows a declared size (the root) and sanity caps
# on declared sizes, so neither a server nor a bad publisher can exhaust memory or disk.
MAX_ROOT_BYTES = 8_000_000
MAX_SHARD_BYTES = 32_000_000
MAX_DOCUMENT_BYTES = 12_000_000
MAX_CALENDAR_BYTES = 1_000_000
MAX_REGIONS_BYTES = 2_000_000  # the whole country's list is about 90 kB
MAX_ATTACHMENT_BYTES = 2_000_000_000
MAX_BUNDLE_BYTES = 512_000_000
MAX_SHARD_BITS = 16

# About this many documents per shard: changing k documents then rewrites about k shards of
# ~5 KB each, while the root (one line per shard) stays a few hundred KB at 100k documents.
TARGET_PER_SHARD = 64

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEY_RE = re.compile(r"^[0-9a-f]{1,4}$")


def is_sha256(value: Any) -> bool:
    return isinstance(value, str) and bool(_SHA_RE.match(value))


def object_path(sha: str) -> str:
    """`objects/ab/abcdef…`: the only way a file name is made from feed data, and only from hex."""
    if not is_sha256(sha):
        raise Refused("目录数据中有非法的文件名，已拒绝更新。", f"refusing non-hex object name {sha!r}")
    return f"{OBJECTS_DIR}/{sha[:2]}/{sha}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shard_index(doc_id: str, bits: int) -> int:
    """The top `bits` bits of SHA-256(id): the shard a document is listed in."""
    if bits == 0:
        return 0
    return int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:4], "big") >> (32 - bits)


def shard_key(index: int, bits: int) -> str:
    return format(index, f"0{max(1, math.ceil(bits / 4))}x")


def shard_of(doc_id: str, bits: int) -> str:
    return shard_key(shard_index(doc_id, bits), bits)


def choose_shard_bits(documents: int, previous: int | None = None) -> int:
    """Keep the previous split while shards hold 16–256 documents (re-splitting rewrites the whole
    index once), else pick the split nearest TARGET_PER_SHARD."""
    if previous is not None and 0 <= previous <= MAX_SHARD_BITS:
        per_shard = documents / (1 << previous)
        if 16 <= per_shard <= 256 or (previous == 0 and documents <= 256):
            return previous
    if documents <= TARGET_PER_SHARD:
        return 0
    return min(MAX_SHARD_BITS, max(0, round(math.log2(documents / TARGET_PER_SHARD))))


@dataclass(frozen=True)
class ObjectRef:
    sha256: str
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "size": self.size}


@dataclass(frozen=True)
class ShardRef(ObjectRef):
    count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "size": self.size, "count": self.count}


@dataclass(frozen=True)
class Entry:
    """One document in a shard: its id, the SHA-256 of its document object (its content hash), size."""

    id: str
    sha256: str
    size: int


@dataclass
class Root:
    version: int
    published: datetime
    expires: datetime
    shard_bits: int
    shards: dict[str, ShardRef]
    documents: int
    total_bytes: int
    calendar: ObjectRef | None = None
    regions: ObjectRef | None = None
    name: str = ""
    format: int = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    def to_signed(self) -> dict[str, Any]:
        signed: dict[str, Any] = {
            "type": ROOT_TYPE,
            "format": self.format,
            "name": self.name,
            "version": self.version,
            "published": _iso(self.published),
            "expires": _iso(self.expires),
            "documents": self.documents,
            "total_bytes": self.total_bytes,
            "shard_bits": self.shard_bits,
            "shards": {key: ref.to_dict() for key, ref in sorted(self.shards.items())},
            "calendar": self.calendar.to_dict() if self.calendar else None,
        }
        # Only when present, so roots without a region list sign exactly as before it existed.
        if self.regions is not None:
            signed["regions"] = self.regions.to_dict()
        return signed

    def same_content(self, other: Root) -> bool:
        """Same documents, split, calendar and region list: republishing it would change nothing."""
        mine = (self.shard_bits, self.shards, self.calendar, self.regions)
        return mine == (other.shard_bits, other.shards, other.calendar, other.regions)


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _bad_root(detail: str) -> Refused:
    return Refused("目录索引内容不合规范，已拒绝更新。", f"root is malformed: {detail}")


def signed_int(
    data: dict, key: str, *, minimum: int = 0, maximum: int | None = None, bad: Callable[[str], Exception] = _bad_root
) -> int:
    """An integer field of a signed index (`bad` makes the refusal: the catalog's root, a release's)."""
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise bad(f"{key} must be an integer >= {minimum}")
    if maximum is not None and value > maximum:
        raise bad(f"{key} must be at most {maximum}")
    return value


def signed_time(data: dict, key: str, *, bad: Callable[[str], Exception] = _bad_root) -> datetime:
    """A time field of a signed index: ISO 8601 with a UTC offset, nothing else."""
    value = data.get(key)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise bad(f"{key} must be an ISO time with a UTC offset")
    return parsed


def _ref(data: Any, *, maximum: int, what: str) -> ObjectRef:
    if not isinstance(data, dict) or not is_sha256(data.get("sha256")):
        raise _bad_root(f"{what} needs a sha256 of 64 hex digits")
    return ObjectRef(data["sha256"], signed_int(data, "size", maximum=maximum))


def parse_root(signed: dict[str, Any]) -> Root:
    """Validate a verified root's content; anything unexpected is refused, nothing is guessed."""
    if signed.get("type") != ROOT_TYPE:
        raise _bad_root(f"type is {signed.get('type')!r}, not {ROOT_TYPE!r}")
    fmt = signed_int(signed, "format", minimum=1)
    if fmt > FORMAT:
        raise Refused(
            "发布源使用了更新的目录格式，请先升级本机软件。",
            f"feed format {fmt} is newer than this program's {FORMAT}",
        )
    bits = signed_int(signed, "shard_bits", maximum=MAX_SHARD_BITS)
    raw_shards = signed.get("shards")
    if not isinstance(raw_shards, dict):
        raise _bad_root("shards must be an object")
    shards: dict[str, ShardRef] = {}
    width = max(1, math.ceil(bits / 4))
    for key, value in raw_shards.items():
        if not isinstance(key, str) or not _KEY_RE.match(key) or len(key) != width or int(key, 16) >= 1 << bits:
            raise _bad_root(f"shard key {str(key)[:40]!r} is not a hex shard number for {bits} bits")
        ref = _ref(value, maximum=MAX_SHARD_BYTES, what=f"shard {key}")
        shards[key] = ShardRef(ref.sha256, ref.size, signed_int(value, "count"))
    calendar = signed.get("calendar")
    regions = signed.get("regions")
    name = signed.get("name", "")
    return Root(
        version=signed_int(signed, "version", minimum=1),
        published=signed_time(signed, "published"),
        expires=signed_time(signed, "expires"),
        shard_bits=bits,
        shards=shards,
        documents=signed_int(signed, "documents"),
        total_bytes=signed_int(signed, "total_bytes"),
        calendar=_ref(calendar, maximum=MAX_CALENDAR_BYTES, what="calendar") if calendar is not None else None,
        regions=_ref(regions, maximum=MAX_REGIONS_BYTES, what="regions") if regions is not None else None,
        name=name if isinstance(name, str) else "",
        format=fmt,
    )


@dataclass(frozen=True)
class Shard:
    entries: list[Entry]
    bundle: ObjectRef | None  # the entries' document objects concatenated in this order


def encode_shard(entries: list[Entry], bundle: ObjectRef | None = None) -> bytes:
    rows = [[e.id, e.sha256, e.size] for e in sorted(entries, key=lambda e: e.id)]
    data: dict[str, Any] = {"format": FORMAT, "documents": rows}
    if bundle is not None:
        data["bundle"] = bundle.to_dict()
    return canonical_json(data)


def bundle_of(entries: list[Entry], objects: dict[str, bytes]) -> bytes:
    """The bundle of a shard: its document objects end to end, in the shard's (id) order."""
    return b"".join(objects[e.sha256] for e in sorted(entries, key=lambda e: e.id))


def read_shard(raw: bytes, key: str, bits: int) -> Shard:
    """A verified shard: every id must belong to this shard (no mixing), and the bundle's size must
    be the sum of its documents' sizes."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # also bad UTF-8, 4,300+ digit integers; deep nesting
        raise Refused("目录分片文件已损坏，已拒绝更新。", f"shard {key} is not JSON: {exc}") from exc
    rows = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise Refused("目录分片文件格式错误，已拒绝更新。", f"shard {key} has no document list")
    entries = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3):
            raise Refused("目录分片文件格式错误，已拒绝更新。", f"shard {key} has a malformed row")
        doc_id, sha, size = row
        if not isinstance(doc_id, str) or not _ID_RE.match(doc_id):
            raise Refused(
                "目录分片中有非法的文件编号，已拒绝更新。", f"shard {key} names an invalid id {str(doc_id)[:80]!r}"
            )
        if not is_sha256(sha):
            raise Refused(
                "目录分片中有非法的文件名，已拒绝更新。", f"shard {key} names a non-hex object {str(sha)[:80]!r}"
            )
        if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= MAX_DOCUMENT_BYTES:
            raise Refused("目录分片中的文件大小无效，已拒绝更新。", f"shard {key}: bad size for {doc_id}")
        if shard_of(doc_id, bits) != key:
            raise Refused("目录分片内容与索引不符，已拒绝更新。", f"document {doc_id} does not belong in shard {key}")
        entries.append(Entry(doc_id, sha, size))
    if [e.id for e in entries] != sorted(e.id for e in entries):
        raise Refused("目录分片文件格式错误，已拒绝更新。", f"shard {key} is not in id order")
    bundle = None
    if data.get("bundle") is not None:
        try:
            bundle = _ref(data["bundle"], maximum=MAX_BUNDLE_BYTES, what=f"bundle of shard {key}")
        except Refused as exc:
            raise Refused("目录分片文件格式错误，已拒绝更新。", exc.message_en) from None
        if bundle.size != sum(e.size for e in entries):
            raise Refused("目录分片内容与索引不符，已拒绝更新。", f"bundle of shard {key} has the wrong size")
    return Shard(entries, bundle)


def parse_shard(raw: bytes, key: str, bits: int) -> list[Entry]:
    return read_shard(raw, key, bits).entries


def encode_document(record: DocumentRecord) -> bytes:
    """The canonical bytes of a record; their SHA-256 is `record.content_hash`, the object's name."""
    return canonical_json(record.to_dict())


def decode_document(raw: bytes, sha: str, *, check_canonical: bool = True) -> DocumentRecord:
    """A verified document object back to a validated record, which must hash to the same name
    (skipped only by a pass that merely looks, when the one that stores the record checks)."""
    from kiosk.catalog.document_record import DocumentRecord

    try:
        record = DocumentRecord.from_dict(json.loads(raw.decode("utf-8")))
        # hashing encodes the record: a lone surrogate escape fails here (UnicodeEncodeError)
        canonical = not check_canonical or record.content_hash == sha
    except (ValueError, RecursionError, BadInput) as exc:  # ValueError: bad UTF-8, JSON, huge integers
        detail = exc.message_en if isinstance(exc, BadInput) else str(exc)[:200]
        raise Refused(
            "目录中的文件数据无效，已拒绝更新。", f"document object {sha[:12]}… is invalid: {detail}"
        ) from exc
    if not canonical:
        raise Refused(
            "目录中的文件数据不是规范格式，已拒绝更新。", f"document object {sha[:12]}… is not in canonical form"
        )
    return record
