"""A stand-in for central's `POST /v1/heartbeats` (the heartbeat contract, format 1) on 127.0.0.1,
port 0, in a thread: central's real endpoint is built on another branch at the same time. It keeps
what it stores in memory, per terminal and key, and can be told to fail, to answer late, or to
store and then drop the connection — the cases a terminal must survive."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY_BYTES = 64 * 1024
_KEY = re.compile(r"^[0-9a-f]{32}$")
_TOTALS = ("searches", "idle_resets", "applications", "prints", "pages")


@dataclass
class HeartbeatIntake:
    url: str
    tokens: dict[str, str] = field(default_factory=dict)  # token → terminal
    stored: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (terminal, key) → body
    answers: list[int] = field(default_factory=list)  # statuses given to the next requests instead
    drop_after_storing: int = 0  # this many next requests: store, then close without an answer
    latency: float = 0.0  # seconds between storing and answering
    handled: threading.Event = field(default_factory=threading.Event)  # set once a heartbeat is stored
    requests: int = 0

    def add_terminal(self, name: str) -> str:
        token = f"token-{name}-{len(self.tokens)}"
        self.tokens[token] = name
        return token

    def bodies(self, terminal: str | None = None) -> list[dict[str, Any]]:
        return [body for (who, _), body in self.stored.items() if terminal in (None, who)]

    def total(self, name: str) -> int:
        return sum(body["counters"][name] for body in self.bodies())


def _problem(body: Any) -> str | None:
    """Why a body breaks the contract, or None."""
    if not isinstance(body, dict) or body.get("format") != 1:
        return "format must be 1"
    if not isinstance(body.get("key"), str) or not _KEY.match(body["key"]):
        return "key must be 32 hex digits"
    for name in ("sent_at", "app_version"):
        if not isinstance(body.get(name), str):
            return f"{name} must be text"
    if not isinstance(body.get("catalog"), dict) or not isinstance(body.get("last_sync"), dict):
        return "catalog and last_sync must be objects"
    if not isinstance(body.get("printers"), dict) or set(body["printers"]) != {"document", "receipt"}:
        return "printers must have document and receipt"
    counters = body.get("counters")
    if not isinstance(counters, dict) or not all(isinstance(counters.get(n), int) for n in _TOTALS):
        return "counters must have integer totals"
    for name in ("views", "printed"):
        entries = counters.get(name)
        if not isinstance(entries, dict) or len(entries) > 500:
            return f"counters.{name} must be an object of at most 500 entries"
    return None


@contextlib.contextmanager
def running_heartbeat_intake() -> Iterator[HeartbeatIntake]:
    intake = HeartbeatIntake("")
    lock = threading.Lock()

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            intake.requests += 1
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length <= MAX_BODY_BYTES else b""
            if self.path != "/v1/heartbeats":
                return self._answer(404, _error("http_404", "地址不存在。", "not found"))
            if intake.answers:
                return self._answer(
                    intake.answers.pop(0), _error("test", "测试用的失败。", "failure asked by the test")
                )
            header = self.headers.get("Authorization", "")
            terminal = intake.tokens.get(header[7:].strip()) if header.lower().startswith("bearer ") else None
            if terminal is None:
                return self._answer(401, _error("unauthorized", "终端未获授权。", "bad token"))
            if length > MAX_BODY_BYTES:
                return self._answer(413, _error("too_large", "请求内容过大。", "body over 64 KiB"))
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return self._answer(400, _error("not_json", "请求应为 JSON。", "body is not JSON"))
            problem = _problem(body)
            if problem:
                return self._answer(422, _error("invalid", "心跳内容无效。", problem))
            with lock:
                created = (terminal, body["key"]) not in intake.stored
                intake.stored.setdefault((terminal, body["key"]), body)
            intake.handled.set()
            if intake.drop_after_storing:
                intake.drop_after_storing -= 1
                self.close_connection = True
                return
            if intake.latency:
                time.sleep(intake.latency)
            self._answer(201 if created else 200, {"stored": created})

        def _answer(self, status: int, data: dict[str, Any]) -> None:
            payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the terminal was killed mid-request, which the crash test wants

        def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    intake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield intake
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _error(code: str, zh: str, en: str) -> dict[str, str]:
    return {"code": code, "message_zh": zh, "message_en": en}
