"""Build the signed demo feed bundled in assets/demo/feed from the seed documents.

Run `python -m kiosk.central.demo_feed` after changing the seeds or the importer. Each build signs with
a fresh throw-away key whose public half is written next to the feed (assets/demo/demo-feed.pub)
and whose private half is never stored: the demo key is trusted only for the bundled feed, and no
one can sign anything else with it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from kiosk.central.publish import PublishReport, publish_feed
from kiosk.central.signing_keys import PUBLIC_NAME, generate_key_files
from kiosk.environment import DEMO_FEED_DIR, DEMO_KEY_PATH, DEMO_SEEDS_DIR
from kiosk.sync.canonical import canonical_json
from kiosk.workdays import known_years, seed_calendar

# The bundled feed must still install on a terminal switched on years from now.
DEMO_EXPIRES = datetime(2099, 12, 31, tzinfo=UTC)


def build_demo_feed(
    feed_dir: Path = DEMO_FEED_DIR, key_path: Path = DEMO_KEY_PATH, seeds: Path = DEMO_SEEDS_DIR
) -> PublishReport:
    with tempfile.TemporaryDirectory(prefix="kiosk-demo-key-") as scratch:
        keys = generate_key_files(Path(scratch) / "key")
        calendar = Path(scratch) / "calendar.json"
        calendar.write_bytes(canonical_json(seed_calendar(*known_years())))
        if feed_dir.exists():
            shutil.rmtree(feed_dir)
        report = publish_feed(
            seeds,
            feed_dir,
            [Path(keys["private_key"])],
            calendar=calendar,
            name="demo",
            expires=DEMO_EXPIRES,
        )
        shutil.copyfile(Path(scratch) / "key" / PUBLIC_NAME, key_path)
    return report


if __name__ == "__main__":
    built = build_demo_feed()
    print(f"demo feed: {built.documents} documents, version {built.version_after} in {DEMO_FEED_DIR}", file=sys.stderr)
