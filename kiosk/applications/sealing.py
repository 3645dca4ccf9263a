"""Applications encrypted at rest: AES-256-GCM with a key file (0600) kept apart from the database,
so a copied database file alone reveals nobody."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.errors import StorageError
from kiosk.private_files import tighten_private_file, write_private_file

log = logging.getLogger(__name__)

KEY_FILE_NAME = "applications.key"
_KEY_PREFIX = "kiosk-aes256gcm-v1:"
_NONCE_BYTES = 12


class Sealer:
    """Seals one application's personal data, bound to its tracking number (the AAD), so a sealed
    blob cannot be moved to another row unnoticed."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("AES-256 key must be 32 bytes")
        self._aead = AESGCM(key)
        self.key_id = hashlib.sha256(key).hexdigest()[:16]

    def seal(self, data: dict[str, Any], aad: str) -> bytes:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        plain = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return nonce + self._aead.encrypt(nonce, plain, aad.encode("utf-8"))

    def open(self, blob: bytes, aad: str) -> dict[str, Any]:
        try:
            plain = self._aead.decrypt(bytes(blob[:_NONCE_BYTES]), bytes(blob[_NONCE_BYTES:]), aad.encode("utf-8"))
        except InvalidTag as exc:
            raise StorageError(
                "申请记录无法解密，请联系工作人员。", "application record does not decrypt with this key"
            ) from exc
        return json.loads(plain)


def key_path(keys_dir: Path) -> Path:
    return keys_dir / KEY_FILE_NAME


def load_key(keys_dir: Path, *, create: bool) -> bytes | None:
    """The key, created (0600, fsync'd, directory fsync'd) on first use when `create`; None when absent
    and not to be created."""
    path = key_path(keys_dir)
    if not path.exists():
        if not create:
            return None
        _create_key(keys_dir, path)
    try:
        tighten_private_file(path, "application key")
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError("无法读取申请加密密钥，请联系工作人员。", f"cannot read key file {path}: {exc}") from exc
    if not text.startswith(_KEY_PREFIX):
        raise StorageError("申请加密密钥文件已损坏，请联系工作人员。", f"key file {path} has an unknown format")
    try:
        key = base64.b64decode(text[len(_KEY_PREFIX) :], validate=True)
    except ValueError as exc:
        raise StorageError("申请加密密钥文件已损坏，请联系工作人员。", f"key file {path} is not base64") from exc
    if len(key) != 32:
        raise StorageError("申请加密密钥文件已损坏，请联系工作人员。", f"key file {path} does not hold 32 bytes")
    return key


def _create_key(keys_dir: Path, path: Path) -> None:
    line = _KEY_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n"
    try:
        keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(keys_dir, 0o700)
        # keep_existing: when two processes race, the first key wins and nobody overwrites it.
        created = write_private_file(path, line.encode("ascii"), keep_existing=True)
    except OSError as exc:
        raise StorageError("无法保存申请加密密钥，请联系工作人员。", f"cannot create key file {path}: {exc}") from exc
    if created:
        log.info("created a new application key in %s", keys_dir)
