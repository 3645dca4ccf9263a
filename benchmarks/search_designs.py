"""Why the search index looks the way it does: the alternative FTS5 designs on the same corpus.

    python -m benchmarks.search_designs --size 100000 [--repeats 3]

Each design indexes title + body of the same generated documents in its own table and answers
the same Chinese queries; a plain table with LIKE is the baseline and the substring oracle.
Reported per design: build time, index size against the raw text, p50/p95/max of "count all
matches + first 20" (the hits page minus snippets), and recall / over-matching against the oracle.

- jieba:      rjieba cut_for_search tokens, unicode61, positions; query = the query's tokens ANDed
- trigram:    SQLite's trigram tokenizer on the raw text, positions; query = the string
- grams-full: our layout (characters, pairs, trigrams) with positions; query = a phrase
- pairs-none: characters and pairs only, no positions; query = pairs ANDed
- grams-none: our layout without positions (what kiosk/catalog/search_index.py uses)
Run by hand; the machine may be shared (the load average is printed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import generate_documents
from kiosk.catalog.normalize import runs
from kiosk.catalog.search import body_term
from kiosk.catalog.search_index import interleave

QUERIES = [
    "政",
    "税",
    "汛",
    "公开",
    "低保",
    "养老",
    "政务公开",
    "城乡建设",
    "最低生活保障",
    "一网通办",
    "住房和城乡建设局",
    "公开工作",
    "政务公开 考核",
    "乡村振兴 试点",
    "螺丝岭",
    "量子计算",
    "主动公开和依申请公开",
]


def _pairs_only(text: str) -> str:
    found = runs(text.lower())
    return "  " + "  ".join(" ".join(run) for run in found) + "  " if found else ""


def _jieba_tokens(text: str) -> str:
    import rjieba

    return " ".join(t for t in rjieba.cut_for_search(text) if t.strip())


def _pairs_query(term: str) -> str:
    if len(term) == 1:
        return f'" {term} "'
    return "(" + " AND ".join(f'"{a} {b}"' for a, b in zip(term, term[1:], strict=False)) + ")"


DESIGNS = {
    # name: (tokenize, detail, text layout, query for one term)
    "jieba": (
        "unicode61",
        "full",
        _jieba_tokens,
        lambda t: "(" + " AND ".join(f'"{w}"' for w in _jieba_tokens(t).split()) + ")",
    ),
    "trigram": ("trigram", "full", lambda text: text, lambda t: f'"{t}"'),
    "grams-full": ("trigram", "full", interleave, lambda t: f'" {t} "' if len(t) == 1 else '"' + " ".join(t) + '"'),
    "pairs-none": ("trigram", "none", _pairs_only, _pairs_query),
    "grams-none": ("trigram", "none", interleave, body_term),
}


def _match(design: str, query: str) -> str | None:
    terms = runs(query.lower())
    parts = [DESIGNS[design][3](t) for t in terms]
    parts = [p for p in parts if p and p not in ("()", '""')]
    if design == "trigram" and any(len(t) < 3 for t in terms):
        return None  # the trigram tokenizer cannot look up fewer than 3 characters
    return " AND ".join(parts) if parts else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--designs", nargs="+", default=list(DESIGNS))
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="kiosk-search-designs-"))
    print(f"# search designs at {args.size:,} documents (load average {os.getloadavg()[0]:.2f}; {workdir})")
    docs = [(i + 1, d.title + "\n" + d.body) for i, d in enumerate(generate_documents(args.size))]
    raw = sum(len(text.encode("utf-8")) for _, text in docs)
    plain = sqlite3.connect(workdir / "plain.sqlite3")
    plain.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, text TEXT)")
    with plain:
        plain.executemany("INSERT INTO doc VALUES (?, ?)", docs)
    truth = {}
    for query in QUERIES:
        terms = runs(query.lower())
        where = " AND ".join("instr(text, ?) > 0" for _ in terms)
        truth[query] = {r[0] for r in plain.execute(f"SELECT id FROM doc WHERE {where}", terms)}
    like = []
    for query in QUERIES:
        terms = runs(query.lower())
        where = " AND ".join("text LIKE ?" for _ in terms)
        for _ in range(args.repeats):
            start = time.perf_counter()
            plain.execute(f"SELECT id FROM doc WHERE {where} LIMIT 20", [f"%{t}%" for t in terms]).fetchall()
            like.append(time.perf_counter() - start)
    print(f"raw text {raw / 1e6:.0f} MB; LIKE first 20: {_ms(like)}")
    print("\n| design | build s | index / raw | count + first 20: p50 / p95 / max ms | recall | over-match |")
    print("|---|---|---|---|---|---|")
    for design in args.designs:
        tokenize, detail, layout, _ = DESIGNS[design]
        path = workdir / f"{design}.sqlite3"
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=wal")
        db.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{tokenize}', detail={detail}, content='')")
        start = time.perf_counter()
        with db:
            db.executemany("INSERT INTO t (rowid, text) VALUES (?, ?)", ((i, layout(text)) for i, text in docs))
            db.execute("INSERT INTO t (t) VALUES ('optimize')")
        build = time.perf_counter() - start
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size
        samples, found, wanted, extra = [], 0, 0, 0
        for query in QUERIES:
            match = _match(design, query)
            got: set[int] = set()
            if match:
                got = {r[0] for r in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,))}
            found += len(got & truth[query])
            wanted += len(truth[query])
            extra += len(got - truth[query])
            for _ in range(args.repeats):
                start = time.perf_counter()
                if match:
                    db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (match,)).fetchone()
                    db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid LIMIT 20", (match,)).fetchall()
                samples.append(time.perf_counter() - start)
        recall = found / wanted if wanted else 1.0
        print(f"| {design} | {build:.0f} | {size / raw:.2f} | {_ms(samples)} | {recall:.3f} | {extra:,} docs |")
        db.close()
        path.unlink()
    plain.close()
    shutil.rmtree(workdir, ignore_errors=True)


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return f"{statistics.median(ordered) * 1000:.1f} / {p95 * 1000:.1f} / {ordered[-1] * 1000:.1f}"


if __name__ == "__main__":
    main()
