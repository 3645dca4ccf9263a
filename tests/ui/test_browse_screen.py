"""分类浏览 and 政策解读 in the real app: a document reached with touches only, a 解读 and its policy."""

import shutil
from datetime import date

import pytest

from kiosk.catalog.document_record import DocumentRecord
from kiosk.catalog.documents import upsert_documents
from kiosk.sync.startup import open_catalog
from tests.ui.search_harness import run_search_scenario

KIOSK_WINDOW = (1920, 1080)  # a landscape kiosk panel

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")

POLICY = DocumentRecord(
    id="policy-1",
    title="临江市人民政府关于印发《临江市老旧小区改造实施办法》的通知",
    doc_number="临政发〔2025〕8号",
    issuer="临江市人民政府",
    issued=date(2025, 6, 1),
    category="城乡建设、环境保护",
    body="各区人民政府：现将《临江市老旧小区改造实施办法》印发给你们，请认真贯彻执行。",
)
INTERPRETATION = DocumentRecord(
    id="jiedu-1",
    title="解读《临江市老旧小区改造实施办法》",
    issuer="临江市人民政府",
    issued=date(2025, 6, 3),
    category="政策解读",
    body="近日，《临江市老旧小区改造实施办法》（临政发〔2025〕8号）印发。现解读如下。",
)


def run(home, name, tmp_path):
    results = run_search_scenario(home, name, tmp_path / "out.json", window=KIOSK_WINDOW)
    assert "error" not in results, results.get("error")
    assert "timeouts" not in results, results["timeouts"]
    return results


def test_browse_by_year_to_a_document_without_the_keyboard(home, tmp_path):
    r = run(home, "browse_to_a_document_without_the_keyboard", tmp_path)
    assert sum(count for _, count in r["categories"]) == 5  # the demo catalog
    years = [label for label, _ in r["years"]]
    assert years == sorted(years, reverse=True)
    label, count = r["group"]
    assert label == years[0] and len(r["documents"]) == count and r["page_text"] == "第 1 / 1 页"
    assert r["reader_title"] == r["tapped"]
    assert r["after_back"] == ["browse", "", len(r["years"])]
    assert not r["keyboard_ever"]


def test_an_interpretation_shows_its_policy_and_opens_either(env, tmp_path):
    db = open_catalog(env)
    upsert_documents([POLICY, INTERPRETATION])
    db.close()
    r = run(env.home, "an_interpretation_opens_its_policy", tmp_path)
    assert (INTERPRETATION.title, POLICY.title, POLICY.id) in [tuple(row) for row in r["rows"]]
    assert r["policy_title"] == r["expected_policy"]
    assert r["interpretation_title"] == r["expected_interpretation"]
