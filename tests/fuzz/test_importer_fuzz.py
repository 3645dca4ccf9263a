"""Generated folders through `kiosk import`: random bytes, random JSON shapes (deep nesting, huge
numbers, wrong types), odd file names. The import never raises, every refusal is a report line with a
reason, the report is valid UTF-8, and only what was accepted reaches the catalog."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kiosk.catalog.documents import count_documents
from kiosk.importer import import_folder

SUFFIXES = [".json", ".jsonl", ".ndjson", ".txt", ".html", ".pdf", ""]
FIELDS = ["id", "title", "标题", "issuer", "发文机关", "issued", "成文日期", "body", "正文", "validity", "attachments"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        ["2024年1月5日", "2019/7/17", "二〇一九年七月十七日", "有效", "废止", "../../etc/passwd", "/dev/zero"]
    ),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
documents = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8).map(
    lambda d: (
        {**d, "attachments": [{"path": p} for p in d["attachments"]]}
        if isinstance(d.get("attachments"), list) and all(isinstance(p, str) for p in d["attachments"])
        else d
    )
)


def _raw_json(draw) -> bytes:
    kind = draw(st.sampled_from(["document", "array", "wrapped", "deep", "huge-int", "any", "lines"]))
    if kind == "document":
        return json.dumps(draw(documents), ensure_ascii=draw(st.booleans())).encode("utf-8")
    if kind == "array":
        return json.dumps(draw(st.lists(documents, max_size=5)), ensure_ascii=False).encode("utf-8")
    if kind == "wrapped":
        return json.dumps({"documents": draw(st.lists(documents, max_size=5))}, ensure_ascii=False).encode("utf-8")
    if kind == "deep":
        depth = draw(st.integers(min_value=1, max_value=50_000))
        return b"[" * depth + b"]" * draw(st.sampled_from([depth, depth - 1, 0]))
    if kind == "huge-int":
        return b'{"title": "x", "n": ' + b"9" * draw(st.integers(min_value=15, max_value=6000)) + b"}"
    if kind == "lines":
        lines = draw(
            st.lists(
                st.one_of(documents.map(lambda d: json.dumps(d, ensure_ascii=False)), st.text(max_size=30)), max_size=5
            )
        )
        return "\n".join(lines).encode("utf-8")
    return json.dumps(draw(json_values)).encode("utf-8")


@st.composite
def folders(draw) -> list[tuple[bytes, bytes]]:
    names = draw(
        st.lists(
            st.one_of(
                st.text(
                    st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=12
                ).map(os.fsencode),
                st.binary(min_size=1, max_size=8),
            ),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    files = []
    for name in names:
        name = name.replace(b"/", b"_").replace(b"\x00", b"_").lstrip(b".") or b"f"
        suffix = draw(st.sampled_from(SUFFIXES)).encode()
        content = draw(st.binary(max_size=300)) if draw(st.booleans()) else _raw_json(draw)
        files.append((name[:100] + suffix, content))
    return files


@given(files=folders())
def test_a_generated_folder_imports_without_a_traceback_and_stores_only_what_it_accepted(tmp_path, env, store, files):
    src = Path(tempfile.mkdtemp(dir=tmp_path))
    for name, content in files:
        with open(os.path.join(os.fsencode(src), name), "wb") as handle:
            handle.write(content)
    before = count_documents()

    report = import_folder(src, env.files_dir)

    data = report.to_dict()
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # the --json report is valid UTF-8
    for item in report.items:
        assert item.status in {"ok", "partial", "failed", "skipped"}
        if item.status in ("failed", "skipped"):
            assert item.notes, item
        assert not any("internal error" in note for note in item.notes), item
    accepted = report.count("ok") + report.count("partial")
    assert report.added + report.changed + report.unchanged == accepted
    assert count_documents() - before == report.added
