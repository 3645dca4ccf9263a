"""The central office's feed signing key: generated once, kept private (0600), its .pub handed to
every terminal's `trusted_keys`."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.errors import BadInput
from kiosk.sync.signing import generate_private_key, key_id, private_pem, public_text

PRIVATE_NAME = "feed.key"
PUBLIC_NAME = "feed.pub"


def generate_key_files(out_dir: Path) -> dict[str, str]:
    """Write out_dir/feed.key (mode 0600) and out_dir/feed.pub; never overwrite an existing key."""
    private_path, public_path = out_dir / PRIVATE_NAME, out_dir / PUBLIC_NAME
    for path in (private_path, public_path):
        if path.exists():
            raise BadInput(
                f"{path} 已存在：为免误删正在使用的签名密钥，不会覆盖。",
                f"{path} exists; refusing to overwrite a signing key",
                field="out",
            )
    key = generate_private_key()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # O_EXCL and the mode at creation: the private key is never readable by others, not even briefly.
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_pem(key))
            handle.flush()
            os.fsync(handle.fileno())
        public_path.write_text(public_text(key.public_key()) + "\n", encoding="ascii")
    except OSError as exc:
        raise BadInput(f"无法写入密钥文件到 {out_dir}。", f"cannot write key files in {out_dir}: {exc}") from exc
    return {
        "private_key": str(private_path),
        "public_key": str(public_path),
        "key_id": key_id(key.public_key()),
        "public_text": public_text(key.public_key()),
    }
