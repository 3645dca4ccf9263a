"""Officers of the disclosure office: scrypt password hashes, lockout after repeated failures. No
I/O beyond the intake database; the web layer keeps the session."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import re
import secrets
from datetime import datetime, timedelta

from kiosk.central.intake_models import Audit, Officer
from kiosk.errors import BadInput, NotFound, Refused

log = logging.getLogger(__name__)

ROLES = ("officer", "admin")
MIN_PASSWORD = 10
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
# scrypt n=2**15, r=8: about 50 ms and 32 MiB per check, slow enough for a stolen hash to resist.
_N, _R, _P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        wanted = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAXMEM,
            dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, wanted)


@functools.cache
def _dummy() -> str:
    """A hash to check against when the name is unknown, so a wrong name costs as long as a wrong
    password. Made on first use: at import it would slow every `kiosk` command by one scrypt."""
    return hash_password(secrets.token_hex(16))


def add_officer(name: str, role: str, password: str, now: datetime) -> Officer:
    name = name.strip()
    if not re.fullmatch(r"[\w.\-\u4e00-\u9fff]{1,64}", name):
        raise BadInput("用户名只能包含字母、数字、汉字、点、横线和下划线。", f"bad officer name {name!r}", field="name")
    if role not in ROLES:
        raise BadInput("角色只能是 officer 或 admin。", f"unknown role {role!r}", field="role")
    if len(password) < MIN_PASSWORD:
        raise BadInput(
            f"密码至少需要 {MIN_PASSWORD} 个字符。", f"password shorter than {MIN_PASSWORD}", field="password"
        )
    if Officer.get_or_none(Officer.name == name) is not None:
        raise BadInput(f"用户“{name}”已存在。", f"officer {name!r} exists", field="name")
    officer = Officer.create(
        name=name, role=role, password_hash=hash_password(password), created_at=now.isoformat(timespec="seconds")
    )
    audit(name, "officer_added", None, role, now)
    return officer


def list_officers() -> list[dict]:
    return [
        {"name": o.name, "role": o.role, "created_at": o.created_at, "disabled": o.disabled_at is not None}
        for o in Officer.select().order_by(Officer.name)
    ]


def disable_officer(name: str, now: datetime) -> None:
    if not Officer.update(disabled_at=now.isoformat(timespec="seconds")).where(Officer.name == name).execute():
        raise NotFound(f"没有用户“{name}”。", f"no officer {name!r}")
    audit(name, "officer_disabled", None, None, now)


def log_in(name: str, password: str, now: datetime) -> Officer:
    """The officer, or Refused. After MAX_FAILURES wrong passwords in a row the account is locked for
    LOCKOUT, even for the right password."""
    officer = Officer.get_or_none(Officer.name == name.strip())
    if officer is None or officer.disabled_at is not None:
        check_password(password, _dummy())
        raise Refused("用户名或密码错误。", f"login refused for unknown or disabled officer {name!r}")
    if officer.locked_until and officer.locked_until > now.isoformat(timespec="seconds"):
        audit(officer.name, "login_locked", None, None, now)
        raise Refused("登录失败次数过多，账号已暂时锁定，请15分钟后再试。", f"officer {officer.name} is locked out")
    if not check_password(password, officer.password_hash):
        failures = officer.failed_logins + 1
        locked = (now + LOCKOUT).isoformat(timespec="seconds") if failures >= MAX_FAILURES else None
        Officer.update(failed_logins=0 if locked else failures, locked_until=locked).where(
            Officer.id == officer.id
        ).execute()
        audit(officer.name, "login_failed", None, "locked" if locked else str(failures), now)
        raise Refused("用户名或密码错误。", f"wrong password for officer {officer.name}")
    Officer.update(failed_logins=0, locked_until=None).where(Officer.id == officer.id).execute()
    audit(officer.name, "login", None, None, now)
    return officer


def audit(officer: str, action: str, tracking: str | None, detail: str | None, now: datetime) -> None:
    """One line of the office's audit trail (never personal data in `detail`)."""
    Audit.create(officer=officer, action=action, tracking=tracking, detail=detail, at=now.isoformat(timespec="seconds"))
    log.info("console audit: %s %s %s", officer, action, tracking or "")


def audit_trail(tracking: str | None = None, limit: int = 200) -> list[dict]:
    query = Audit.select().order_by(Audit.id.desc()).limit(limit)
    if tracking:
        query = query.where(Audit.tracking == tracking)
    return [
        {"officer": a.officer, "action": a.action, "tracking": a.tracking, "detail": a.detail, "at": a.at}
        for a in query
    ]
