"""A real `python -m kiosk sync` process killed with SIGKILL at random moments, over and over: after
each kill the catalog is at the old version or the new one, never a mix, and SQLite finds it sound."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.sync.feed import ROOT_NAME, decode_document, object_path, parse_root, parse_shard
from tests.conftest import REPO
from tests.sync.feedkit import FeedBuilder, catalog_snapshot, integrity, make_doc

RUNS = 32  # SIGKILLs that really interrupted a sync
VERSIONS = 24
DOCS = 60


def _expected(feed: Path) -> dict:
    """What a catalog at this feed's version must hold: documents by content hash, attachment rows."""
    root = parse_root(json.loads((feed / ROOT_NAME).read_text("utf-8"))["signed"])
    documents, attachments = {}, []
    for key, ref in root.shards.items():
        for entry in parse_shard((feed / object_path(ref.sha256)).read_bytes(), key, root.shard_bits):
            documents[entry.id] = entry.sha256
            record = decode_document((feed / object_path(entry.sha256)).read_bytes(), entry.sha256)
            attachments += [(record.id, a.name, a.sha256, a.size) for a in record.attachments]
    return {"version": root.version, "documents": documents, "attachments": sorted(attachments)}


@pytest.fixture(scope="module")
def versions(tmp_path_factory, signing_key) -> list[tuple[Path, dict]]:
    """VERSIONS published versions of a small feed, each a copy of the feed folder as it was then.
    Every step revises ten documents, adds three, withdraws two and changes an attachment."""
    base = tmp_path_factory.mktemp("crash")
    office = FeedBuilder(base / "office", signing_key)
    office.put(*(make_doc(n) for n in range(DOCS)))
    now = datetime.now(UTC).replace(microsecond=0)
    out = []
    next_id = DOCS
    for step in range(VERSIONS):
        if step:
            live = sorted(office.docs)
            for doc_id in live[(step * 7) % 40 : (step * 7) % 40 + 10]:
                office.put(make_doc(int(doc_id[3:]), revision=step))
            office.remove(*live[-2:])
            office.put(*(make_doc(n) for n in range(next_id, next_id + 3)))
            next_id += 3
        holder = sorted(office.docs)[step % 5]
        office.attachments.clear()
        for doc_id in office.docs:
            office.docs[doc_id].pop("attachments", None)
        office.attach(holder, f"附件{step}.pdf", f"%PDF step {step} ".encode() * 300)
        assert office.publish(now=now).changed
        copy = base / f"v{step + 1}"
        shutil.copytree(office.feed, copy)
        out.append((copy, _expected(copy)))
    return out


def _observed(home: Path) -> dict:
    snapshot = catalog_snapshot(home / "catalog.sqlite3")
    version = snapshot["state"].get("feed_version")
    return {
        "version": int(version) if version else None,
        "documents": snapshot["documents"],
        "attachments": sorted(tuple(row) for row in snapshot["attachments"]),
    }


def _sync_process(home: Path, source: Path, key: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["KIOSK_TRUSTED_KEYS"] = str(key.with_name("feed.pub"))
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", str(home), "sync", "--source", str(source), "--json"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_syncing(process: subprocess.Popen, lock: Path, timeout: float = 60) -> bool:
    """Wait until the process holds the sync lock: interpreter start-up is over and the sync begun.
    Killing during start-up tests nothing, and start-up is most of a small sync's time."""
    deadline = time.monotonic() + timeout
    fds = Path(f"/proc/{process.pid}/fd")
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if any(os.readlink(fd) == str(lock) for fd in fds.iterdir()):
                return True
        except OSError:
            pass  # a descriptor closed while we looked
        time.sleep(0.002)
    return False


def test_sigkill_at_random_points_leaves_old_or_new_catalog_never_a_mix(versions, tmp_path, signing_key):
    home = tmp_path / "terminal"
    lock = home / "sync.lock"
    first, expected_first = versions[0]
    done = _sync_process(home, first, signing_key)
    assert done.wait(60) == 0
    assert _observed(home) == expected_first
    pristine = tmp_path / "terminal-v1"
    shutil.copytree(home, pristine)
    timing = _sync_process(home, versions[1][0], signing_key)
    assert _wait_until_syncing(timing, lock)
    started = time.monotonic()
    assert timing.wait(60) == 0
    full_run = time.monotonic() - started  # from taking the lock to exit: the sync itself
    shutil.rmtree(home)
    shutil.copytree(pristine, home)

    seed = int(os.environ.get("KIOSK_CRASH_SEED", time.time()))
    rng = random.Random(seed)
    by_version = {expected["version"]: expected for _, expected in versions}
    current = 1
    killed = 0
    outcomes = []  # (exit code, versions advanced, staging left behind) per run, for whoever reads a failure
    # Until RUNS processes were really killed mid-way (a loaded machine lets some finish first).
    while killed < RUNS and len(outcomes) < 3 * RUNS:
        if current == len(versions):  # out of newer versions: start again from a copy at version 1
            shutil.rmtree(home)
            shutil.copytree(pristine, home)
            current = 1
        source, _ = versions[current]  # the version after the one installed
        process = _sync_process(home, source, signing_key)
        _wait_until_syncing(process, lock)
        started = time.monotonic()
        time.sleep(rng.uniform(0.0, 1.1) * full_run)  # anywhere from taking the lock to past the commit
        process.send_signal(signal.SIGKILL)
        code = process.wait(30)
        if code == 0:  # it finished before the kill: follow the machine's current speed
            full_run = 0.7 * full_run + 0.3 * (time.monotonic() - started)
        killed += code == -signal.SIGKILL
        observed = _observed(home)
        context = f"run {len(outcomes)}, seed {seed}, exit {code}, earlier {outcomes}"
        assert integrity(home / "catalog.sqlite3") == "ok", context
        assert observed["version"] in (current, current + 1), context
        assert observed == by_version[observed["version"]], context  # not a mix of the two
        for _, _, sha, _ in observed["attachments"]:
            assert (home / "files" / sha[:2] / sha).is_file(), context  # files land before the commit
        outcomes.append((code, observed["version"] - current, (home / "sync-staging").exists()))
        current = observed["version"]
    assert killed >= 30, f"only {killed} runs were killed mid-way: {outcomes}"
    # And the terminal recovers: one ordinary sync brings it to the next version.
    if current == len(versions):
        return
    final = _sync_process(home, versions[current][0], signing_key)
    assert final.wait(60) == 0
    assert _observed(home) == by_version[current + 1]
