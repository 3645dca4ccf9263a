"""How long a printout takes to make: a 10-page document PDF (target ≤ 1 s) and a receipt (target ≤ 200 ms).

Run by hand, never in CI:

    python -m benchmarks.printing [--runs 30]

The document is built from the generated corpus (`benchmarks/corpus.py`): the metadata of one
corpus document and the bodies of the following ones, until the printout has exactly 10 A4
pages. Side by side in the same run, on the same text and font:

- naive canvas: reportlab's canvas `drawString`, a fixed number of characters per line, no
  line-breaking rules, no header/footer, no page count (the least work a PDF can be);
- reportlab CJK: platypus `Paragraph` with `wordWrap="CJK"` (reportlab's own Chinese wrapping),
  the obvious library alternative; its lines that start with closing punctuation are counted.

Also timed: a receipt (A4 and 80 mm), its conversion to an ESC/POS raster, a preview page, and
the first document of a fresh process (which includes loading the 5 MB font).
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from benchmarks.corpus import generate_documents
from kiosk.printing.backends.escpos import raster_pages
from kiosk.printing.document import document_pdf
from kiosk.printing.fonts import cjk_font
from kiosk.printing.linebreak import CLOSING
from kiosk.printing.pdf import count_pages
from kiosk.printing.preview import render_page
from kiosk.printing.receipt import Office, receipt_pdf

ZONE = "海城市政务服务中心 政务公开专区"
PRINTED_AT = datetime(2026, 11, 23, 10, 2)
OFFICE = Office(ZONE, "海城市人民政府办公室", "0412-1234567", "海城市政务服务中心一楼政务公开专区")
RECEIPT = {
    "tracking": "GK20261123-0007",
    "received": "2026-11-23T10:02:27+08:00",
    "due": "2026-12-21",
    "extended_due": "2027-01-20",
    "calendar_complete": False,
    "applicant_type": "公民",
    "applicant_masked": "张*",
    "id_type": "居民身份证",
    "id_masked": "2101**********123X",
    "contact_masked": "138****5678",
    "description": "2019年海城市政务公开工作年度报告中依申请公开办理情况的统计数据及其说明材料",
    "delivery_form": "纸质",
    "delivery_way": "自行领取",
    "status": "queued",
    "follow_up": ["申请已保存在本终端，将自动提交至办理机关。", "办理机关如需补正，将通过您留下的联系方式与您联系。"],
}


def ten_page_document() -> dict[str, Any]:
    """Corpus metadata + corpus bodies, cut to the longest text that still prints on exactly 10 pages."""
    docs = list(generate_documents(60, seed=0))
    head = docs[0]
    paragraphs = [p for doc in docs for p in doc.body.split("\n") if p.strip()]
    document = {
        "id": head.id,
        "title": head.title,
        "doc_number": head.doc_number,
        "issuer": head.issuer,
        "issued": head.issued.isoformat() if head.issued else None,
        "published": head.published.isoformat() if head.published else None,
        "category": head.category,
        "validity": head.validity,
        "index_no": head.index_no,
        "source_url": f"https://www.example.gov.cn/zwgk/{head.id}.html",
        "attachments": [],
    }
    low, high = 1, len(paragraphs)
    while low < high:  # the largest paragraph count with ≤ 10 pages
        middle = (low + high + 1) // 2
        document["body"] = "\n".join(paragraphs[:middle])
        if _pdf(document).pages <= 10:
            low = middle
        else:
            high = middle - 1
    document["body"] = "\n".join(paragraphs[:low])
    return document


def _pdf(document: dict[str, Any]):
    return document_pdf(document, zone_name=ZONE, printed_at=PRINTED_AT)


def naive_canvas(document: dict[str, Any]) -> bytes:
    """Baseline: drawString with 39 characters a line, no rules, no header/footer, no page count."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    font = cjk_font()
    y = A4[1] - 70
    canvas.setFont(font, 20)
    canvas.drawString(62, y, document["title"][:23])
    y -= 40
    canvas.setFont(font, 12)
    for paragraph in document["body"].split("\n"):
        for start in range(0, len(paragraph), 39):
            if y < 62:
                canvas.showPage()
                canvas.setFont(font, 12)
                y = A4[1] - 70
            canvas.drawString(62, y, paragraph[start : start + 39])
            y -= 21
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def reportlab_cjk(document: dict[str, Any]) -> bytes:
    """Baseline: platypus Paragraphs with reportlab's own CJK wrapping (Japanese line-start rules)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=21, wordWrap="CJK", firstLineIndent=24)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=29, alignment=1, firstLineIndent=0)
    story = [Paragraph(document["title"], title)]
    story += [Paragraph(p, body) for p in document["body"].split("\n") if p.strip()]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=62, rightMargin=62, topMargin=68, bottomMargin=62).build(story)
    return buffer.getvalue()


def bad_line_starts(data: bytes) -> tuple[int, int]:
    """(lines starting with closing punctuation, lines) in the PDF's text, as a reader sees it."""
    import pypdfium2 as pdfium

    bad = total = 0
    document = pdfium.PdfDocument(data)
    for page in document:
        for line in page.get_textpage().get_text_range().splitlines():
            line = line.strip()
            total += bool(line)
            bad += bool(line) and line[0] in CLOSING
    document.close()
    return bad, total


def timed(function: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    result = function()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def cold_start_ms() -> float:
    """A fresh interpreter making its first document PDF: imports, font loading and all."""
    code = (
        "import time; t=time.perf_counter();"
        "from benchmarks.printing import ten_page_document, _pdf;"
        "d=ten_page_document(); t=time.perf_counter();"
        "from kiosk.printing import fonts; fonts.cjk_font.cache_clear();"
        "_pdf(d); print((time.perf_counter()-t)*1000)"
    )
    runs = [float(subprocess.check_output([sys.executable, "-c", code], text=True).strip()) for _ in range(3)]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    runs = args.runs
    cjk_font()
    document = ten_page_document()
    rows: list[tuple[str, list[float], int, int]] = []

    times, pdf = timed(lambda: _pdf(document), runs)
    rows.append(("document PDF, ours (platypus + 禁则)", times, len(pdf.data), pdf.pages))
    ours_ms = summary(times)[0]
    times, naive = timed(lambda: naive_canvas(document), runs)
    rows.append(("baseline: canvas drawString, no rules", times, len(naive), count_pages(naive)))
    naive_ms = summary(times)[0]
    times, cjk = timed(lambda: reportlab_cjk(document), runs)
    rows.append(("baseline: reportlab Paragraph CJK", times, len(cjk), count_pages(cjk)))
    cjk_ms = summary(times)[0]
    large = document_pdf(document, zone_name=ZONE, printed_at=PRINTED_AT, large=True)
    times, large = timed(lambda: document_pdf(document, zone_name=ZONE, printed_at=PRINTED_AT, large=True), runs)
    rows.append(("same text, large print (16 pt)", times, len(large.data), large.pages))
    for form in ("a4", "thermal"):
        times, receipt = timed(lambda form=form: receipt_pdf(RECEIPT, OFFICE, printed_at=PRINTED_AT, form=form), runs)
        rows.append((f"receipt PDF, {form}", times, len(receipt.data), receipt.pages))
        if form == "thermal":
            thermal = receipt
    times, images = timed(lambda: raster_pages(thermal.data, 576), runs)
    rows.append(("thermal receipt → ESC/POS raster (576 dots)", times, sum(i.width * i.height // 8 for i in images), 1))
    times, image = timed(lambda: render_page(pdf, 1, width=800), runs)
    rows.append(("preview: page 1 → 800 px image", times, image.width * image.height * 3, 1))

    print(f"# printing benchmark — {platform.python_version()}, {runs} runs each after one warm-up")
    print("# on a machine shared with other work, medians are steadier than p95\n")
    print(f"{'what':46} {'median ms':>10} {'p95 ms':>9} {'bytes':>9} {'pages':>6}")
    for name, times, size, pages in rows:
        median, p95 = summary(times)
        print(f"{name:46} {median:10.1f} {p95:9.1f} {size:9,d} {pages:6d}")
    print()
    print(f"document text: {len(document['body']):,} characters in {document['body'].count(chr(10)) + 1} paragraphs")
    print(f"ours / naive canvas: {ours_ms / naive_ms:.1f}×   ours / reportlab CJK: {ours_ms / cjk_ms:.2f}×")
    for name, data in (("ours", pdf.data), ("naive canvas", naive), ("reportlab CJK", cjk)):
        bad, total = bad_line_starts(data)
        print(f"lines starting with closing punctuation, {name}: {bad} of {total}")
    print(f"first document in a fresh process (imports excluded, font load included): {cold_start_ms():.0f} ms")


if __name__ == "__main__":
    main()
