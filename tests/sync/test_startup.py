from kiosk.catalog.document_record import DocumentRecord
from kiosk.environment import DEMO_FEED_DIR, DEMO_KEY_PATH, DEMO_SEEDS_DIR
from kiosk.importer import parse_folder
from kiosk.sync.signing import load_trusted_keys, verify_root
from tests.sync.feedkit import feed_entries


def test_the_bundled_demo_feed_is_signed_by_the_bundled_demo_key():
    signed = verify_root((DEMO_FEED_DIR / "root.json").read_bytes(), load_trusted_keys([str(DEMO_KEY_PATH)]))
    assert signed["name"] == "demo" and signed["documents"] == 5 and signed["calendar"]


def test_the_bundled_demo_feed_holds_what_the_seeds_import_to_today():
    """If this fails, the seeds or the importer changed: rebuild with `python -m kiosk.central.demo_feed`."""
    parsed, _ = parse_folder(DEMO_SEEDS_DIR)
    expected = {d.record.id: DocumentRecord.from_dict(d.record.to_dict()).content_hash for d in parsed}
    assert feed_entries(DEMO_FEED_DIR) == expected
