"""A USB stick made by `kiosk central export` carries the software release beside the catalog."""

from __future__ import annotations

from kiosk.central.export import export_feed
from kiosk.update.updater import update
from tests.sync.feedkit import FeedBuilder, make_doc
from tests.update.test_update import runs


def test_a_terminal_updates_its_software_from_an_exported_usb_stick(tmp_path, office, terminal, options, prefix):
    catalog = FeedBuilder(tmp_path / "office", office.key)
    catalog.put(make_doc(1))
    catalog.publish()
    office.feed = catalog.feed  # the release is published into the same feed folder as the catalog
    office.publish("4.0.0")
    stick = tmp_path / "stick"
    export_feed(catalog.feed, stick)
    assert update(terminal, options, source=str(stick)).release_after == "releases/4.0.0"
    assert runs(prefix) == "4.0.0"
    again = export_feed(catalog.feed, stick)
    assert again.copied == 0  # only what is missing is copied, the release included
