import json
import os
import stat
from datetime import timedelta

import pytest

from kiosk.central.export import export_feed
from kiosk.central.signing_keys import generate_key_files
from kiosk.errors import BadInput
from kiosk.sync.feed import ROOT_NAME, object_path, sha256_bytes
from tests.sync.feedkit import NOW, FeedBuilder, feed_entries, make_doc, make_keys


def _files(feed):
    return {p.relative_to(feed).as_posix(): p.read_bytes() for p in feed.rglob("*") if p.is_file()}


@pytest.fixture
def office(tmp_path):
    builder = FeedBuilder(tmp_path / "office", make_keys(tmp_path / "keys"))
    builder.put(*(make_doc(n) for n in range(30)))
    return builder


def test_keygen_writes_a_private_key_only_its_owner_can_read(tmp_path):
    made = generate_key_files(tmp_path / "k")
    assert stat.S_IMODE(os.stat(made["private_key"]).st_mode) == 0o600
    assert (tmp_path / "k" / "feed.pub").read_text().startswith("ed25519:")
    with pytest.raises(BadInput) as info:
        generate_key_files(tmp_path / "k")
    assert "不会覆盖" in info.value.message_zh


def test_publish_writes_content_addressed_objects_and_a_signed_root(office):
    report = office.publish()
    assert (report.changed, report.version_after, report.documents, report.added) == (True, 1, 30, 30)
    for relative, data in _files(office.feed).items():
        if relative.startswith("objects/"):
            assert relative.endswith(sha256_bytes(data))  # every object is named by its SHA-256
    root = json.loads((office.feed / ROOT_NAME).read_text("utf-8"))
    assert root["signed"]["expires"] == (NOW + timedelta(days=30)).isoformat()
    assert len(root["signatures"]) == 1


def test_publishing_unchanged_input_changes_nothing(office):
    office.publish()
    before = _files(office.feed)
    report = office.publish(now=NOW + timedelta(days=1))
    assert not report.changed and report.version_after == 1 and report.objects_written == 0
    assert _files(office.feed) == before


def test_renew_re_signs_unchanged_content_with_a_later_expiry(office):
    office.publish()
    report = office.publish(now=NOW + timedelta(days=20), renew=True)
    assert report.changed and report.version_after == 2 and report.objects_written == 1  # the root only
    assert report.expires == (NOW + timedelta(days=50)).isoformat()


def test_a_change_bumps_the_version_by_one_and_removed_documents_become_withdrawals(office):
    office.publish()
    office.put(make_doc(3, revision=1), make_doc(99)).remove("doc0004", "doc0005")
    report = office.publish()
    assert (report.version_after, report.added, report.updated, report.withdrawn) == (2, 1, 1, 2)
    entries = feed_entries(office.feed)
    assert "doc0004" not in entries and "doc0099" in entries and len(entries) == 29


def test_changing_k_documents_rewrites_bytes_in_proportion_to_k(office):
    office.put(*(make_doc(n) for n in range(30, 3000)))
    first = office.publish()
    office.put(make_doc(7, revision=1), make_doc(1500, revision=1), make_doc(2999, revision=1))
    second = office.publish()
    assert second.updated == 3 and second.shards_written <= 3
    # Three documents, their shards and those shards' bundles (~47 documents each), and the root.
    assert second.objects_written <= 3 * 3 + 1
    assert second.bytes_written < first.bytes_written * 0.05


def test_a_file_that_cannot_be_read_stops_the_publish_instead_of_withdrawing_it(office):
    office.publish()
    (office.src / "broken.json").write_text("{not json", "utf-8")
    from kiosk.central.publish import publish_feed

    with pytest.raises(BadInput) as info:
        publish_feed(office.src, office.feed, [office.key], now=NOW)
    assert "broken.json" in info.value.message_zh and "--skip-failed" in info.value.message_zh
    report = publish_feed(office.src, office.feed, [office.key], now=NOW, skip_failed=True)
    assert report.failed_files == ["broken.json"] and not report.changed


def test_publish_with_a_different_key_than_the_feed_was_signed_with_is_refused(office, tmp_path):
    office.publish()
    office.put(make_doc(1, revision=5))
    with pytest.raises(BadInput) as info:
        office.publish(keys=[make_keys(tmp_path / "stranger")])
    assert "新旧两把密钥" in info.value.message_zh


def test_the_calendar_is_validated_and_kept_across_publishes(office, tmp_path):
    calendar = tmp_path / "cal.json"
    calendar.write_text(json.dumps({"format": 1, "years": {"2026": {"holidays": ["2026-13-01"], "workdays": []}}}))
    with pytest.raises(BadInput) as info:
        office.publish(calendar=calendar)
    assert "工作日历" in info.value.message_zh
    calendar.write_text(json.dumps({"format": 1, "years": {"2026": {"holidays": ["2026-10-01"], "workdays": []}}}))
    office.publish(calendar=calendar)
    office.put(make_doc(1, revision=1))
    office.publish()  # without --calendar: the signed calendar stays
    root = json.loads((office.feed / ROOT_NAME).read_text("utf-8"))["signed"]
    assert root["version"] == 2 and root["calendar"]["size"] > 0
    assert json.loads((office.feed / object_path(root["calendar"]["sha256"])).read_text())["years"]["2026"]


def test_export_copies_only_what_is_missing_and_the_root_last(office, tmp_path):
    office.publish()
    stick = tmp_path / "usb"
    first = export_feed(office.feed, stick)
    assert first.copied == len(_files(office.feed)) and _files(stick) == _files(office.feed)
    office.put(make_doc(2, revision=1))
    office.publish()
    second = export_feed(office.feed, stick)
    assert second.copied == 4 and second.version == 2  # one document, its shard and bundle, the root
    assert _files(stick) == _files(office.feed)


def test_export_notices_a_corrupt_object_in_the_feed(office, tmp_path):
    office.publish()
    victim = next(p for p in (office.feed / "objects").rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes() + b"!")
    with pytest.raises(BadInput) as info:
        export_feed(office.feed, tmp_path / "usb")
    assert "已损坏" in info.value.message_zh
