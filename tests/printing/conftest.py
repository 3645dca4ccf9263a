"""Fixtures for printing: the demo documents as dicts, receipt data, a private CUPS scheduler, PDF readers."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from kiosk.catalog.documents import document_to_dict, list_documents
from kiosk.environment import Env
from kiosk.sync.startup import open_catalog
from tests.printing.cupsd import PrivateCups, cups_installed

PRINTED_AT = datetime(2026, 11, 23, 10, 2)
ZONE = "海城市政务服务中心 政务公开专区"


@pytest.fixture(scope="session")
def demo_documents(tmp_path_factory) -> dict[str, dict]:
    """The five seed documents as `document_to_dict(…, with_body=True)`, keyed by 文号 (or title)."""
    env = Env.load(tmp_path_factory.mktemp("print-demo-home"))
    db = open_catalog(env)
    try:
        docs = [document_to_dict(doc, with_body=True) for doc in list_documents()]
    finally:
        db.close()
    return {doc["doc_number"] or doc["title"]: doc for doc in docs}


@pytest.fixture
def haicheng(demo_documents) -> dict:
    """海政办发〔2019〕23号 with a source URL and an attachment, as a synced catalog has them."""
    doc = dict(demo_documents["海政办发〔2019〕23号"])
    doc["source_url"] = "https://www.haicheng.gov.cn/zwgk/2019/0717/23.html"
    doc["attachments"] = [
        {
            "name": "附件1：政务公开工作任务分工.pdf",
            "sha256": "0" * 64,
            "size": 123_456,
            "media_type": "application/pdf",
        }
    ]
    return doc


@pytest.fixture
def receipt_data() -> dict:
    """What kiosk.applications.receipt.receipt_data() returns: personal data already masked."""
    return {
        "tracking": "GK20261123-0007",
        "received": "2026-11-23T10:02:27+08:00",
        "due": "2026-12-21",
        "extended_due": "2027-01-20",
        "calendar_complete": True,
        "applicant_type": "公民",
        "applicant_masked": "张*",
        "id_type": "居民身份证",
        "id_masked": "2101**********123X",
        "contact_masked": "138****5678",
        "description": "2019年海城市政务公开工作年度报告中依申请公开办理情况的统计数据",
        "delivery_form": "纸质",
        "delivery_way": "自行领取",
        "status": "pending",
        "follow_up": ["申请已保存在本终端，将自动提交至办理机关。"],
    }


@pytest.fixture(scope="session")
def cups():
    """A private cupsd (own config, spool, port) for the whole session; queues are added per test."""
    if not cups_installed():
        pytest.skip("CUPS is not installed (make test installs it)")
    server = PrivateCups().start()
    yield server
    server.stop()


def page_texts(data: bytes) -> list[str]:
    """The text of each page as pypdfium2 extracts it (line ends normalised)."""
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def pdf_reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def decode_qr(data: bytes, page: int = 1, scale: float = 3) -> list[str]:
    """The QR codes found on a page rendered at `scale` × 72 dpi."""
    from pyzbar.pyzbar import ZBarSymbol, decode

    document = pdfium.PdfDocument(data)
    try:
        image = document[page - 1].render(scale=scale).to_pil()
    finally:
        document.close()
    return [symbol.data.decode("utf-8") for symbol in decode(image, symbols=[ZBarSymbol.QRCODE])]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
