"""What a terminal remembers about its installed feed, in the catalog_state table: written in the
same transaction as the documents, so the version it claims is always the one it holds (TUF's
lesson: rollback and freeze checks are only as good as the trusted state they compare with)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from kiosk import workdays
from kiosk.catalog.documents import get_state
from kiosk.errors import KioskError
from kiosk.sync.canonical import canonical_json
from kiosk.sync.feed import Root, parse_root, sha256_bytes

log = logging.getLogger(__name__)

# Keys of catalog_state (other modules read these names, never spell them out).
VERSION = "feed_version"
ROOT = "feed_root"  # the root file as received (signed object and signatures)
ROOT_SHA = "feed_root_sha256"  # SHA-256 of the canonical signed object
EXPIRES = "feed_expires"
PUBLISHED = "feed_published"  # when the central office signed it
DEMO = "feed_demo"  # "1" while the bundled demo feed is what is installed
SOURCE = "source"  # where it came from: a URL, a directory, or "demo"
SOURCE_KIND = "source_kind"  # http | directory | demo
LAST_IMPORT = "last_import"  # when `kiosk import` last added documents: no longer only the demo
CALENDAR = workdays.STATE_KEY  # the working-day calendar JSON (kiosk.workdays format)
CALENDAR_SHA = "calendar_sha256"
REGIONS = "regions"  # the region-code list JSON (kiosk.sync.regions format)
REGIONS_SHA = "regions_sha256"
HTTP_VALIDATORS = "feed_http_validators"  # ETag / Last-Modified of the root, for conditional GET
INITIALIZED = "initialized"
LAST_ATTEMPT = "last_attempt"
LAST_RESULT = "last_result"  # updated | up_to_date | refused | offline | not_found | storage | error
LAST_ERROR_ZH = "last_error_zh"
LAST_ERROR_EN = "last_error_en"
LAST_SUCCESS = "last_success"
WITHDRAWN_PREFIX = "withdrawn:"  # withdrawn:<id> → {"title", "version", "at"}


def signed_digest(signed: dict[str, Any]) -> str:
    return sha256_bytes(canonical_json(signed))


@dataclass
class Installed:
    version: int | None = None
    root: Root | None = None
    root_raw: bytes | None = None
    root_sha: str | None = None
    demo: bool = False
    source: str | None = None
    calendar_sha: str | None = None
    regions_sha: str | None = None
    validators: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Installed:
        version = get_state(VERSION)
        raw = get_state(ROOT)
        root = None
        if raw:
            try:
                root = parse_root(json.loads(raw)["signed"])
            except (KioskError, ValueError, KeyError, TypeError) as exc:
                # The rollback check still has the version; only the shard diff starts from scratch.
                log.warning("installed feed root is unreadable (%s); the next sync compares every shard", exc)
        try:
            validators = json.loads(get_state(HTTP_VALIDATORS) or "{}")
        except ValueError:
            validators = {}
        return cls(
            version=int(version) if version and version.isdigit() else None,
            root=root,
            root_raw=raw.encode("utf-8") if raw else None,
            root_sha=get_state(ROOT_SHA),
            demo=get_state(DEMO) == "1",
            source=get_state(SOURCE),
            calendar_sha=get_state(CALENDAR_SHA),
            regions_sha=get_state(REGIONS_SHA),
            validators=validators if isinstance(validators, dict) else {},
        )
