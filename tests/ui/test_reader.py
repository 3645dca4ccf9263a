"""The reader in a real window: printing with a preview and the visit's quota, related documents,
a PDF attachment page by page, the QR code of the source page."""

import hashlib
import shutil
from datetime import date

import pytest
from pypdf import PdfReader

from tests.ui.harness import run_scenario

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")


def _attachment_pdf(pages: int) -> bytes:
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    for n in range(1, pages + 1):
        sheet.drawString(72, 720, f"Annex page {n}")
        sheet.showPage()
    sheet.save()
    return out.getvalue()


@pytest.fixture
def linked_catalog(env):
    """A policy with a PDF attachment and a source URL, and its 解读, next to the demo catalog."""
    from kiosk.catalog.document_record import AttachmentRef, DocumentRecord
    from kiosk.catalog.documents import upsert_documents
    from kiosk.sync.startup import open_catalog

    open_catalog(env)
    data = _attachment_pdf(3)
    sha = hashlib.sha256(data).hexdigest()
    target = env.files_dir / sha[:2] / sha
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    upsert_documents(
        [
            DocumentRecord(
                id="policy-1",
                title="海城市人民政府关于加强农村公路养护管理的通知",
                doc_number="海政发〔2021〕7号",
                issuer="海城市人民政府",
                issued=date(2021, 5, 6),
                category="交通",
                body="各镇人民政府：\n为加强农村公路养护管理，现通知如下。\n" + "一、明确养护责任。\n" * 40,
                source_url="http://www.haicheng.gov.cn/zwgk/2021/07.html",
                attachments=(AttachmentRef("养护考核办法.pdf", sha, len(data), "application/pdf"),),
            ),
            DocumentRecord(
                id="reading-1",
                title="解读《海城市人民政府关于加强农村公路养护管理的通知》",
                issuer="海城市人民政府",
                issued=date(2021, 5, 8),
                category="政策解读",
                body="《海城市人民政府关于加强农村公路养护管理的通知》（海政发〔2021〕7号）明确了养护责任。",
            ),
        ]
    )
    return env


def test_printing_from_the_reader_previews_then_writes_the_pdf_and_asks_for_a_range_over_the_quota(home, tmp_path):
    r = run_scenario(home, "reader_prints_a_document", tmp_path / "out.json")
    assert "error" not in r, r.get("error")
    prepared = r["prepared"]
    assert prepared["pages"] >= 1 and prepared["preview"][0] == 720 and not prepared["needs_range"]
    assert f"共 {prepared['pages']} 页" in prepared["message"]
    assert r["while_printing"] == ["printing", True]
    assert r["printed"] == f"已打印 {prepared['pages']} 页，请在打印机出纸口取走。"
    assert r["quota_used"] == prepared["pages"]
    printed = sorted((home / "prints").glob("*.pdf"))
    assert len(printed) == 2
    first = PdfReader(printed[0])
    assert len(first.pages) == prepared["pages"]
    from kiosk.catalog.documents import get_document
    from kiosk.environment import Env
    from kiosk.sync.startup import open_catalog

    open_catalog(Env.load(home))
    title = get_document(r["doc_id"]).title
    assert title[:8] in "".join(page.extract_text() for page in first.pages).replace("\n", "")
    # Over the quota (1 page left): a range, pages 1 to 1, and only that page printed.
    over = r["over_quota"]
    if prepared["pages"] > 1:
        assert over["needs_range"] and over["range"] == [1, 1] and "请选择要打印的页码" in over["message"]
        assert r["ranged"] == "已打印 1 页，请在打印机出纸口取走。"
        assert len(PdfReader(printed[1]).pages) == 1
    assert r["current"] == "reader"


def test_the_reader_lists_related_documents_attachments_and_a_qr_code_and_pages_through_them(
    linked_catalog, home, tmp_path
):
    r = run_scenario(home, "reader_shows_related_attachments_and_qr", tmp_path / "out.json")
    assert "error" not in r, r.get("error")
    assert "本文件的解读" in r["sections"] and "附件（1 个）" in r["sections"]
    assert any(t.startswith("解读《海城市人民政府关于加强农村公路养护管理的通知》") for t in r["related"])
    assert r["attachments"] == [["养护考核办法.pdf", "PDF", "2 KB"]] or r["attachments"][0][:2] == [
        "养护考核办法.pdf",
        "PDF",
    ]
    assert r["qr"] == ["http://www.haicheng.gov.cn/zwgk/2021/07.html"]
    assert r["scrolled"][0] == 1 and r["scrolled"][-1] == 0 and len(r["scrolled"]) > 2
    assert r["viewer_first"][:2] == [1, 3] and r["viewer_first"][2][0] > 500
    assert r["viewer_second"] == 2
    assert r["followed"].startswith("解读《")
    assert r["back_to"] == ["reader", True]
