"""The sync's trust rules on plain values: no feed, no server, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.errors import ConfigError, Refused
from kiosk.sync import trust
from kiosk.sync.feed import MAX_ATTACHMENT_BYTES

HELD = trust.TrustedVersion(version=7, root_sha="a" * 64, demo=False)
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_a_newer_version_is_accepted():
    trust.check_version(HELD, 8, "b" * 64)


def test_the_same_root_again_is_accepted():
    trust.check_version(HELD, 7, "a" * 64)


def test_an_older_version_is_a_rollback():
    with pytest.raises(Refused) as refused:
        trust.check_version(HELD, 6, "b" * 64)
    assert "rollback" in refused.value.message_en and "回滚" in refused.value.message_zh


def test_another_root_under_the_version_held_is_a_fork():
    with pytest.raises(Refused, match="differs"):
        trust.check_version(HELD, 7, "b" * 64)


@pytest.mark.parametrize("held", [trust.TrustedVersion(None, None, False), trust.TrustedVersion(9, "c" * 64, True)])
def test_nothing_held_or_only_the_demo_accepts_any_version(held):
    trust.check_version(held, 1, "b" * 64)


def test_a_root_expiring_later_is_accepted():
    trust.check_expiry(NOW + timedelta(seconds=1), NOW)


@pytest.mark.parametrize("expires", [NOW, NOW - timedelta(days=1)])
def test_a_root_expired_by_now_is_a_freeze(expires):
    with pytest.raises(Refused, match="expired"):
        trust.check_expiry(expires, NOW)


def test_no_trusted_key_is_a_configuration_error():
    with pytest.raises(ConfigError) as error:
        trust.check_keys({}, {"demo": object()})
    assert error.value.field == "trusted_keys"


def test_the_demo_key_is_never_trusted_for_a_real_feed():
    with pytest.raises(ConfigError, match="demo key"):
        trust.check_keys({"office": 1, "demo": 2}, {"demo": 2})


def test_configured_keys_other_than_the_demo_key_are_used():
    keys = {"office": 1}
    assert trust.check_keys(keys, {"demo": 2}) is keys


def test_a_shard_must_hold_as_many_documents_as_the_root_declares():
    trust.check_shard_count("0a", 3, 3)
    with pytest.raises(Refused, match="shard 0a holds 2, not 3"):
        trust.check_shard_count("0a", 2, 3)


def test_an_object_must_hold_the_document_it_is_listed_for():
    trust.check_document_identity("doc-1", "doc-1")
    with pytest.raises(Refused, match="holds doc-2"):
        trust.check_document_identity("doc-1", "doc-2")


def test_a_piece_cut_from_a_bundle_must_hash_to_its_entry():
    trust.check_bundle_piece("doc-1", "f" * 64, "f" * 64)
    with pytest.raises(Refused):
        trust.check_bundle_piece("doc-1", "e" * 64, "f" * 64)


def test_an_attachment_over_the_limit_is_refused_before_download():
    trust.check_attachment_size("d" * 64, MAX_ATTACHMENT_BYTES)
    with pytest.raises(Refused, match="declares"):
        trust.check_attachment_size("d" * 64, MAX_ATTACHMENT_BYTES + 1)
