"""Many terminals delivering applications at once to the central intake: SQLite (the embedded
default, the baseline) side by side with PostgreSQL, in the same run, through the same service;
and SQLite without the intake's in-process writer queue (its own busy-wait only), to show what
that queue buys.

Run by hand, never in CI (needs the Debian postgresql binaries; starts its own throwaway cluster):

    python -m benchmarks.intake [--terminals 60] [--per-terminal 30] [--clients 2] [--threads 16] [--repeat 3]

Each backend gets a real `kiosk central serve` process (waitress, `--threads` worker threads) on
127.0.0.1 and a fresh database; PostgreSQL runs durable (fsync and synchronous_commit on) like
SQLite's synchronous=full, so both acknowledge only what survives a power cut. `--clients`
processes simulate the terminals, one thread each, every terminal with its own token, sending its
applications one after another like a real outbox: same idempotency key on every retry, and
`--resend` of them sent a second time as if the first answer had been lost. Afterwards the
database is read back: every acknowledged application must be there once (lost = acknowledged
but absent; duplicated = one application stored twice, or a resend that created a row).

Latencies are client-side (request to answer), so they include the load generator's own CPU
time; the machine has 2 cores, shared with other work while measuring.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import requests

from kiosk.applications.tracking import make_tracking
from kiosk.central import intake
from kiosk.central.intake_db import open_intake
from kiosk.central.intake_models import IntakeApplication
from tests import pgcluster
from tests.applications.samples import person

REPO = Path(__file__).resolve().parent.parent
RETRIES = 6
DURABLE_PG = ("-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on")


# ---------------------------------------------------------------- one terminal's outbox


def _terminal(url: str, token: str, jobs: list[dict[str, Any]], resend: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    latencies, acknowledged, created_on_resend, retries, refused = [], [], 0, 0, 0
    for job in jobs:
        headers = {"Idempotency-Key": job["key"]}
        for attempt in range(RETRIES):
            start = time.perf_counter()
            try:
                reply = http.post(f"{url}/v1/applications", json=job["body"], headers=headers, timeout=30)
            except requests.RequestException:
                retries += 1
                time.sleep(0.05 * 2**attempt)
                continue
            latencies.append(time.perf_counter() - start)
            if reply.status_code in (200, 201):
                acknowledged.append(job["body"]["tracking"])
                break
            if reply.status_code >= 500 or reply.status_code == 429:
                retries += 1
                time.sleep(0.05 * 2**attempt)
                continue
            refused += 1
            break
        if rng.random() < resend:  # the answer "got lost": the outbox sends it again
            start = time.perf_counter()
            try:
                reply = http.post(f"{url}/v1/applications", json=job["body"], headers=headers, timeout=30)
            except requests.RequestException:
                retries += 1
                continue
            latencies.append(time.perf_counter() - start)
            created_on_resend += reply.status_code == 201
    return {
        "latencies": latencies,
        "acknowledged": acknowledged,
        "created_on_resend": created_on_resend,
        "retries": retries,
        "refused": refused,
    }


def _client(args: tuple[str, list[tuple[str, list[dict]]], float, int]) -> list[dict[str, Any]]:
    """One load-generator process: a thread per terminal."""
    url, terminals, resend, seed = args
    results: list[dict[str, Any]] = [{}] * len(terminals)

    def run(index: int, token: str, jobs: list[dict]) -> None:
        results[index] = _terminal(url, token, jobs, resend, seed + index)

    threads = [threading.Thread(target=run, args=(i, tok, jobs)) for i, (tok, jobs) in enumerate(terminals)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# ---------------------------------------------------------------- one backend


# The server with SQLite's own busy handler instead of the intake's in-process writer queue: the
# same `kiosk central serve`, with kiosk.central.intake.writing swapped before the CLI starts.
_BUSY_WAIT_SERVER = (
    "import kiosk.central.intake as intake\n"
    "intake.writing = lambda: intake.intake_database.atomic()\n"
    "from kiosk.cli import main\n"
    "main()\n"
)


@contextlib.contextmanager
def _server(db_url: str, home: Path, threads: int, *, busy_wait: bool = False) -> Iterator[str]:
    # stderr to a file: waitress warns about its queue depth under load, and an unread pipe
    # would fill up and stop the server.
    errors = (home / "serve.stderr").open("w")
    program = ["-c", _BUSY_WAIT_SERVER] if busy_wait else ["-m", "kiosk"]
    process = subprocess.Popen(
        [sys.executable, *program, "--home", str(home), "central", "serve", "--port", "0"]
        + ["--threads", str(threads), "--db", db_url],
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("intake serving on "):
            raise RuntimeError(f"intake did not start: {(home / 'serve.stderr').read_text()}")
        yield line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        errors.close()


def _jobs(number: int, count: int, name: str) -> list[dict[str, Any]]:
    today = date.today()
    jobs = []
    for sequence in range(1, count + 1):
        body = {
            "tracking": make_tracking(today, f"{number:04d}", sequence),
            "terminal_id": name,
            "received_at": f"{today.isoformat()}T10:00:00+08:00",
            "due": today.isoformat(),
            "extended_due": today.isoformat(),
            "calendar_complete": True,
            "application": person(description=f"海城市2019年政务公开工作要点 {name}-{sequence}"),
        }
        jobs.append({"key": uuid.uuid4().hex, "body": body})
    return jobs


def measure(
    label: str, db_url: str, options: argparse.Namespace, home: Path, *, busy_wait: bool = False
) -> dict[str, Any]:
    db = open_intake(db_url)
    terminals = []
    for n in range(options.terminals):
        terminal, token = intake.add_terminal(f"{label}-{n}")
        terminals.append((token, _jobs(terminal.number, options.per_terminal, f"{label}-{n}")))
    db.close()
    slices = [terminals[i :: options.clients] for i in range(options.clients)]
    with _server(db_url, home, options.threads, busy_wait=busy_wait) as url:
        requests.get(f"{url}/v1/health", timeout=10).raise_for_status()
        start = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(options.clients) as pool:
            parts = pool.map(_client, [(url, part, options.resend, 1000 * i) for i, part in enumerate(slices)])
        wall = time.perf_counter() - start
    results = [r for part in parts for r in part]

    db = open_intake(db_url)
    rows = [(a.tracking, json.loads(a.data)["description"]) for a in IntakeApplication.select()]
    db.close()
    latencies = sorted(x for r in results for x in r["latencies"])
    acknowledged = {t for r in results for t in r["acknowledged"]}
    stored = {tracking for tracking, _ in rows}
    descriptions = [d for _, d in rows]
    duplicated = (len(descriptions) - len(set(descriptions))) + sum(r["created_on_resend"] for r in results)
    return {
        "backend": label,
        "applications": options.terminals * options.per_terminal,
        "requests": len(latencies),
        "wall_s": round(wall, 2),
        "throughput_per_s": round(len(acknowledged) / wall, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
        "retries": sum(r["retries"] for r in results),
        "refused": sum(r["refused"] for r in results),
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "lost": len(acknowledged - stored),
        "duplicated": duplicated,
    }


def _median_row(label: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the repeats for timings; sums for lost and duplicated (any one is a failure)."""
    row: dict[str, Any] = {"backend": label, "repeats": len(results)}
    for key in results[0]:
        if key == "backend":
            continue
        values = [r[key] for r in results]
        row[key] = sum(values) if key in ("lost", "duplicated", "retries", "refused") else statistics.median(values)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=60)
    parser.add_argument("--per-terminal", type=int, default=30)
    parser.add_argument("--clients", type=int, default=2, help="load-generator processes")
    parser.add_argument("--threads", type=int, default=16, help="waitress threads of the intake")
    parser.add_argument("--resend", type=float, default=0.1, help="share of applications sent twice")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over all backends; medians reported")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()

    runs: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-intake-bench-") as tmp, contextlib.ExitStack() as stack:
        root = Path(tmp)
        pg = stack.enter_context(pgcluster.cluster(*DURABLE_PG)) if pgcluster.available() else None
        if pg is None:
            print("PostgreSQL binaries not found: SQLite only", file=sys.stderr)
        for repeat in range(options.repeat):  # interleaved, so a noisy minute hurts every backend alike
            home = root / f"r{repeat}"
            home.mkdir()
            variants = [
                ("sqlite", f"sqlite:///{home / 'queued.sqlite3'}", False),
                ("sqlite-busy-wait", f"sqlite:///{home / 'busy.sqlite3'}", True),
            ]
            if pg is not None:
                variants.append(("postgresql", pg.create_database(f"intake_bench_{repeat}"), False))
            for label, url, busy_wait in variants:
                runs.setdefault(label, []).append(measure(label, url, options, home, busy_wait=busy_wait))
    rows = [_median_row(label, results) for label, results in runs.items()]
    baseline = rows[0]
    for row in rows:
        row["throughput_vs_sqlite"] = round(row["throughput_per_s"] / baseline["throughput_per_s"], 2)
        row["p95_vs_sqlite"] = round(row["p95_ms"] / baseline["p95_ms"], 2)
    if options.json:
        print(json.dumps({"machine": platform.platform(), "cpus": os.cpu_count(), "rows": rows}, indent=2))
        return
    print(
        f"{options.terminals} terminals × {options.per_terminal} applications, {options.clients} client processes, "
        f"{options.threads} server threads, {options.resend:.0%} resent, medians of {options.repeat} interleaved "
        f"rounds (lost/dup/retries summed); {os.cpu_count()} CPUs (shared)"
    )
    header = "backend            apps  reqs  wall s  apps/s  p50 ms  p95 ms  p99 ms  retries  lost  dup  ×thru  ×p95"
    print(header)
    for r in rows:
        print(
            f"{r['backend']:<17} {r['applications']:>5} {r['requests']:>5} {r['wall_s']:>7} {r['throughput_per_s']:>7} "
            f"{r['p50_ms']:>7} {r['p95_ms']:>7} {r['p99_ms']:>7} {r['retries']:>8} {r['lost']:>5} {r['duplicated']:>4} "
            f"{r['throughput_vs_sqlite']:>6} {r['p95_vs_sqlite']:>5}"
        )


if __name__ == "__main__":
    main()
