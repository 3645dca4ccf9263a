"""Every trust decision of a sync, as plain functions of plain values (python-tuf's TrustedMetadataSet
shape): the updater fetches bytes and hands them here, so a rule cannot be skipped by the I/O path and
each one is tested in milliseconds without a feed, a server or a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.errors import ConfigError, Refused
from kiosk.sync.feed import MAX_ATTACHMENT_BYTES


@dataclass(frozen=True)
class TrustedVersion:
    """What the terminal holds now, as far as the version rules care."""

    version: int | None
    root_sha: str | None
    demo: bool


def check_keys(configured: dict[str, Any], demo_keys: dict[str, Any]) -> dict[str, Any]:
    """Keys a real feed may be signed with: at least one, and never the bundled demo key (whose private
    half ships with the software, so anyone could sign with it)."""
    if not configured:
        raise ConfigError(
            "未配置受信任的公钥：请在配置 trusted_keys 中填写中心发布的公钥。",
            "no trusted_keys configured; refusing to sync unsigned data",
            field="trusted_keys",
        )
    if set(configured) & set(demo_keys):
        raise ConfigError(
            "trusted_keys 中包含演示密钥：演示密钥只能用于内置的演示目录。",
            "the bundled demo key must not be trusted for real feeds",
            field="trusted_keys",
        )
    return configured


def check_version(held: TrustedVersion, version: int, digest: str) -> None:
    """Refuse a rollback (an older version) and a fork (another root under the version held).
    Nothing trusted yet, or only the demo: any correctly signed feed replaces it."""
    if held.version is None or held.demo:
        return
    if version < held.version:
        raise Refused(
            f"发布源的目录版本（{version}）比本机已安装的（{held.version}）旧，可能是回滚攻击，已拒绝更新。",
            f"rollback: feed version {version} is older than installed {held.version}",
        )
    if version == held.version and digest != held.root_sha:
        raise Refused(
            "发布源的目录与本机同一版本的内容不一致，已拒绝更新。",
            f"feed version {version} differs from the installed root of the same version",
        )


def check_expiry(expires: datetime, now: datetime) -> None:
    """Refuse an expired root: a mirror or attacker replaying an old, validly signed index (freeze)."""
    if expires <= now:
        raise Refused(
            f"发布源的目录已于 {expires:%Y-%m-%d} 过期，已拒绝更新；本机继续使用现有目录。请联系中心重新发布。",
            f"feed root expired at {expires.isoformat()} (freeze attack or a stale mirror)",
        )


def check_shard_count(key: str, held: int, declared: int) -> None:
    """A shard must list exactly as many documents as the signed root says (mix-and-match of shards)."""
    if held != declared:
        raise Refused("目录分片内容与索引不符，已拒绝更新。", f"shard {key} holds {held}, not {declared}")


def check_document_identity(entry_id: str, record_id: str) -> None:
    """An object listed for one document must hold that document, not another one's valid object."""
    if record_id != entry_id:
        raise Refused("目录中的文件数据与索引不符，已拒绝更新。", f"object for {entry_id} holds {record_id}")


def check_bundle_piece(entry_id: str, digest: str, expected: str) -> None:
    """A piece cut out of a verified bundle must still hash to its entry (else the publisher erred)."""
    if digest != expected:
        raise Refused("目录数据包内容与索引不符，已拒绝更新。", f"bundle piece for {entry_id} mismatches")


def check_attachment_size(sha256: str, size: int) -> None:
    """Refuse an attachment declared larger than any terminal should store (endless-data defence)."""
    if size > MAX_ATTACHMENT_BYTES:
        raise Refused("附件过大，已拒绝更新。", f"attachment {sha256[:12]}… declares {size} bytes")
