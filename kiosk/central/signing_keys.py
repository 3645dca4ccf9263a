"""The central office's feed signing key: generated once, kept private (0600), its .pub handed to
every terminal's `trusted_keys`."""

from __future__ import annotations

from pathlib import Path

from kiosk.errors import BadInput
from kiosk.private_files import write_private_file
from kiosk.sync.signing import generate_private_key, key_id, private_pem, public_text

PRIVATE_NAME = "feed.key"
PUBLIC_NAME = "feed.pub"


def generate_key_files(out_dir: Path) -> dict[str, str]:
    """Write out_dir/feed.key (mode 0600) and out_dir/feed.pub; never overwrite an existing key."""
    private_path, public_path = out_dir / PRIVATE_NAME, out_dir / PUBLIC_NAME
    if private_path.exists() and not public_path.exists():
        raise BadInput(
            f"{private_path} 已存在，但没有 {PUBLIC_NAME}：上次生成可能中途中断。若该私钥从未用于发布，请删除它后重新生成。",
            f"{private_path} exists without {PUBLIC_NAME} (an interrupted keygen?); delete it if it never signed a "
            "feed, then run keygen again",
            field="out",
        )
    for path in (private_path, public_path):
        if path.exists():
            raise _exists(path)
    key = generate_private_key()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # The private half first: a crash in between leaves a key without .pub (said above on the next run),
        # never a .pub for a key that was not saved. keep_existing: of two keygens
        # racing, the second finds the first's key and refuses instead of replacing it.
        created = write_private_file(private_path, private_pem(key), keep_existing=True)
        if created:
            public_line = public_text(key.public_key()) + "\n"
            write_private_file(public_path, public_line.encode("ascii"), 0o644)
    except OSError as exc:
        raise BadInput(f"无法写入密钥文件到 {out_dir}。", f"cannot write key files in {out_dir}: {exc}") from exc
    if not created:
        raise _exists(private_path)
    return {
        "private_key": str(private_path),
        "public_key": str(public_path),
        "key_id": key_id(key.public_key()),
        "public_text": public_text(key.public_key()),
    }


def _exists(path: Path) -> BadInput:
    return BadInput(
        f"{path} 已存在：为免误删正在使用的签名密钥，不会覆盖。",
        f"{path} exists; refusing to overwrite a signing key",
        field="out",
    )
