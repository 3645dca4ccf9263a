"""Where a feed is read from: a web server (HTTP/HTTPS) or a directory (a USB stick). Both hand every
file to the same verifier, which stops reading past the declared size, checks the SHA-256 and only
then moves the file into place (fsync'd, atomic rename)."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import requests

from kiosk.environment import Env
from kiosk.errors import BadInput, KioskError, NotFound, Offline, Refused, StorageError
from kiosk.http import offline_error, session
from kiosk.sync.feed import MAX_ROOT_BYTES, ROOT_NAME, ObjectRef

log = logging.getLogger(__name__)

# Small reads: when a connection is cut, the bytes of the read in progress are lost, so a resumed
# download restarts at most this far back.
CHUNK = 16 * 1024
RESUME_MIN_BYTES = 1_000_000  # attachments this large resume with a Range request after a cut
BODY_RETRIES = 3  # a connection cut mid-file: try again this many times, with back-off
BODY_BACKOFF_SECONDS = 0.5  # 0.5 s, 1 s, 2 s between those tries
MIN_RATE = 4_000  # bytes/s: slower than this for a whole file is a slow-retrieval attack or a dead link


class _TooLarge(Exception):
    pass


class _Short(Exception):
    pass


class _Mismatch(Exception):
    pass


class _NoResponse(Exception):
    """The request itself failed (after the session's own retries): the server is down or unreachable."""

    def __init__(self, cause: requests.RequestException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def storage_error(exc: OSError, what: str) -> StorageError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(
            "本机磁盘空间不足，目录未更新（原有目录照常可用）。请联系技术人员清理磁盘。",
            f"disk full while writing {what}: {exc}",
        )
    return StorageError("本机无法写入目录文件，目录未更新（原有目录照常可用）。", f"cannot write {what}: {exc}")


class VerifiedFile:
    """Bytes on their way to `dest`: written to dest.part, refused past `size`, moved into place only
    when the size and SHA-256 match. A resumable part keeps what already arrived."""

    def __init__(self, dest: Path, ref: ObjectRef, *, resume: bool) -> None:
        self.dest, self.ref = dest, ref
        self.part = dest.with_name(dest.name + ".part")
        self.hasher = hashlib.sha256()
        self.written = 0
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            if resume and self.part.is_file() and self.part.stat().st_size < ref.size:
                with self.part.open("rb") as existing:
                    for chunk in iter(lambda: existing.read(1 << 20), b""):
                        self.hasher.update(chunk)
                        self.written += len(chunk)
                self.handle = self.part.open("ab")
            else:
                self.handle = self.part.open("wb")
        except OSError as exc:
            raise storage_error(exc, str(dest)) from exc

    @property
    def offset(self) -> int:
        return self.written

    def restart(self) -> None:
        """The server ignored our Range request and sends the whole file: start over."""
        self.handle.seek(0)
        self.handle.truncate()
        self.hasher, self.written = hashlib.sha256(), 0

    def write(self, chunk: bytes) -> None:
        if self.written + len(chunk) > self.ref.size:
            raise _TooLarge()
        try:
            self.handle.write(chunk)
        except OSError as exc:
            self.abort(keep_part=False)
            raise storage_error(exc, str(self.dest)) from exc
        self.hasher.update(chunk)
        self.written += len(chunk)

    def finish(self) -> None:
        if self.written < self.ref.size:
            raise _Short()
        if self.hasher.hexdigest() != self.ref.sha256:
            raise _Mismatch()
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            self.part.replace(self.dest)
        except OSError as exc:
            self.abort(keep_part=False)
            raise storage_error(exc, str(self.dest)) from exc

    def abort(self, *, keep_part: bool) -> None:
        try:
            self.handle.close()
            if not keep_part:
                self.part.unlink(missing_ok=True)
        except OSError:
            log.warning("could not clean up %s", self.part)


class VerifiedBuffer:
    """The same checks as VerifiedFile, for small objects (shards, documents) kept in memory."""

    def __init__(self, ref: ObjectRef) -> None:
        self.ref = ref
        self.buffer = bytearray()
        self.hasher = hashlib.sha256()

    @property
    def offset(self) -> int:
        return len(self.buffer)

    def restart(self) -> None:
        self.buffer.clear()
        self.hasher = hashlib.sha256()

    def write(self, chunk: bytes) -> None:
        if len(self.buffer) + len(chunk) > self.ref.size:
            raise _TooLarge()
        self.buffer += chunk
        self.hasher.update(chunk)

    def finish(self) -> None:
        if len(self.buffer) < self.ref.size:
            raise _Short()
        if self.hasher.hexdigest() != self.ref.sha256:
            raise _Mismatch()

    def abort(self, *, keep_part: bool) -> None:
        self.buffer.clear()

    @property
    def data(self) -> bytes:
        return bytes(self.buffer)


Sink = VerifiedFile | VerifiedBuffer


def _mismatch(what_zh: str, where: str) -> Refused:
    return Refused(
        f"{what_zh}的校验值与签名不符（可能被篡改或损坏），已拒绝更新。",
        f"SHA-256 of {where} does not match the signed index",
    )


def _too_large(what_zh: str, where: str) -> Refused:
    return Refused(
        f"{what_zh}超出签名中声明的大小，已停止下载并拒绝更新。",
        f"{where} is larger than its declared size (endless data?)",
    )


@dataclass
class RootFetch:
    raw: bytes | None  # None: not modified since the validators we sent
    validators: dict[str, str] = field(default_factory=dict)


class _Counted:
    """Bytes and files fetched, counted safely from several download threads."""

    def __init__(self) -> None:
        self.bytes_fetched = 0
        self.files_fetched = 0
        self._lock = threading.Lock()

    def _count(self, size: int = 0, files: int = 0) -> None:
        with self._lock:
            self.bytes_fetched += size
            self.files_fetched += files


class Source(Protocol):
    label: str
    kind: str
    parallel: int  # how many objects may be fetched at once
    bytes_fetched: int
    files_fetched: int

    def fetch_root(self, validators: dict[str, str] | None) -> RootFetch: ...

    def fetch(self, relative: str, ref: ObjectRef, dest: Path, what_zh: str) -> None:
        """Download into `dest` (fsync'd, atomic rename) once size and SHA-256 match."""

    def fetch_bytes(self, relative: str, ref: ObjectRef, what_zh: str) -> bytes:
        """The verified content of a small object."""


class DirectorySource(_Counted):
    """A feed folder on a USB stick or a mounted share. Names come from validated hex only; even so
    every path is checked to stay inside the folder, and only regular files are read (a FIFO or a
    device on a stick must not hang or feed the terminal)."""

    kind = "directory"
    parallel = 1  # a USB stick reads fastest in sequence

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = Path(os.path.realpath(root))
        self.label = str(self.root)
        if not self.root.is_dir():
            raise NotFound(f"找不到同步目录 {root}，请检查U盘是否插好。", f"sync directory {root} does not exist")

    def _open(self, relative: str, what_zh: str):
        if relative.startswith("/") or ".." in Path(relative).parts:
            raise Refused("目录数据中有越出目录的文件名，已拒绝更新。", f"path {relative!r} escapes the feed folder")
        path = self.root / relative
        if not os.path.realpath(path).startswith(str(self.root) + os.sep):
            raise Refused("目录数据中有越出目录的文件名，已拒绝更新。", f"path {relative!r} resolves outside the feed")
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError as exc:
            raise NotFound(
                f"同步目录中缺少{what_zh}（{relative}），目录未更新。请重新导出发布目录。",
                f"{path} is missing from the feed folder",
            ) from exc
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise Refused("同步目录中有符号链接，已拒绝更新。", f"{path} is a symbolic link") from exc
            raise BadInput(f"无法读取同步目录中的{what_zh}。", f"cannot read {path}: {exc}") from exc
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise Refused("同步目录中有非普通文件，已拒绝更新。", f"{path} is not a regular file")
        return os.fdopen(fd, "rb")

    def fetch_root(self, validators: dict[str, str] | None) -> RootFetch:
        with self._open(ROOT_NAME, "目录索引") as handle:
            raw = handle.read(MAX_ROOT_BYTES + 1)
        self._count(len(raw))
        if len(raw) > MAX_ROOT_BYTES:
            raise _too_large("目录索引", ROOT_NAME)
        return RootFetch(raw)

    def fetch(self, relative: str, ref: ObjectRef, dest: Path, what_zh: str) -> None:
        self._read(relative, what_zh, VerifiedFile(dest, ref, resume=False))

    def fetch_bytes(self, relative: str, ref: ObjectRef, what_zh: str) -> bytes:
        sink = VerifiedBuffer(ref)
        self._read(relative, what_zh, sink)
        return sink.data

    def _read(self, relative: str, what_zh: str, sink: Sink) -> None:
        try:
            with self._open(relative, what_zh) as handle:
                for chunk in iter(lambda: handle.read(CHUNK), b""):
                    self._count(len(chunk))
                    sink.write(chunk)
            sink.finish()
        except _TooLarge:
            sink.abort(keep_part=False)
            raise _too_large(what_zh, relative) from None
        except _Short:
            sink.abort(keep_part=False)
            raise Refused(
                f"同步目录中的{what_zh}不完整（比签名声明的小），已拒绝更新。", f"{relative} is truncated"
            ) from None
        except _Mismatch:
            sink.abort(keep_part=False)
            raise _mismatch(what_zh, relative) from None
        except KioskError:
            sink.abort(keep_part=False)
            raise
        except OSError as exc:
            sink.abort(keep_part=False)
            raise BadInput(f"读取同步目录中的{what_zh}失败。", f"cannot read {relative}: {exc}") from exc
        self._count(files=1)


class HttpSource(_Counted):
    """A feed on any static web server or CDN, through the program's one requests session."""

    kind = "http"
    # Several requests in flight: on a hall's link with 100 ms round trips, 200 sequential requests
    # for a small update would take 20 s. Stays within the session's connection pool (8).
    parallel = 6

    def __init__(self, base_url: str, http: requests.Session, timeout: float, sleep: Callable = time.sleep) -> None:
        super().__init__()
        self.base = base_url if base_url.endswith("/") else base_url + "/"
        self.label = self.base
        self.http = http
        self.timeout = timeout
        self.sleep = sleep

    def fetch_root(self, validators: dict[str, str] | None) -> RootFetch:
        url = urljoin(self.base, ROOT_NAME)
        headers = {"Cache-Control": "no-cache"}  # caches in between must revalidate the one mutable file
        if validators:
            if validators.get("etag"):
                headers["If-None-Match"] = validators["etag"]
            if validators.get("last_modified"):
                headers["If-Modified-Since"] = validators["last_modified"]
        try:
            with self.http.get(url, headers=headers, stream=True) as response:
                if response.status_code == 304:
                    return RootFetch(None, dict(validators or {}))
                self._check_status(response, url, "目录索引")
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > MAX_ROOT_BYTES:
                    raise _too_large("目录索引", url)
                raw = bytearray()
                for chunk in response.iter_content(CHUNK):
                    raw += chunk
                    self._count(len(chunk))
                    if len(raw) > MAX_ROOT_BYTES:
                        raise _too_large("目录索引", url)
                found = {}
                if response.headers.get("ETag"):
                    found["etag"] = response.headers["ETag"]
                if response.headers.get("Last-Modified"):
                    found["last_modified"] = response.headers["Last-Modified"]
                return RootFetch(bytes(raw), found)
        except requests.RequestException as exc:
            raise offline_error(exc, "目录发布源", url) from exc

    def _check_status(self, response: requests.Response, url: str, what_zh: str) -> None:
        if response.status_code == 404:
            raise NotFound(
                f"发布源上找不到{what_zh}，请检查同步地址。",
                f"{url} answered 404",
            )
        if response.status_code not in (200, 206):
            raise Offline(
                f"发布源暂时不可用（HTTP {response.status_code}），请稍后再试。",
                f"{url} answered HTTP {response.status_code}",
            )

    def fetch(self, relative: str, ref: ObjectRef, dest: Path, what_zh: str) -> None:
        resumable = ref.size >= RESUME_MIN_BYTES
        self._fetch(relative, ref, what_zh, lambda: VerifiedFile(dest, ref, resume=resumable), resumable)

    def fetch_bytes(self, relative: str, ref: ObjectRef, what_zh: str) -> bytes:
        sinks: list[VerifiedBuffer] = []

        def make() -> VerifiedBuffer:
            sinks.append(VerifiedBuffer(ref))
            return sinks[-1]

        self._fetch(relative, ref, what_zh, make, resumable=False)
        return sinks[-1].data

    def _fetch(
        self, relative: str, ref: ObjectRef, what_zh: str, make_sink: Callable[[], Sink], resumable: bool
    ) -> None:
        url = urljoin(self.base, relative)
        deadline = time.monotonic() + 3 * self.timeout + ref.size / MIN_RATE
        cuts = 0
        fresh_retry_done = False
        while True:
            sink = make_sink()
            try:
                self._download(url, sink, what_zh, deadline)
                sink.finish()
                self._count(files=1)
                return
            except (_Short, requests.exceptions.ChunkedEncodingError, requests.ConnectionError):
                # A connection cut mid-file (or a server closing early): keep what arrived when the
                # file is large enough to resume, wait, and try again.
                sink.abort(keep_part=resumable)
                cuts += 1
                if cuts > BODY_RETRIES:
                    raise Offline(
                        f"{what_zh}下载不完整（连接中断），目录未更新，请稍后再试。",
                        f"download of {url} cut off {cuts} times (at {sink.offset} of {ref.size} bytes)",
                    ) from None
                log.info("download of %s cut at %d/%d bytes; retry %d", url, sink.offset, ref.size, cuts)
                self.sleep(min(8.0, BODY_BACKOFF_SECONDS * 2 ** (cuts - 1)))
            except _TooLarge:
                sink.abort(keep_part=False)
                raise _too_large(what_zh, url) from None
            except _Mismatch:
                sink.abort(keep_part=False)
                if sink.offset and resumable and not fresh_retry_done:
                    fresh_retry_done = True  # a stale partial file from another version: start clean once
                    continue
                raise _mismatch(what_zh, url) from None
            except _NoResponse as exc:
                sink.abort(keep_part=resumable)
                raise offline_error(exc.cause, "目录发布源", url) from exc.cause
            except KioskError:
                sink.abort(keep_part=resumable)
                raise

    def _download(self, url: str, sink: Sink, what_zh: str, deadline: float) -> None:
        headers = {"Range": f"bytes={sink.offset}-"} if sink.offset else {}
        try:
            response = self.http.get(url, headers=headers, stream=True)
        except requests.RequestException as exc:
            raise _NoResponse(exc) from exc
        with response:
            self._check_status(response, url, what_zh)
            if sink.offset and not (
                response.status_code == 206
                and response.headers.get("Content-Range", "").startswith(f"bytes {sink.offset}-")
            ):
                sink.restart()
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and sink.offset + int(declared) > sink.ref.size:
                raise _TooLarge()
            for chunk in response.iter_content(CHUNK):
                self._count(len(chunk))
                sink.write(chunk)
                if time.monotonic() > deadline:
                    raise Offline(
                        f"{what_zh}下载过慢，已停止，目录未更新，请稍后再试。",
                        f"download of {url} exceeded its deadline (slow retrieval)",
                    )


def open_source(env: Env, spec: str) -> Source:
    """`https://…` / `http://…` → HttpSource; anything else is a directory (a USB stick)."""
    spec = spec.strip()
    scheme = urlsplit(spec).scheme.lower()
    if scheme in ("http", "https"):
        return HttpSource(spec, session(env), float(env.config.http_timeout_seconds))
    if scheme == "file":
        spec = urlsplit(spec).path
    elif scheme and len(scheme) > 1:
        raise BadInput(
            f"不支持的同步来源：{spec}（应为 https:// 地址或目录）。",
            f"unsupported sync source scheme {scheme!r}",
            field="sync_source",
        )
    return DirectorySource(Path(spec).expanduser())
