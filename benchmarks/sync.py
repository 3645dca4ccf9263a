"""Sync benchmark: a 100k-document feed published and synced by real `python -m kiosk` processes.

    python -m benchmarks.sync [--docs 100000] [--changed 100] [--crash-runs 200] [--workdir DIR]

Measures, side by side with `kiosk import` as the baseline:
  * initial sync of the whole feed from a folder and over local HTTP: wall time, peak RSS;
    baseline `kiosk import` of the same documents from the publisher's JSON folder;
  * a republish with `--changed` documents edited (benchmarks.corpus.mutate), then sync again:
    bytes fetched as a share of the full feed, apply time; baseline: re-importing the folder;
  * crash benchmark: `--crash-runs` SIGKILLs at random moments of a sync (2,000 documents, 150
    changed, 25 added, 25 withdrawn; the kill comes once the process holds the sync lock, so it
    lands in the sync rather than in interpreter start-up), counting corrupt catalogs
    (integrity_check) and mixed ones (neither exactly the old nor exactly the new version).
Targets: incremental ≤ 2 % of full bytes and ≤ 2 s apply; initial ≤ 5 min, peak RSS ≤ 400 MB;
0 corrupt or mixed catalogs.

Peak RSS is each `kiosk` process's own maximum (GNU time's %M). The machine may be shared: runs are single
samples of minutes-long operations, so say so when quoting them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.corpus import generate_documents, mutate, write_json_folder
from kiosk.central.signing_keys import generate_key_files
from kiosk.sync.feed import ROOT_NAME, object_path, parse_root, parse_shard

REPO = Path(__file__).resolve().parent.parent
PER_FILE = 1000


def kiosk(home: Path | None, *args: str, trusted: Path | None = None) -> tuple[dict, float, float]:
    """Run `python -m kiosk …` to completion: (its --json output, wall seconds, peak RSS in MB)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    if trusted is not None:
        env["KIOSK_TRUSTED_KEYS"] = str(trusted)
    # Through GNU time: a child forked straight from this (large) process would count our pages in
    # its peak RSS until it execs.
    command = [
        "/usr/bin/time",
        "-f",
        "MAXRSS_KB %M",
        sys.executable,
        "-m",
        "kiosk",
        *(["--home", str(home)] if home else []),
        *args,
        "--json",
    ]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        code = subprocess.run(command, cwd=REPO, env=env, stdout=out, stderr=err).returncode
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        errors = err.read().decode("utf-8", "replace")
        if code != 0:
            raise SystemExit(f"{' '.join(command[5:])} failed ({code}): {errors[-2000:]}")
        peak_kb = int(errors.rsplit("MAXRSS_KB", 1)[1].split()[0])
        return json.loads(out.read() or b"{}"), wall, peak_kb / 1024


class _Quiet(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass


def serve(directory: Path) -> tuple[str, ThreadingHTTPServer]:
    """A plain static web server (what a county would put in front of the feed), in a thread."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}/", httpd


def feed_entries(feed: Path) -> tuple[int, dict[str, str]]:
    root = parse_root(json.loads((feed / ROOT_NAME).read_text("utf-8"))["signed"])
    found = {}
    for key, ref in root.shards.items():
        for entry in parse_shard((feed / object_path(ref.sha256)).read_bytes(), key, root.shard_bits):
            found[entry.id] = entry.sha256
    return root.version, found


def catalog_documents(db: Path) -> tuple[str, dict[str, str], str | None]:
    con = sqlite3.connect(db)
    try:
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        docs = dict(con.execute("SELECT id, content_hash FROM document"))
        row = con.execute("SELECT value FROM catalog_state WHERE key='feed_version'").fetchone()
        return check, docs, row[0] if row else None
    finally:
        con.close()


def rewrite_changed(src: Path, changed: list) -> None:
    """Put edited records into the JSON folder written by write_json_folder (ids gNNNNNNN → file NNNNNNN // 1000)."""
    by_file: dict[int, dict] = {}
    for record in changed:
        by_file.setdefault(int(record.id[1:]) // PER_FILE, {})[record.id] = record.to_dict()
    for index, replacements in by_file.items():
        path = src / f"documents-{index:05d}.json"
        data = json.loads(path.read_text("utf-8"))
        data["documents"] = [replacements.get(d["id"], d) for d in data["documents"]]
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_main(work: Path, docs: int, changed_count: int) -> dict:
    results: dict = {"documents": docs, "changed": changed_count}
    src, feed = work / "src", work / "feed"
    started = time.monotonic()
    write_json_folder(src, docs, per_file=PER_FILE)
    print(f"corpus: {docs} documents written in {time.monotonic() - started:.0f} s", file=sys.stderr)
    keys = generate_key_files(work / "keys")
    trusted = Path(keys["public_key"])

    published, wall, rss = kiosk(
        None, "central", "publish", str(src), "--feed", str(feed), "--key", keys["private_key"]
    )
    full_bytes = published["total_bytes"]
    results["publish_initial"] = {"seconds": wall, "peak_rss_mb": rss, "bytes": published["bytes_written"]}
    print(f"published v1: {wall:.0f} s, {full_bytes / 1e6:.0f} MB", file=sys.stderr)

    _, wall, rss = kiosk(work / "baseline", "import", str(src))
    results["baseline_import_initial"] = {"seconds": wall, "peak_rss_mb": rss}
    print(f"baseline import: {wall:.0f} s, {rss:.0f} MB", file=sys.stderr)

    report, wall, rss = kiosk(work / "t-folder", "sync", "--source", str(feed), trusted=trusted)
    results["sync_initial_folder"] = {"seconds": wall, "peak_rss_mb": rss, "bytes": report["bytes_fetched"]}
    print(f"initial sync (folder): {wall:.0f} s, {rss:.0f} MB", file=sys.stderr)
    url, httpd = serve(feed)
    try:
        report, wall, rss = kiosk(work / "t-http", "sync", "--source", url, trusted=trusted)
        results["sync_initial_http"] = {"seconds": wall, "peak_rss_mb": rss, "bytes": report["bytes_fetched"]}
        print(f"initial sync (http): {wall:.0f} s, {rss:.0f} MB", file=sys.stderr)

        records = list(generate_documents(docs))
        edited = mutate(records, changed_count, seed=1)
        del records
        rewrite_changed(src, edited)
        published, wall, rss = kiosk(
            None, "central", "publish", str(src), "--feed", str(feed), "--key", keys["private_key"]
        )
        results["publish_incremental"] = {
            "seconds": wall,
            "peak_rss_mb": rss,
            "bytes_written": published["bytes_written"],
            "updated": published["updated"],
        }
        for name, source, home in (("folder", str(feed), "t-folder"), ("http", url, "t-http")):
            report, wall, rss = kiosk(work / home, "sync", "--source", source, trusted=trusted)
            results[f"sync_incremental_{name}"] = {
                "seconds_wall": wall,
                "seconds_sync": report["seconds"],
                "peak_rss_mb": rss,
                "bytes": report["bytes_fetched"],
                "share_of_full": report["bytes_fetched"] / full_bytes,
                "changed": report["changed"],
            }
            print(f"incremental sync ({name}): {report['seconds']:.2f} s, {report['bytes_fetched']} B", file=sys.stderr)
    finally:
        httpd.shutdown()
    _, wall, rss = kiosk(work / "baseline", "import", str(src))
    results["baseline_import_incremental"] = {"seconds": wall, "peak_rss_mb": rss, "bytes": du(src)}
    results["full_feed_bytes"] = full_bytes
    for home in ("t-folder", "t-http"):
        check, held, version = catalog_documents(work / home / "catalog.sqlite3")
        assert check == "ok" and held == feed_entries(feed)[1] and version == "2", home
    results["ratios"] = {
        "initial_sync_folder_vs_import": results["sync_initial_folder"]["seconds"]
        / results["baseline_import_initial"]["seconds"],
        "initial_sync_http_vs_import": results["sync_initial_http"]["seconds"]
        / results["baseline_import_initial"]["seconds"],
        "incremental_sync_vs_reimport": results["sync_incremental_folder"]["seconds_wall"]
        / results["baseline_import_incremental"]["seconds"],
        "incremental_bytes_vs_full": results["sync_incremental_http"]["share_of_full"],
    }
    return results


def _wait_for_lock(process: subprocess.Popen, lock: Path) -> None:
    fds = Path(f"/proc/{process.pid}/fd")
    while process.poll() is None:
        try:
            if any(os.readlink(fd) == str(lock) for fd in fds.iterdir()):
                return
        except OSError:
            pass
        time.sleep(0.002)


def bench_crash(work: Path, runs: int) -> dict:
    """SIGKILL a real sync from version 1 to 2 at random moments; classify every catalog left behind."""
    src, feed = work / "crash-src", work / "crash-feed"
    write_json_folder(src, 2000, per_file=PER_FILE)
    keys = generate_key_files(work / "crash-keys")
    trusted = Path(keys["public_key"])
    publish = ("central", "publish", str(src), "--feed", str(feed), "--key", keys["private_key"])
    kiosk(None, *publish)
    v1 = feed_entries(feed)[1]
    home, pristine = work / "crash-home", work / "crash-home-v1"
    kiosk(home, "sync", "--source", str(feed), trusted=trusted)
    shutil.copytree(home, pristine)

    records = list(generate_documents(2025))
    rewrite_changed(src, mutate(records[:2000], 150, seed=2))
    (src / "documents-added.json").write_text(
        json.dumps({"documents": [r.to_dict() for r in records[2000:]]}, ensure_ascii=False), "utf-8"
    )
    first = json.loads((src / "documents-00000.json").read_text("utf-8"))
    first["documents"] = first["documents"][25:]  # 25 withdrawn
    (src / "documents-00000.json").write_text(json.dumps(first, ensure_ascii=False), "utf-8")
    kiosk(None, *publish)
    v2 = feed_entries(feed)[1]

    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["KIOSK_TRUSTED_KEYS"] = str(trusted)
    command = [sys.executable, "-m", "kiosk", "--home", str(home), "sync", "--source", str(feed), "--json"]
    lock = home / "sync.lock"
    timing = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_lock(timing, lock)
    started = time.monotonic()
    timing.wait()
    full_run = time.monotonic() - started  # the sync itself, from taking the lock to exit
    rng = random.Random(5)
    counts = {"runs": 0, "killed": 0, "old": 0, "new": 0, "corrupt": 0, "mixed": 0, "sync_seconds": full_run}
    state = "new"
    while counts["runs"] < runs:
        if state == "new":  # start the next run from version 1 again
            shutil.rmtree(home)
            shutil.copytree(pristine, home)
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_lock(process, lock)  # start-up over: every kill lands in the sync itself
        time.sleep(rng.uniform(0.0, 1.1) * full_run)
        process.send_signal(signal.SIGKILL)
        counts["killed"] += process.wait() == -signal.SIGKILL
        counts["runs"] += 1
        check, held, _ = catalog_documents(home / "catalog.sqlite3")
        if check != "ok":
            counts["corrupt"] += 1
            state = "new"
        elif held == v1:
            counts["old"] += 1
            state = "old"  # the next run resumes from what this one staged
        elif held == v2:
            counts["new"] += 1
            state = "new"
        else:
            counts["mixed"] += 1
            state = "new"
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--crash-runs", type=int, default=200)
    parser.add_argument(
        "--workdir", type=Path, help="An empty scratch folder, kept (default: a temporary one, removed)."
    )
    parser.add_argument("--skip-main", action="store_true", help="Only the crash benchmark.")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kiosk-sync-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    try:
        if not args.skip_main:
            results["main"] = bench_main(work, args.docs, args.changed)
        if args.crash_runs:
            results["crash"] = bench_crash(work, args.crash_runs)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
