"""How often the intended character comes first (and in the first five) from the handwriting pad, and
how fast: today's Zinnia side by side with the order-free matcher, alone and with Zinnia's vote.

Run by hand (never in CI):
    pip install kanjivg==20260714      # the evaluation strokes (CC BY-SA 3.0), not used by the recogniser
    python -m benchmarks.handwriting [--kanjivg DIR] [--corpus-docs 2000] [--count 500] [--seed 0]

Evaluation strokes come from KanjiVG, drawn by hand stroke by stroke; the recogniser's templates come
from Make Me a Hanzi (Arphic font outlines), a different source, and Zinnia's model from Tegaki's own
samples. KanjiVG draws Japanese kanji, so a character it lacks (most simplified-only forms: 门 这 们)
cannot be tested independently and is left out; the report says how many were left.

Sets (fixed seed): `catalog` = the `count` most frequent characters of the bundled demo catalog plus
`--corpus-docs` generated documents (benchmarks/corpus.py: titles, issuers, bodies) that KanjiVG has;
`level1` = a random `count` of 通用规范汉字表 level 1 that KanjiVG has; `dev` = other level-1
characters, the only ones the weights (Zinnia's vote, stroke-count hints) were tuned on.
Variants (tests/ime/strokes.py write_like_a_finger): careful, wobbly, wrong-order, reversed-stroke,
joined-stroke. Latency: one recognition of the whole character (the pad recognises after each
stroke, so this is the slowest of its calls), as wall time and as the process's own CPU time: on a
shared machine the wall time mostly measures the other work; a terminal runs nothing else.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def kanjivg_folder() -> Path:
    """Where pip put KanjiVG's SVG files (the wheel installs a top-level `kanji` folder)."""
    import sysconfig

    folder = Path(sysconfig.get_paths()["purelib"]) / "kanji"
    if not folder.is_dir():
        sys.exit("KanjiVG not found: pip install kanjivg==20260714, or pass --kanjivg DIR")
    return folder


def catalog_characters(corpus_docs: int) -> list[str]:
    """Characters of the bundled demo catalog and a generated one, most frequent first."""
    from benchmarks.corpus import generate_documents
    from kiosk.environment import Env
    from kiosk.ime.setup import catalog_documents
    from kiosk.sync.startup import open_catalog

    counts: Counter[str] = Counter()

    def add(*texts: str | None) -> None:
        for text in texts:
            counts.update(c for c in text or "" if "\u4e00" <= c <= "\u9fff")

    with tempfile.TemporaryDirectory(prefix="hw-demo-") as home:
        open_catalog(Env.load(Path(home)))
        for doc in catalog_documents():
            add(doc["title"], doc["issuer"], doc["body"])
    for doc in generate_documents(corpus_docs, seed=0):
        add(doc.title, doc.issuer, doc.body)
    return [char for char, _ in counts.most_common()]


def recognizer_memory_mb(engine: str) -> float:
    """Resident memory that building one recogniser (and recognising once) adds, in a fresh process.

    Read from /proc (VmRSS), not getrusage: a child's peak RSS starts at its parent's after fork.
    """
    code = (
        "import re\n"
        "from kiosk.ime import handwriting as h\n"
        "from tests.ime.strokes import CHARACTERS\n"
        "def rss():\n"
        "    return int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "h._library()\n"
        "before = rss()\n"
        f"r = h.ZinniaRecognizer() if {engine!r} == 'zinnia' else h.Recognizer(zinnia={engine!r} != 'matcher')\n"
        "r.recognize(CHARACTERS['正'], 1000, 1000)\n"
        "print((rss() - before) / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip()), 1)


def measure(recognise, samples: list[tuple[str, list]]) -> dict:
    top1 = top5 = 0
    latencies, cpu = [], []
    misses = []
    for char, strokes in samples:
        start, start_cpu = time.perf_counter(), time.process_time()
        guesses = recognise(strokes)
        latencies.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        top1 += bool(guesses) and guesses[0] == char
        top5 += char in guesses[:5]
        if guesses and guesses[0] != char and len(misses) < 8:
            misses.append(f"{char}→{guesses[0]}")
    latencies.sort()
    cpu.sort()
    return {
        "top1": round(top1 / len(samples), 3),
        "top5": round(top5 / len(samples), 3),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(cpu[int(0.95 * (len(cpu) - 1))], 1),
        "misses": " ".join(misses),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kanjivg", type=Path)
    parser.add_argument("--corpus-docs", type=int, default=2000)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sets", default="catalog,level1")
    parser.add_argument("--engines", default="zinnia,matcher,matcher+zinnia")
    parser.add_argument("--zinnia-weight", type=float)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from kiosk.ime import handwriting as h
    from kiosk.ime.handwriting_data import load
    from tests.ime.strokes import VARIANTS, read_kanjivg, write_like_a_finger

    folder = args.kanjivg or kanjivg_folder()
    templates, level_1_count, _maps = load()
    level_1 = list(templates.chars[:level_1_count])
    known = set(templates.chars)
    rng = random.Random(f"handwriting-benchmark:{args.seed}")

    frequent = [c for c in catalog_characters(args.corpus_docs) if c in known][: args.count]
    strokes = read_kanjivg(folder, set(frequent) | set(level_1))
    covered = [c for c in level_1 if c in strokes]
    chosen_level_1 = rng.sample(covered, min(args.count, len(covered)))
    sets = {
        "catalog": [c for c in frequent if c in strokes],
        "level1": chosen_level_1,
        "dev": rng.sample([c for c in covered if c not in set(frequent) | set(chosen_level_1)], args.count),
    }
    coverage = {
        "catalog": f"{len(sets['catalog'])} of the {len(frequent)} most frequent catalog characters",
        "level1": f"{len(chosen_level_1)} drawn from the {len(covered)} of {len(level_1)} level-1 characters KanjiVG has",
    }

    weight = {} if args.zinnia_weight is None else {"zinnia_weight": args.zinnia_weight}
    engines = {}
    for name in args.engines.split(","):
        if name == "zinnia":
            zinnia = h.ZinniaRecognizer()
            engines[name] = lambda s, z=zinnia: [g.text for g in z.recognize(s, 600, 600, 10)]
        else:
            recogniser = h.Recognizer(zinnia=name != "matcher", **weight)
            recogniser.include(frequent)
            engines[name] = lambda s, r=recogniser: [g.text for g in r.recognize(s, 600, 600, 10)]

    rows = []
    for set_name in args.sets.split(","):
        chars = sets[set_name]
        for variant in VARIANTS:
            samples = [(c, write_like_a_finger(strokes[c], variant, i)) for i, c in enumerate(chars)]
            for name, recognise in engines.items():
                rows.append({"set": set_name, "variant": variant, "engine": name} | measure(recognise, samples))
                if not args.json:
                    r = rows[-1]
                    print(
                        f"{set_name:8} {variant:16} {name:15} top1 {r['top1']:.3f}  top5 {r['top5']:.3f}  "
                        f"p50 {r['p50_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  "
                        f"(CPU {r['cpu_p50_ms']:5.1f} / {r['cpu_p95_ms']:5.1f} ms)   {r['misses']}",
                        flush=True,
                    )
    memory = {name: recognizer_memory_mb(name) for name in engines}
    report = {"coverage": coverage, "memory_mb": memory, "rows": rows}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(json.dumps({"coverage": coverage, "memory_mb": memory}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
