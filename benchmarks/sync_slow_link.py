"""How much the download window saves on a slow link: an update of 10 documents where each round trip takes 0.3 s.

Run by hand, never in CI:

    python -m benchmarks.sync_slow_link [--runs 7] [--delay 0.3] [--changed 10] [--workdir DIR]

A feed of 400 documents is published, then republished with `--changed` of them edited. Each run
takes a fresh terminal home, installs the first version from the folder, and then syncs the
update with a real `python -m kiosk sync` over HTTP from a local server that holds every changed
document object for `--delay` seconds before answering, as a hall's slow link would. Reported:
the sync's own `seconds` (median and spread over the runs), the most requests the server had in
flight at once, and, side by side, what fetching the changed objects one after another would cost
at the least (changed × delay).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.sync import kiosk
from kiosk.sync.feed import object_path
from tests.sync.feedkit import FeedBuilder, feed_entries, make_doc, make_keys, serve_feed

DOCUMENTS = 400


def build_feeds(work: Path, changed: int) -> tuple[Path, Path, Path, list[str]]:
    """(first version as a folder, the updated feed, the public key, object paths of the changed documents)."""
    key = make_keys(work / "keys")
    office = FeedBuilder(work / "office", key)
    office.put(*(make_doc(n) for n in range(DOCUMENTS)))
    # The real clock, not the test kit's fixed day: the CLI checks expiry against today.
    office.publish(now=datetime.now(UTC))
    first = work / "feed-v1"
    shutil.copytree(office.feed, first)
    office.put(*(make_doc(n, revision=1) for n in range(changed)))
    office.publish(now=datetime.now(UTC))
    edited = {make_doc(n)["id"] for n in range(changed)}
    slow = [object_path(sha) for doc_id, sha in feed_entries(office.feed).items() if doc_id in edited]
    return first, office.feed, key.with_name("feed.pub"), slow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds each changed object is held")
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--workdir", type=Path, help="keep the feeds and homes here (default: a temp dir)")
    args = parser.parse_args()
    if args.workdir:
        measure(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-sync-slow-") as work:
            measure(args, Path(work))


def measure(args: argparse.Namespace, work: Path) -> None:
    first, feed, public_key, slow_paths = build_feeds(work, args.changed)

    lock, active, peak = threading.Lock(), [0], [0]

    def slow(handler, data) -> bool:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(args.delay)
        with lock:
            active[0] -= 1
        return False  # then served as usual

    seconds, walls, peaks = [], [], []
    with serve_feed(feed, {path: slow for path in slow_paths}) as server:
        for run in range(args.runs):
            home = work / f"home-{run}"
            kiosk(home, "sync", "--source", str(first), trusted=public_key)
            peak[0] = 0
            report, wall, _ = kiosk(home, "sync", "--source", server.url, trusted=public_key)
            if report.get("changed") != args.changed:
                raise SystemExit(f"run {run}: expected {args.changed} changed documents, got {report}")
            seconds.append(report["seconds"])
            walls.append(wall)
            peaks.append(peak[0])

    sequential = args.changed * args.delay
    median = statistics.median(seconds)
    print(f"# sync over a slow link — Python {platform.python_version()}, {args.runs} runs")
    print(f"# {DOCUMENTS} documents, {args.changed} changed, each changed object held {args.delay:g} s\n")
    print(f"{'what':44} {'median':>8} {'min':>8} {'max':>8}")
    print(f"{'sync seconds (report)':44} {median:8.2f} {min(seconds):8.2f} {max(seconds):8.2f}")
    print(
        f"{'kiosk process wall seconds (with start-up)':44} {statistics.median(walls):8.2f} {min(walls):8.2f} {max(walls):8.2f}"
    )
    print(f"{'requests in flight at once (peak)':44} {statistics.median(peaks):8.0f} {min(peaks):8d} {max(peaks):8d}")
    print(
        f"\none after another it would take at least {sequential:.1f} s: the window makes it {sequential / median:.1f}× faster"
    )


if __name__ == "__main__":
    main()
