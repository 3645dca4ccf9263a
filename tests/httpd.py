"""A real HTTP server on 127.0.0.1, port 0, in a thread: tests give it a handler function."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Server:
    url: str
    requests: list[Request] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


Handler = Callable[[BaseHTTPRequestHandler, Server], None]


@contextlib.contextmanager
def serve(handle: Handler) -> Iterator[Server]:
    """Run `handle(request_handler, server)` for every GET; yields the server with its base URL."""
    holder: dict[str, Server] = {}

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms stalls

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            server = holder["server"]
            server.requests.append(Request("GET", self.path, dict(self.headers)))
            try:
                handle(self, server)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, which is what several tests want

        def log_message(self, format: str, *args) -> None:  # keep pytest output clean
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    holder["server"] = Server(f"http://127.0.0.1:{httpd.server_address[1]}/")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield holder["server"]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict | None = None) -> None:
    handler.send_response(status)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    if "Content-Length" not in (headers or {}):
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if body:
        handler.wfile.write(body)
