"""The clerks' staff PIN, kept as a salted scrypt hash in the home (HOME/staff_pin, 0600): the PIN
itself is never stored, logged or echoed. `staff_pin_hash` in kiosk.toml is the fallback, so a fleet
can be provisioned with one hash; the file in the home, set on the terminal, wins."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from itertools import pairwise
from pathlib import Path

from kiosk.environment import Env
from kiosk.errors import BadInput, StorageError
from kiosk.private_files import write_private_file

log = logging.getLogger(__name__)

PIN_FILE = "staff_pin"
MIN_DIGITS, MAX_DIGITS = 6, 12
SCHEME = "scrypt-v1"
# scrypt's interactive-login cost (RFC 7914 §2): 16 MiB and ~50 ms here, a second for a thousand
# guesses; the lockout, not the hash, is what stops guessing at the screen.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
_MAXMEM = 64 * 1024 * 1024


class WeakPin(BadInput):
    """A PIN that breaks the rule: 6–12 digits, not one digit repeated, not a run like 123456."""


def pin_path(env: Env) -> Path:
    return env.home / PIN_FILE


def check_pin_rule(pin: str) -> None:
    """WeakPin unless `pin` is 6–12 ASCII digits and not trivially guessable."""
    if not (pin.isascii() and pin.isdigit() and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        raise WeakPin(
            f"工作人员密码应为 {MIN_DIGITS}–{MAX_DIGITS} 位数字。",
            f"the staff PIN must be {MIN_DIGITS} to {MAX_DIGITS} digits",
            field="pin",
        )
    if _trivial(pin):
        raise WeakPin(
            "密码过于简单（如 000000、123456），请换一个不易猜到的数字组合。",
            "the staff PIN is trivially guessable (one digit repeated or a run such as 123456); choose another",
            field="pin",
        )


def _trivial(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(pin)}
    if len(steps) == 1 and steps <= {0, 1, 9}:
        return True  # one digit repeated (000000), or a run up or down (123456, 987654, 890123)
    return len(set(pin)) == 2 and pin[2:] == pin[:-2]  # two digits taking turns (121212)


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """`scrypt-v1$N$r$p$SALT$HASH` (base64): the parameters travel with the hash, so they can grow later."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join([SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)])


def verify_pin(pin: str, stored: str) -> bool:
    """Whether `pin` matches `stored` (constant-time compare). StorageError for a damaged hash."""
    try:
        scheme, n, r, p, salt, digest = stored.strip().split("$")
        if scheme != SCHEME:
            raise ValueError(scheme)
        n_, r_, p_ = int(n), int(r), int(p)
        if n_ < 2 or n_ & (n_ - 1) or not 1 <= r_ <= 64 or not 1 <= p_ <= 16:
            raise ValueError("parameters")
        salt_b, digest_b = base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
    except (ValueError, TypeError) as exc:
        raise StorageError(
            "工作人员密码记录已损坏，请技术人员重新设置（kiosk staff set-pin）。",
            f"stored staff PIN hash is malformed ({exc.__class__.__name__}); run `kiosk staff set-pin`",
        ) from exc
    if not (pin.isascii() and pin.isdigit()) or len(pin) > MAX_DIGITS:
        return False
    try:
        candidate = _scrypt(pin, salt_b, n_, r_, p_, len(digest_b))
    except ValueError as exc:  # parameters beyond the memory limit: not a hash this program wrote
        raise StorageError(
            "工作人员密码记录已损坏，请技术人员重新设置（kiosk staff set-pin）。",
            f"stored staff PIN hash has unusable parameters: {exc}",
        ) from exc
    return hmac.compare_digest(candidate, digest_b)


def stored_hash(env: Env) -> str | None:
    """The hash in HOME/staff_pin, else `staff_pin_hash` from the config, else None (not set)."""
    path = pin_path(env)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(
            "无法读取工作人员密码记录，请联系技术人员。", f"cannot read staff PIN file {path}: {exc}"
        ) from exc
    return text or (env.config.staff_pin_hash or "").strip() or None


def pin_is_set(env: Env) -> bool:
    return stored_hash(env) is not None


def set_pin(env: Env, pin: str) -> Path:
    """Check the rule, hash, and replace HOME/staff_pin atomically (created 0600, fsync'd)."""
    check_pin_rule(pin)
    line = hash_pin(pin) + "\n"
    path = pin_path(env)
    env.ensure_home()
    try:
        write_private_file(path, line.encode("ascii"))
    except OSError as exc:
        raise StorageError("无法保存工作人员密码，请检查数据目录。", f"cannot write {path}: {exc}") from exc
    log.info("staff PIN set (hash in %s)", path)
    return path


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int = HASH_BYTES) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=length)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
