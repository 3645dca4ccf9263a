"""How often the intended word is in the first three candidates, and how fast candidates come.

Run by hand (never in CI):  python -m benchmarks.ime [--corpus-docs N] [--catalog-home HOME] [--workdir DIR] [--librime]

Side by side in one run, each measured in a fresh process (so RSS is the engine's own):
  baseline   jieba dict + pypinyin's first reading, same search, no catalog, no names, no fixes
  general    + Rime's essay frequencies, every reading pypinyin lists, place-name fixes, surname and
             given-name model, word-edge statistics
  demo       + the vocabulary of the bundled demo catalog (5 documents), what a new terminal has
  corpus     + the vocabulary of N generated documents (benchmarks/corpus.py, default 10,000): a
             synced county catalog. The term list was written without looking at it; it holds
             89 of the 221 government terms.
  catalog    + the vocabulary of the catalog in --catalog-home, if given
  librime    librime through its C API (Debian librime1 + luna-pinyin data), with --librime

"in_catalog" is the share among the listed terms that the largest catalog's vocabulary holds (the
same subset for every engine): what a resident looks for in a terminal's own catalog.

Inputs per term of benchmarks/ime_terms.tsv: full pinyin without separators, initials, and typing
(the last syllable cut to two letters). Latency: every prefix of the full pinyin typed one key at a
time, the engine's cache cleared per term. The machine is shared with other work while measuring.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TERMS = Path(__file__).with_name("ime_terms.tsv")
TOP_N = 10


SENTENCES = Path(__file__).with_name("ime_sentences.txt")


def load_sentences() -> list[tuple[str, str]]:
    """(sentence, its full pinyin typed without separators)."""
    from pypinyin import Style, lazy_pinyin

    lines = SENTENCES.read_text(encoding="utf-8").splitlines()
    return [(s, "".join(lazy_pinyin(s, style=Style.NORMAL, v_to_u=False))) for s in lines if s and s[0] != "#"]


def load_terms() -> list[tuple[str, list[str], str]]:
    terms = []
    for line in TERMS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, syllables, kind = line.split("\t")
            terms.append((word, syllables.split(), kind))
    return terms


def inputs(syllables: list[str]) -> dict[str, str]:
    last = syllables[-1][:2]
    return {
        "full": "".join(syllables),
        "initials": "".join(s[0] for s in syllables),
        "typing": "".join(syllables[:-1]) + last,
    }


# --- building ---------------------------------------------------------------------------------------


def build(config: str, path: Path, catalog_home: Path | None, corpus_docs: int = 10_000) -> dict:
    """Build one lexicon; runs in its own process so its peak memory is its own."""
    import resource

    from kiosk.ime.lexicon import build_lexicon, first_reading

    documents: list[dict] = []
    if config in ("demo", "catalog"):
        from kiosk.environment import Env
        from kiosk.ime.setup import catalog_documents
        from kiosk.sync.startup import open_catalog

        home = catalog_home if config == "catalog" else Path(tempfile.mkdtemp(prefix="ime-demo-"))
        open_catalog(Env.load(home))
        documents = list(catalog_documents())
    if config == "corpus":
        from benchmarks.corpus import generate_documents

        documents = [
            {"title": d.title, "issuer": d.issuer, "doc_number": d.doc_number, "body": d.body}
            for d in generate_documents(corpus_docs, seed=0)
        ]
    if config == "baseline":
        report = build_lexicon(path, documents, reader=first_reading, names=False, affixes=False, essay=None)
    else:
        report = build_lexicon(path, documents)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report.to_dict() | {"documents": len(documents), "peak_rss_mb": round(peak, 1)}


# --- measuring --------------------------------------------------------------------------------------


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def catalog_terms(lexicon: Path) -> list[str]:
    """The listed terms that are in the catalog vocabulary of a built lexicon (its domain table)."""
    import sqlite3

    db = sqlite3.connect(f"file:{lexicon}?mode=ro", uri=True)
    try:
        known = {word for (word,) in db.execute("SELECT DISTINCT word FROM domain")}
    finally:
        db.close()
    return [word for word, _syllables, _kind in load_terms() if word in known]


def measure(config: str, path: Path, in_catalog: set[str] | None = None) -> dict:
    """Accuracy and per-keystroke latency of one engine; runs in its own process."""
    before = rss_mb()
    if config == "librime":
        from benchmarks.rime import RimeEngine

        engine = RimeEngine(path)
    else:
        from kiosk.ime import phrases
        from kiosk.ime.engine import Engine

        # The baseline composes by word frequency alone; ours as a terminal runs it (open_engine).
        engine = Engine(path, phrases=None if config == "baseline" else phrases.load())
    terms = load_terms()
    hits: dict[str, dict[str, list[int]]] = {}
    misses: dict[str, list[str]] = {}
    for word, syllables, kind in terms:
        for mode, text in inputs(syllables).items():
            found = [c.text for c in engine.candidates(text, TOP_N)]
            rank = found.index(word) if word in found else TOP_N
            hits.setdefault(mode, {}).setdefault(kind, []).append(rank)
            if in_catalog is not None and word in in_catalog:
                hits.setdefault(mode, {}).setdefault("in_catalog", []).append(rank)
            if rank >= 3:
                misses.setdefault(mode, []).append(f"{word}:{text}→{'/'.join(found[:3])}")
    # The engine's memory, read before the sentences' pinyin loads pypinyin's tables into this process.
    engine_rss = round(rss_mb() - before, 1)
    # Sentences: the first candidate as the whole sentence, and its share of characters in place.
    exact = chars_right = chars = 0
    for sentence, typed in load_sentences():
        found = engine.candidates(typed, TOP_N)
        first = found[0].text if found else ""
        exact += first == sentence
        chars_right += (
            sum(1 for a, b in zip(first, sentence, strict=False) if a == b) if len(first) == len(sentence) else 0
        )
        chars += len(sentence)
        if first != sentence:
            misses.setdefault("sentences", []).append(f"{sentence}→{first}")
    latencies = []
    cpu = []  # CPU time of this process: what the engine costs when other processes' load on the machine is set aside
    for _word, syllables, _kind in terms:
        engine_reset(engine)
        typed = "".join(syllables)
        for i in range(1, len(typed) + 1):
            started, started_cpu = time.perf_counter(), time.process_time()
            engine.candidates(typed[:i], TOP_N)
            latencies.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    latencies.sort()
    cpu.sort()
    result: dict = {"config": config, "rss_delta_mb": engine_rss}
    for mode, by_kind in hits.items():
        ranks = [r for kind, rs in by_kind.items() if kind != "in_catalog" for r in rs]
        result[mode] = {
            "top1": _share(ranks, 1),
            "top3": _share(ranks, 3),
            "top6": _share(ranks, 6),  # the keyboard's first page of candidates: one tap
            "by_kind_top3": {kind: _share(rs, 3) for kind, rs in by_kind.items()},
        }
    result["sentences"] = {
        "count": len(load_sentences()),
        "exact_first": exact,
        "chars_in_place": round(100 * chars_right / chars, 1),
    }
    result["keystroke_ms"] = {
        "p50": round(statistics.median(latencies), 2),
        "p95": round(latencies[int(len(latencies) * 0.95)], 2),
        "max": round(latencies[-1], 1),
        "cpu_p50": round(statistics.median(cpu), 2),
        "cpu_p95": round(cpu[int(len(cpu) * 0.95)], 2),
        "keystrokes": len(latencies),
        "load_average": round(os.getloadavg()[0], 2),
    }
    result["misses"] = misses
    return result


def engine_reset(engine) -> None:
    cache = getattr(engine, "_cache", None)
    if cache is not None:
        cache.clear()


def _share(ranks: list[int], top: int) -> float:
    return round(100 * sum(1 for r in ranks if r < top) / len(ranks), 1)


# --- the run ----------------------------------------------------------------------------------------


def _child(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.ime", *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog-home", type=Path, help="a terminal home whose catalog gives the vocabulary")
    parser.add_argument("--workdir", type=Path, help="keep the built lexicons here (default: a temp dir)")
    parser.add_argument("--librime", action="store_true", help="also measure librime (needs Debian librime1)")
    parser.add_argument("--corpus-docs", type=int, default=10_000, help="generated documents for 'corpus' (0: skip)")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure the lexicons already built in --workdir")
    parser.add_argument("--step", nargs=2, metavar=("KIND", "CONFIG"), help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        kind, config = args.step
        if kind == "build":
            data = build(config, args.path, args.catalog_home, args.corpus_docs)
        else:
            subset = args.workdir / "catalog_terms.json" if args.workdir else None
            in_catalog = set(json.loads(subset.read_text(encoding="utf-8"))) if subset and subset.exists() else None
            data = measure(config, args.path, in_catalog)
        print(json.dumps(data, ensure_ascii=False))
        return

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ime-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    configs = ["baseline", "general", "demo"]
    configs += ["corpus"] if args.corpus_docs else []
    configs += ["catalog"] if args.catalog_home else []
    extra = ["--corpus-docs", str(args.corpus_docs)]
    extra += ["--catalog-home", str(args.catalog_home)] if args.catalog_home else []
    built_by = {}
    for config in configs:
        path = workdir / f"{config}.sqlite3"
        built_file = workdir / f"{config}.build.json"
        if args.reuse and path.exists() and built_file.exists():
            built_by[config] = json.loads(built_file.read_text(encoding="utf-8"))
        else:
            built_by[config] = _child("--step", "build", config, "--path", str(path), *extra)
            built_file.write_text(json.dumps(built_by[config]), encoding="utf-8")
        print(f"built {config}", file=sys.stderr)
    # One subset for every engine: the listed terms a synced catalog (the largest one built) knows.
    known = catalog_terms(workdir / f"{configs[-1]}.sqlite3")
    (workdir / "catalog_terms.json").write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
    step = ["--workdir", str(workdir)]
    rows = []
    for config in configs:
        path = workdir / f"{config}.sqlite3"
        measured = _child("--step", "measure", config, "--path", str(path), *step)
        rows.append(measured | {"build": built_by[config], "file_mb": round(path.stat().st_size / 1e6, 1)})
        print(f"measured {config}", file=sys.stderr)
    if args.librime:
        from benchmarks.rime import prepare_rime

        rime_dir = prepare_rime(workdir / "rime")
        measured = _child("--step", "measure", "librime", "--path", str(rime_dir), *step)
        rows.append(measured | {"build": {}, "file_mb": None})
    _report(rows, len(load_terms()), args.show_misses, len(known))
    (workdir / "ime-results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nfull results: {workdir / 'ime-results.json'}")


def _report(rows: list[dict], count: int, show_misses: bool, in_catalog: int) -> None:
    print(f"{count} terms (benchmarks/ime_terms.tsv), top-1 / top-3 % among {TOP_N} candidates")
    loads = ", ".join(f"{r['config']} {r['keystroke_ms']['load_average']}" for r in rows)
    print(f"load average while measuring (2 cores, shared with other work): {loads}")
    head = (
        f"{'engine':10} {'full':>11} {'initials':>11} {'typing':>11} {'key p50/p95 ms':>15} {'CPU p50/p95':>12} "
        f"{'build s':>8} {'RSS MB':>7} {'file MB':>7}"
    )
    print(head)
    for r in rows:
        cells = [f"{r[m]['top1']:5.1f}/{r[m]['top3']:5.1f}" for m in ("full", "initials", "typing")]
        key = f"{r['keystroke_ms']['p50']:.2f}/{r['keystroke_ms']['p95']:.2f}"
        cpu = f"{r['keystroke_ms']['cpu_p50']:.2f}/{r['keystroke_ms']['cpu_p95']:.2f}"
        built = r["build"].get("seconds", "—")
        print(
            f"{r['config']:10} {cells[0]:>11} {cells[1]:>11} {cells[2]:>11} {key:>15} {cpu:>12} {built!s:>8} "
            f"{r['rss_delta_mb']:7.1f} {r['file_mb'] if r['file_mb'] is not None else '—'!s:>7}"
        )
    base = rows[0]
    print(
        f"\nby kind, top-3 % (full / initials / typing); in_catalog: the {in_catalog} listed terms that the"
        " largest catalog's vocabulary holds, whatever their kind:"
    )
    for r in rows:
        kinds = r["full"]["by_kind_top3"].keys()
        parts = [
            f"{k} {r['full']['by_kind_top3'][k]:.0f}/{r['initials']['by_kind_top3'][k]:.0f}/{r['typing']['by_kind_top3'][k]:.0f}"
            for k in kinds
        ]
        print(f"  {r['config']:10} " + "  ".join(parts))
    count = rows[0]["sentences"]["count"]
    print(
        f"\nsentences typed whole ({count}, benchmarks/ime_sentences.txt): first candidate right / characters in place %:"
    )
    for r in rows:
        print(f"  {r['config']:10} {r['sentences']['exact_first']:3d} / {r['sentences']['chars_in_place']:.1f}")
    print("\nfirst page of the candidate bar (top-6 %, full / initials / typing):")
    for r in rows:
        print(f"  {r['config']:10} " + " / ".join(f"{r[m].get('top6', 0):.1f}" for m in ("full", "initials", "typing")))
    print("\nratios against the baseline (top-3 full, initials; p95 latency):")
    for r in rows[1:]:
        print(
            f"  {r['config']:10} full ×{_ratio(r['full']['top3'], base['full']['top3'])}, "
            f"initials ×{_ratio(r['initials']['top3'], base['initials']['top3'])}, "
            f"p95 ×{_ratio(r['keystroke_ms']['p95'], base['keystroke_ms']['p95'])}"
        )
    if show_misses:
        for r in rows:
            for mode, missed in r["misses"].items():
                print(f"\n{r['config']} {mode} misses ({len(missed)}): " + "  ".join(missed))


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "—"


if __name__ == "__main__":
    os.environ.setdefault("KIOSK_LOG_LEVEL", "WARNING")
    main()
