"""How long a 200-page printout takes: the longest document the kiosk's printing tests make, timed here, not there.

Run by hand, never in CI:

    python -m benchmarks.printing_long [--runs 5]

The document has the metadata of a generated corpus document (`benchmarks/corpus.py`) and a body
of 2,400 numbered paragraphs of government prose, the same text `tests/printing/test_document.py`
prints to check that such a document comes out whole. Reported: the median, fastest and slowest
of `--runs` builds after one warm-up, the page count and the PDF size, and the time per page.
"""

from __future__ import annotations

import argparse
import platform
import statistics

from benchmarks.printing import _pdf, ten_page_document, timed
from kiosk.printing.fonts import cjk_font

PARAGRAPHS = 2400


def long_document() -> dict:
    document = ten_page_document()
    document["body"] = "\n".join(
        f"（{n}）" + "按照政务公开标准化规范化要求，编制公开事项目录，明确公开主体、公开内容、公开时限。" * 4
        for n in range(PARAGRAPHS)
    )
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cjk_font()
    document = long_document()
    times, pdf = timed(lambda: _pdf(document), args.runs)
    median = statistics.median(times)
    print(f"# long printout — Python {platform.python_version()}, {args.runs} runs after one warm-up")
    print(f"# {PARAGRAPHS:,} paragraphs, {len(document['body']):,} characters\n")
    print(f"{'what':30} {'median ms':>10} {'min ms':>9} {'max ms':>9} {'pages':>6} {'bytes':>10}")
    print(
        f"{'document PDF, A4':30} {median:10.0f} {min(times):9.0f} {max(times):9.0f} {pdf.pages:6d} {len(pdf.data):10,d}"
    )
    print(f"\n{median / pdf.pages:.1f} ms a page")


if __name__ == "__main__":
    main()
