"""The one HTTP session factory: every request the program makes (feed sync, application outbox)
gets the same timeouts, retries with back-off and User-Agent from here."""

from __future__ import annotations

import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError, TimeoutError
from urllib3.util.retry import Retry

from kiosk import __version__
from kiosk.environment import Env
from kiosk.errors import Offline

# Poor hall networks drop connections and proxies answer 502/503 while a link flaps: retry those,
# with exponential back-off (0 s, 1 s, 2 s …) and honouring Retry-After. Only idempotent methods are
# retried here; a POST is retried by its caller, which knows whether its idempotency key makes it safe.
RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRIES = 3
BACKOFF_FACTOR = 0.5

_lock = threading.Lock()
_KEY = "http_session"


class KioskSession(requests.Session):
    """A Session whose requests carry a timeout unless the caller gives one (requests has no default)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def user_agent(env: Env) -> str:
    return f"disclosure-kiosk/{__version__} (terminal {env.terminal_id})"


def build_session(env: Env, *, retries: int = RETRIES, backoff_factor: float = BACKOFF_FACTOR) -> KioskSession:
    """A new session configured from `env` (tests build their own; the program shares `session(env)`)."""
    http = KioskSession(timeout=float(env.config.http_timeout_seconds))
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff_factor,
        status_forcelist=RETRY_STATUSES,
        respect_retry_after_header=True,
        raise_on_status=False,  # the caller turns the final status into a message a person can read
    )
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=8)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    http.headers["User-Agent"] = user_agent(env)
    return http


def session(env: Env) -> KioskSession:
    """The program's one session for this Env, created on first use (connection pooling, one config)."""
    with _lock:
        existing = env.shared.get(_KEY)
        if existing is None:
            existing = env.shared[_KEY] = build_session(env)
        return existing


def offline_error(exc: requests.RequestException, what_zh: str, url: str) -> Offline:
    """A network failure as the calm message a hall clerk sees; the URL only goes to the log."""
    if _timed_out(exc):
        return Offline(f"{what_zh}超时，网络可能不通，请稍后再试。", f"timed out talking to {url}: {exc}")
    if isinstance(exc, requests.ConnectionError):
        return Offline(f"无法连接{what_zh}，请检查网络后再试。", f"cannot connect to {url}: {exc}")
    return Offline(f"{what_zh}时网络出错，请稍后再试。", f"HTTP error talking to {url}: {exc}")


def _timed_out(exc: requests.RequestException) -> bool:
    # With retries, requests reports a final read timeout as a ConnectionError wrapping MaxRetryError.
    if isinstance(exc, requests.Timeout):
        return True
    cause = exc.args[0] if exc.args else None
    # urllib3's NewConnectionError (refused, no route) subclasses its timeout error: not a timeout to a person.
    reason = cause.reason if isinstance(cause, MaxRetryError) else None
    return isinstance(reason, TimeoutError) and not isinstance(reason, NewConnectionError)
