import pytest

from kiosk.catalog.document_record import DocumentRecord
from kiosk.errors import Refused
from kiosk.sync.feed import (
    Entry,
    choose_shard_bits,
    decode_document,
    encode_document,
    encode_shard,
    object_path,
    parse_shard,
    sha256_bytes,
    shard_of,
)


def test_object_paths_are_made_from_hex_digests_only():
    sha = "ab" + "0" * 62
    assert object_path(sha) == f"objects/ab/{sha}"
    for bad in ("../" + "0" * 61, "AB" + "0" * 62, "0" * 63, "/etc/passwd"):
        with pytest.raises(Refused):
            object_path(bad)


@pytest.mark.parametrize(
    ("documents", "bits"), [(5, 0), (64, 0), (1_000, 4), (10_000, 7), (100_000, 11), (1_000_000, 14)]
)
def test_shards_hold_about_sixty_four_documents(documents, bits):
    assert choose_shard_bits(documents) == bits


def test_the_split_is_kept_while_shards_stay_within_bounds():
    assert choose_shard_bits(110_000, previous=11) == 11  # 54 per shard: no reshuffle
    assert choose_shard_bits(600_000, previous=11) == 13  # 293 per shard: split again


def test_a_document_object_is_named_by_its_content_hash():
    record = DocumentRecord(id="d1", title="关于印发某办法的通知", body="正文")
    data = encode_document(record)
    assert sha256_bytes(data) == record.content_hash
    assert decode_document(data, record.content_hash) == record


def test_a_document_object_not_in_canonical_form_is_refused():
    record = DocumentRecord(id="d1", title="标题")
    spaced = encode_document(record).replace(b",", b", ")
    with pytest.raises(Refused):
        decode_document(spaced, sha256_bytes(spaced))


def test_a_shard_may_only_list_documents_that_belong_to_it():
    bits = 4
    entry = Entry("doc0001", "0" * 64, 10)
    home = shard_of("doc0001", bits)
    assert parse_shard(encode_shard([entry]), home, bits) == [entry]
    other = format((int(home, 16) + 1) % 16, "x")
    with pytest.raises(Refused) as info:
        parse_shard(encode_shard([entry]), other, bits)
    assert "与索引不符" in info.value.message_zh


@pytest.mark.parametrize(
    "row",
    [
        ["../../etc/passwd", "0" * 64, 10],
        ["doc1", "../" * 5 + "x", 10],
        ["doc1", "0" * 64, -1],
        ["doc1", "0" * 64, True],
        ["doc1", "0" * 64],
    ],
)
def test_malformed_shard_rows_are_refused(row):
    with pytest.raises(Refused):
        parse_shard(f'{{"format":1,"documents":[{__import__("json").dumps(row)}]}}'.encode(), "0", 0)


def test_record_to_dict_has_every_field_in_declaration_order():
    from dataclasses import asdict, fields
    from datetime import date

    from kiosk.catalog.document_record import AttachmentRef

    record = DocumentRecord(
        id="d1",
        title="标题",
        issued=date(2020, 1, 2),
        attachments=(AttachmentRef("附件.pdf", "0" * 64, 3, "application/pdf"),),
    )
    data = record.to_dict()
    assert list(data) == [f.name for f in fields(DocumentRecord)]
    assert data["issued"] == "2020-01-02" and data["published"] is None
    assert data["attachments"] == [asdict(record.attachments[0])]
