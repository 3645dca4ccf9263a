"""Structured JSON documents (English or 政府信息公开目录 Chinese keys) → validated records, read as a
stream so that a CMS export of any size costs bounded memory and one bad document fails alone."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import ijson

from kiosk.errors import BadInput
from kiosk.importer.textutil import parse_date

# One document of a JSON export: generous for a 2,000,000-character body written as \u escapes.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
# One value (a string) yajl must hold whole: past this the file is abandoned, since it cannot be skipped.
MAX_VALUE_BYTES = 2 * MAX_DOCUMENT_BYTES
MAX_DEPTH = 32  # a document is an object of attachment objects: three levels; deeper is not a document
# yajl re-scans a value that spans reads from its start at every read: with 64 KiB reads a 16 MB
# string took over a minute, with 4 MiB reads under two seconds. Reads this large also make the
# size of a document known only to within one read, so the cap is applied past cap + one read.
_BUFFER = 4 * 1024 * 1024
_SURELY_TOO_LARGE = MAX_DOCUMENT_BYTES + _BUFFER
_BOM = codecs.BOM_UTF8
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# 政府信息公开目录 field names as portals export them.
_CHINESE_KEYS = {
    "标题": "title",
    "名称": "title",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "成文日期": "issued",
    "发布日期": "published",
    "主题分类": "category",
    "有效性": "validity",
    "索引号": "index_no",
    "正文": "body",
    "内容": "body",
    "网址": "source_url",
    "附件": "attachments",
}


@dataclass
class JsonEntry:
    """One document read from a file: `index` is its position (None when the file is one document),
    `data` the decoded value, or `error` why it was refused."""

    index: int | None
    data: Any = None
    error: BadInput | None = None


def documents_in(data: Any) -> list[Any]:
    """A file may hold one document, a list of them, or {"documents": [...]}."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        return data["documents"]
    return [data]


def normalize_keys(item: Any) -> Any:
    """Map Chinese keys to ours and accept 2019年7月17日 / 2019/7/17 dates alongside ISO."""
    if not isinstance(item, dict):
        return item
    data = {_CHINESE_KEYS.get(key, key): value for key, value in item.items()}
    for key in ("issued", "published"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            parsed = parse_date(value)
            data[key] = parsed.isoformat() if parsed else value
    return data


def _megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"


def too_large_error(limit: int = MAX_DOCUMENT_BYTES) -> BadInput:
    return BadInput(
        f"单个文件数据超过 {_megabytes(limit)} 的上限，未导入。",
        f"document larger than the {_megabytes(limit)} limit",
        field="document",
    )


def too_deep_error() -> BadInput:
    return BadInput(
        f"文件数据嵌套超过 {MAX_DEPTH} 层，不是有效的文件格式，未导入。",
        f"document nested deeper than {MAX_DEPTH} levels",
        field="document",
    )


class _Reader:
    """Counts the bytes ijson has taken, re-encodes GB18030 files as UTF-8 on the fly, and stops (as if
    the file ended) when one value runs past MAX_VALUE_BYTES, because yajl keeps a token whole in
    memory however long it grows."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.position = 0
        self.mark = 0  # where the value now being read began
        self.overflow = False
        head = raw.read(_BUFFER)
        if head.startswith(_BOM):
            head = head[len(_BOM) :]
        self._decoder = None if _looks_utf8(head) else codecs.getincrementaldecoder("gb18030")()
        self._pending = self._recode(head, final=False)

    def _recode(self, chunk: bytes, *, final: bool) -> bytes:
        if self._decoder is None:
            return chunk
        return self._decoder.decode(chunk, final=final).encode("utf-8")

    def read(self, size: int) -> bytes:
        if size <= 0:
            return b""
        if self.position - self.mark > MAX_VALUE_BYTES:
            self.overflow = True
            return b""
        if self._pending:
            chunk, self._pending = self._pending, b""
        else:
            raw = self.raw.read(size)
            chunk = self._recode(raw, final=not raw)
        self.position += len(chunk)
        return chunk


def _looks_utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        try:
            head.decode("gb18030")
        except UnicodeDecodeError:
            return True  # neither fits: let the parser name the bad bytes
        return False
    return True


class _Refused(Exception):
    def __init__(self, error: BadInput) -> None:
        super().__init__(error.message_en)
        self.error = error


def _build(event: str, value: Any, events: Iterator[tuple[str, Any]], reader: _Reader, start: int) -> Any:
    """The whole value that begins with (event, value). A value past the depth or size cap is read to
    its end without being kept, then refused, so the next document of the file can still be read."""
    if event not in ("start_map", "start_array"):
        if reader.position - start > _SURELY_TOO_LARGE:
            raise _Refused(too_large_error())
        return value
    root: Any = {} if event == "start_map" else []
    stack: list[Any] = [root]
    key = None
    depth = 1
    problem: BadInput | None = None
    for event, value in events:
        reader.mark = reader.position
        if event == "map_key":
            key = value
            continue
        if event == "end_map" or event == "end_array":
            depth -= 1
            if problem is None:
                stack.pop()
            if depth == 0:
                break
            continue
        opening = event == "start_map" or event == "start_array"
        if opening:
            depth += 1
        if problem is not None:
            continue
        if depth > MAX_DEPTH:
            problem = too_deep_error()
            continue
        if reader.position - start > _SURELY_TOO_LARGE:
            problem = too_large_error()
            continue
        if opening:
            value = {} if event == "start_map" else []
        parent = stack[-1]
        if isinstance(parent, dict):
            parent[key] = value
        else:
            parent.append(value)
        if opening:
            stack.append(value)
    if problem is None and reader.position - start > _SURELY_TOO_LARGE:
        problem = too_large_error()
    if problem is not None:
        raise _Refused(problem)
    return root


def _invalid(exc: Exception, done: int) -> BadInput:
    message = exc.args[0] if exc.args else str(exc)
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    first = str(message).strip().splitlines()[0] if str(message).strip() else exc.__class__.__name__
    rest = f" after {done} documents; the rest of the file was not read" if done else ""
    return BadInput(
        "文件不是有效的 JSON（须为 UTF-8 或 GB18030 编码），未导入"
        + (f"其中第 {done + 1} 篇及以后的内容。" if done else "。"),
        f"invalid JSON ({first}){rest}",
        field="document",
    )


def _items(events: Iterator[tuple[str, Any]], reader: _Reader, counter: list[int]) -> Iterator[JsonEntry]:
    """The elements of the array whose start_array was just read, one document each."""
    for event, value in events:
        if event == "end_array":
            return
        reader.mark = start = reader.position
        index = counter[0]
        counter[0] += 1
        try:
            yield JsonEntry(index, _build(event, value, events, reader, start))
        except _Refused as refused:
            yield JsonEntry(index, error=refused.error)


def read_json_documents(raw: BinaryIO) -> Iterator[JsonEntry]:
    """Documents of a JSON file: one object, an array of them, or {"documents": [...]}, read as a
    stream. Raises BadInput, after the documents read so far, when the file itself is broken."""
    reader = _Reader(raw)
    events = iter(ijson.basic_parse(reader, use_float=True, buf_size=_BUFFER))
    counter = [0]
    try:
        first = next(events, None)
        if first is None:
            raise BadInput("文件为空，未导入。", "empty file", field="document")
        event, value = first
        if event == "start_array":
            yield from _items(events, reader, counter)
        elif event == "start_map":
            yield from _top_object(events, reader, counter)
        else:
            yield JsonEntry(None, value)
        for _ in events:  # trailing content makes the parser raise
            pass
    except ijson.JSONError as exc:
        if reader.overflow:
            raise BadInput(
                f"文件中有单个数据项超过 {_megabytes(MAX_VALUE_BYTES)} 的上限，其余内容未导入。",
                f"a single value larger than the {_megabytes(MAX_VALUE_BYTES)} limit; the rest of the file was not read",
                field="document",
            ) from None
        raise _invalid(exc, counter[0]) from None
    except UnicodeDecodeError as exc:
        raise _invalid(exc, counter[0]) from None


def _top_object(events: Iterator[tuple[str, Any]], reader: _Reader, counter: list[int]) -> Iterator[JsonEntry]:
    """A top-level object is one document, unless it carries a "documents" array to stream."""
    start = reader.position
    rest: dict[str, Any] = {}
    streamed = False
    problem: BadInput | None = None
    for event, value in events:
        reader.mark = reader.position
        if event == "end_map":
            break
        key = value
        event, value = next(events)
        if key == "documents" and event == "start_array" and not streamed:
            streamed = True
            yield from _items(events, reader, counter)
            continue
        try:
            built = _build(event, value, events, reader, start)
        except _Refused as refused:
            problem = problem or refused.error
            continue
        if not streamed and problem is None:
            rest[key] = built
    if not streamed:
        yield JsonEntry(None, error=problem) if problem else JsonEntry(None, rest)


def _check_value(data: Any) -> None:
    """Depth and text checks that the stream parser makes as it goes, for a value json.loads built."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise BadInput(
                    "文件数据含有无效字符，未导入。", "document contains unpaired surrogates", field="document"
                )
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise too_deep_error()
        children = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in children:
            pending.append((key, depth))
            pending.append((child, depth + 1))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_json_lines(raw: BinaryIO) -> Iterator[JsonEntry]:
    """Documents of a JSON Lines file (.jsonl, .ndjson), one per line; `index` is the line number.
    A bad or oversized line fails alone."""
    head = raw.read(_BUFFER)
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    encoding = "utf-8" if _looks_utf8(head) else "gb18030"
    lines = _bounded_lines(head, raw)
    for number, line in enumerate(lines, start=1):
        if line is None:
            yield JsonEntry(number, error=too_large_error())
            continue
        if not line.strip():
            continue
        try:
            data = json.loads(line.decode(encoding), parse_constant=_refuse_constant)
            _check_value(data)
        except BadInput as exc:
            yield JsonEntry(number, error=exc)
        except RecursionError:
            yield JsonEntry(number, error=too_deep_error())
        except (ValueError, UnicodeDecodeError) as exc:
            yield JsonEntry(number, error=_invalid(exc, 0))
        else:
            yield JsonEntry(number, data)


def _bounded_lines(head: bytes, raw: BinaryIO) -> Iterator[bytes | None]:
    """Lines of at most MAX_DOCUMENT_BYTES; None stands for a longer line, which is read past, not kept."""
    buffer = bytearray(head)
    begin = 0  # where the current line starts in buffer
    searched = 0  # no newline in buffer[begin:searched]
    skipping = False
    while True:
        newline = buffer.find(b"\n", searched)
        if newline >= 0:
            yield None if skipping else bytes(buffer[begin:newline])
            skipping = False
            begin = searched = newline + 1
            continue
        del buffer[:begin]  # once per chunk, not once per line
        begin = 0
        if len(buffer) > MAX_DOCUMENT_BYTES:
            skipping = True
            buffer.clear()
        searched = len(buffer)
        chunk = raw.read(_BUFFER)
        if not chunk:
            break
        buffer += chunk
    if skipping:
        yield None
    elif buffer:
        yield bytes(buffer)
