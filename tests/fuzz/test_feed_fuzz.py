"""Hostile bytes where a terminal reads the feed (the signed root, shards, document objects): the
answer is the parsed value or a typed Refused, never a traceback."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.catalog.document_record import DocumentRecord
from kiosk.errors import Refused
from kiosk.sync.feed import (
    Entry,
    ObjectRef,
    Root,
    ShardRef,
    decode_document,
    encode_document,
    encode_shard,
    parse_root,
    read_shard,
    sha256_bytes,
    shard_of,
)
from kiosk.sync.signing import generate_private_key, key_id, sign_root, verify_root

KEY = generate_private_key()
TRUSTED = {key_id(KEY.public_key()): KEY.public_key()}
BITS = 4
ENTRIES = sorted([Entry(f"doc{n:04d}", sha256_bytes(str(n).encode()), 100 + n) for n in range(40)], key=lambda e: e.id)
KEY_0 = shard_of(ENTRIES[0].id, BITS)
SHARD = encode_shard([e for e in ENTRIES if shard_of(e.id, BITS) == KEY_0])
ROOT = Root(
    version=7,
    published=datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=8))),
    expires=datetime(2026, 12, 23, 10, 0, tzinfo=timezone(timedelta(hours=8))),
    shard_bits=BITS,
    shards={KEY_0: ShardRef(sha256_bytes(SHARD), len(SHARD), 3)},
    documents=40,
    total_bytes=10_000,
    calendar=ObjectRef("c" * 64, 900),
    name="海城市",
)
ROOT_BYTES = sign_root(ROOT.to_signed(), [KEY])
DOCUMENT = encode_document(
    DocumentRecord(id="doc0001", title="关于印发某办法的通知", body="正文", doc_number="海政办发〔2019〕23号")
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30,
)
# Known-hostile shapes every parser must survive, whatever the mutations below happen to draw.
HOSTILE = [
    b"[" * 20_000 + b"]" * 20_000,
    b'{"signed":' * 5_000 + b"1" + b"}" * 5_000,
    b'{"signed": {"a": 1' + b"0" * 5_000 + b'}, "signatures": []}',
    b'{"signed": {"name": "\\ud800"}, "signatures": []}',
    b'{"documents": [["doc1", "' + b"0" * 64 + b'", 1' + b"0" * 5_000 + b"]]}",
    b"\xef\xbb\xbf{}",
    b"",
]


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """The original with a few bytes flipped, cut, inserted or a slice repeated."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate", "repeat"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=8) | st.sampled_from([b"[", b"{", b'"', b"\\ud800", b"9" * 40])
            )
        elif kind == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(2, 50))
    return bytes(data)


def survives(parse, data):
    try:
        return parse(data)
    except Refused as refused:
        assert refused.message_zh and refused.message_en
        return None


@given(data=mutated(ROOT_BYTES) | st.binary(max_size=500) | st.sampled_from(HOSTILE))
def test_a_mutated_root_verifies_and_parses_or_is_refused(data):
    signed = survives(lambda raw: verify_root(raw, TRUSTED), data)
    if signed is not None:
        # a mutation the signature still covers can only be formatting: the content is the same
        assert survives(parse_root, signed) == parse_root(ROOT.to_signed())


@given(signed=st.dictionaries(st.text(max_size=12), json_values, max_size=12) | json_values)
@example(signed=ROOT.to_signed() | {"version": 10**400})
@example(signed=ROOT.to_signed() | {"shards": {KEY_0: {"sha256": "0" * 64, "size": -1, "count": 1}}})
@example(signed=ROOT.to_signed() | {"published": "2026-13-45T99:99:99"})
def test_any_signed_content_parses_or_is_refused(signed):
    if isinstance(signed, dict):
        survives(parse_root, signed)


@given(field=st.sampled_from(sorted(ROOT.to_signed())), value=json_values)
def test_a_root_with_one_value_spoiled_parses_or_is_refused(field, value):
    survives(parse_root, ROOT.to_signed() | {field: value})


@given(data=mutated(SHARD) | st.binary(max_size=500) | st.sampled_from(HOSTILE))
def test_a_mutated_shard_parses_or_is_refused(data):
    survives(lambda raw: read_shard(raw, KEY_0, BITS), data)


@given(data=mutated(DOCUMENT) | st.binary(max_size=500) | st.sampled_from(HOSTILE))
def test_a_mutated_document_object_decodes_or_is_refused(data):
    survives(lambda raw: decode_document(raw, sha256_bytes(raw)), data)


@pytest.mark.parametrize("data", HOSTILE)
def test_known_hostile_bytes_are_refused_by_every_reader(data):
    for parse in (
        lambda raw: verify_root(raw, TRUSTED),
        lambda raw: read_shard(raw, KEY_0, BITS),
        lambda raw: decode_document(raw, sha256_bytes(raw)),
    ):
        with pytest.raises(Refused):
            parse(data)


def test_the_unmutated_feed_parses():
    assert parse_root(verify_root(ROOT_BYTES, TRUSTED)) == parse_root(json.loads(ROOT_BYTES)["signed"])
    assert [e.id for e in read_shard(SHARD, KEY_0, BITS).entries]
    assert decode_document(DOCUMENT, sha256_bytes(DOCUMENT)).title == "关于印发某办法的通知"


def test_a_signature_with_a_non_ascii_character_is_refused():
    # found by the fuzzer: base64 raised a bare ValueError for "\u0080" in a signature
    document = json.loads(ROOT_BYTES)
    document["signatures"][0]["sig"] = "\u0080" + document["signatures"][0]["sig"][1:]
    with pytest.raises(Refused) as info:
        verify_root(json.dumps(document).encode(), TRUSTED)
    assert "签名无效" in info.value.message_zh
