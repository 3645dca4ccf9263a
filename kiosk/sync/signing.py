"""Ed25519 keys and the signed root of the feed: the publisher signs it, the terminal verifies it
against the keys it trusts (several at once, so a key can be rotated without a flag day)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.errors import BadInput, ConfigError, Refused
from kiosk.sync.canonical import canonical_json

PUBLIC_PREFIX = "ed25519:"


def public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PUBLIC_PREFIX + base64.b64encode(raw).decode("ascii")


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"无法读取私钥文件 {path}。", f"cannot read private key {path}: {exc}", field="key") from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        # Empty or cut short (a copy or a keygen interrupted): say what to do, as a new key would not be
        # trusted by the terminals.
        raise BadInput(
            f"{path} 不是可用的私钥文件（为空、不完整或已损坏）。请确认路径正确，或从备份恢复该私钥："
            "重新生成的密钥不受终端信任。",
            f"{path} is not a PEM private key (empty, truncated or damaged): check the path or restore the key "
            f"from a backup, as terminals do not trust a new key: {exc}",
            field="key",
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise BadInput(f"{path} 不是 Ed25519 私钥。", f"{path} is not an Ed25519 key", field="key")
    return key


def parse_public_key(text: str) -> Ed25519PublicKey:
    """`ed25519:BASE64` (what `kiosk central keygen` writes), bare base64 of the 32 raw bytes, or PEM."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except ValueError as exc:
            raise ValueError(f"not a PEM public key: {exc}") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("PEM key is not Ed25519")
        return key
    if text.startswith(PUBLIC_PREFIX):
        text = text[len(PUBLIC_PREFIX) :]
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError("public key is not base64") from exc
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key has 32 bytes, this one {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def load_trusted_keys(items: list[str]) -> dict[str, Ed25519PublicKey]:
    """The config's `trusted_keys`: each item the key text or a path to a .pub file; keyed by key id."""
    keys: dict[str, Ed25519PublicKey] = {}
    for item in items:
        text = item.strip()
        if not text:
            continue
        looks_like_key = text.startswith((PUBLIC_PREFIX, "-----BEGIN"))
        if not looks_like_key and (Path(text).expanduser().is_file() or text.endswith(".pub")):
            path = Path(text).expanduser()
            try:
                text = path.read_text(encoding="ascii")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(
                    f"无法读取受信任的公钥文件 {path}。",
                    f"cannot read trusted key file {path}: {exc}",
                    field="trusted_keys",
                ) from exc
        try:
            key = parse_public_key(text)
        except ValueError as exc:
            raise ConfigError(
                "设置项“trusted_keys”中有无效的公钥。",
                f"trusted_keys entry {item[:60]!r} is not an Ed25519 public key: {exc}",
                field="trusted_keys",
            ) from exc
        keys[key_id(key)] = key
    return keys


def sign_root(signed: dict[str, Any], keys: list[Ed25519PrivateKey]) -> bytes:
    """The root file: the signed object and one signature per key over its canonical bytes."""
    payload = canonical_json(signed)
    signatures = [
        {"keyid": key_id(key.public_key()), "sig": base64.b64encode(key.sign(payload)).decode("ascii")} for key in keys
    ]
    return json.dumps({"signed": signed, "signatures": signatures}, ensure_ascii=False, indent=1).encode("utf-8")


def verify_root(raw: bytes, trusted: dict[str, Ed25519PublicKey]) -> dict[str, Any]:
    """The signed object of a root file when at least one trusted key signed exactly it; else Refused.
    What is verified is the canonical form of what is then used, so no parser quirk can slip between."""
    try:
        # ValueError also covers bad UTF-8 and integers past Python's 4,300-digit limit;
        # the parser recurses per level, so deep nesting is a RecursionError.
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise Refused("目录索引文件已损坏，已拒绝更新。", f"root is not valid JSON: {exc}") from exc
    signed = document.get("signed") if isinstance(document, dict) else None
    signatures = document.get("signatures") if isinstance(document, dict) else None
    if not isinstance(signed, dict) or not isinstance(signatures, list):
        raise Refused("目录索引文件格式错误，已拒绝更新。", "root lacks 'signed' or 'signatures'")
    try:
        payload = canonical_json(signed)
    except UnicodeEncodeError:  # a lone surrogate escape (\ud800) has no UTF-8 form, so no signed bytes
        raise Refused("目录索引文件格式错误，已拒绝更新。", "root holds text with no UTF-8 form") from None
    by_trusted_key = 0
    for entry in signatures:
        if not isinstance(entry, dict) or entry.get("keyid") not in trusted:
            continue
        by_trusted_key += 1
        try:
            signature = base64.b64decode(str(entry.get("sig", "")), validate=True)
            trusted[entry["keyid"]].verify(signature, payload)
        except (ValueError, InvalidSignature):  # binascii.Error, and non-ASCII text, are ValueErrors
            continue
        return signed
    if by_trusted_key:
        raise Refused(
            "目录索引的签名无效，内容可能被篡改，已拒绝更新。",
            "root signature by a trusted key does not verify (tampered or corrupt)",
        )
    claimed = ", ".join(str(e.get("keyid", "?"))[:16] for e in signatures if isinstance(e, dict)) or "none"
    raise Refused(
        "目录索引不是由本机信任的密钥签名的，已拒绝更新。",
        f"root is not signed by a trusted key (signed by: {claimed})",
    )
