"""The release index, shared by the publisher and the terminal: a second signed root beside the catalog's,
with the same Ed25519 keys and the same rules (version never goes back, expiry, bounded sizes).

    release/root.json              signed: index version, expiry, the release's version and its wheels
    release/objects/ab/abcdef…     the wheels (the project's and its locked dependencies), named by SHA-256

It lives in its own folder of the feed so that a terminal reads it with the catalog's sources unchanged
(HTTP with retries and bounded reads, or a USB stick) and a catalog sync never waits on a release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.errors import Refused
from kiosk.sync.feed import ObjectRef, is_sha256, signed_int, signed_time

RELEASE_DIR = "release"
RELEASE_TYPE = "disclosure-kiosk-release"
FORMAT = 1
PROJECT = "disclosure-kiosk"

# Sanity caps on what a signed index may ask a terminal to download (endless-data defence).
MAX_WHEEL_BYTES = 300_000_000
MAX_WHEELS = 400
MAX_RELEASE_BYTES = 2_000_000_000

# A version becomes a directory name under releases/: only these characters, never a path.
_VERSION_RE = re.compile(r"^[0-9][0-9A-Za-z.+_-]{0,63}$")
# A wheel file name as pip needs it (name-version[-build]-python-abi-platform.whl), never a path.
_WHEEL_RE = re.compile(r"^[A-Za-z0-9_.+!-]{1,200}\.whl$")


def _bad(detail: str) -> Refused:
    return Refused("软件发布索引内容不合规范，已拒绝更新。", f"release index is malformed: {detail}")


def check_version_text(version: Any) -> str:
    if not isinstance(version, str) or not _VERSION_RE.match(version) or ".." in version:
        raise _bad(f"release version {str(version)[:40]!r} is not a plain version number")
    return version


@dataclass(frozen=True)
class Wheel:
    name: str
    sha256: str
    size: int

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.sha256, self.size)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "size": self.size}


@dataclass
class ReleaseIndex:
    version: int  # of the index: grows with every publish, the rollback check compares it
    published: datetime
    expires: datetime
    release: str  # the software's version, the directory it installs into
    wheel: Wheel  # the project's own wheel
    dependencies: list[Wheel] = field(default_factory=list)
    format: int = FORMAT

    @property
    def wheels(self) -> list[Wheel]:
        return [self.wheel, *self.dependencies]

    def to_signed(self) -> dict[str, Any]:
        return {
            "type": RELEASE_TYPE,
            "format": self.format,
            "project": PROJECT,
            "version": self.version,
            "published": self.published.isoformat(timespec="seconds"),
            "expires": self.expires.isoformat(timespec="seconds"),
            "release": self.release,
            "wheel": self.wheel.to_dict(),
            "dependencies": [w.to_dict() for w in sorted(self.dependencies, key=lambda w: w.name)],
        }

    def same_content(self, other: ReleaseIndex) -> bool:
        return (self.release, self.wheel, sorted(self.dependencies, key=lambda w: w.name)) == (
            other.release,
            other.wheel,
            sorted(other.dependencies, key=lambda w: w.name),
        )


def _int(data: dict, key: str, minimum: int = 0, maximum: int | None = None) -> int:
    return signed_int(data, key, minimum=minimum, maximum=maximum, bad=_bad)


def _time(data: dict, key: str) -> datetime:
    return signed_time(data, key, bad=_bad)


def _wheel(data: Any) -> Wheel:
    if not isinstance(data, dict):
        raise _bad("a wheel entry must be an object")
    name = data.get("name")
    if not isinstance(name, str) or not _WHEEL_RE.match(name) or name.startswith("."):
        raise _bad(f"wheel name {str(name)[:80]!r} is not a wheel file name")
    if not is_sha256(data.get("sha256")):
        raise _bad(f"wheel {name} needs a sha256 of 64 hex digits")
    return Wheel(name, data["sha256"], _int(data, "size", minimum=1, maximum=MAX_WHEEL_BYTES))


def parse_release_index(signed: dict[str, Any]) -> ReleaseIndex:
    """Validate a verified index's content; anything unexpected is refused, nothing is guessed."""
    if signed.get("type") != RELEASE_TYPE:
        raise _bad(f"type is {str(signed.get('type'))[:40]!r}, not {RELEASE_TYPE!r}")
    fmt = _int(signed, "format", minimum=1)
    if fmt > FORMAT:
        raise Refused(
            "软件发布索引使用了更新的格式，请先手工升级本机软件。",
            f"release index format {fmt} is newer than this program's {FORMAT}",
        )
    if signed.get("project") != PROJECT:
        raise _bad(f"project is {str(signed.get('project'))[:40]!r}, not {PROJECT!r}")
    dependencies = signed.get("dependencies")
    if not isinstance(dependencies, list) or len(dependencies) >= MAX_WHEELS:
        raise _bad(f"dependencies must be a list of fewer than {MAX_WHEELS} wheels")
    index = ReleaseIndex(
        version=_int(signed, "version", minimum=1),
        published=_time(signed, "published"),
        expires=_time(signed, "expires"),
        release=check_version_text(signed.get("release")),
        wheel=_wheel(signed.get("wheel")),
        dependencies=[_wheel(item) for item in dependencies],
        format=fmt,
    )
    names = [w.name for w in index.wheels]
    if len(set(names)) != len(names):
        raise _bad("two wheels share a file name")
    if sum(w.size for w in index.wheels) > MAX_RELEASE_BYTES:
        raise _bad(f"the release declares more than {MAX_RELEASE_BYTES} bytes")
    return index
