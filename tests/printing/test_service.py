import pytest

from kiosk.environment import Env
from kiosk.errors import ConfigError
from kiosk.printing.backends.base import PrinterProblem
from kiosk.printing.backends.cups import CupsPrinter
from kiosk.printing.backends.escpos import EscposPrinter
from kiosk.printing.backends.folder import FolderPrinter
from kiosk.printing.printers import open_printer, receipt_form
from kiosk.printing.printlog import read_print_log
from kiosk.printing.quota import PageQuota, QuotaExceeded
from kiosk.printing.service import print_document, print_receipt, printers_overview, save_document
from kiosk.sync.startup import open_catalog
from tests.printing.conftest import page_texts

HAICHENG = "d20c2ad00d9abcee"  # 海政办发〔2019〕23号 in the demo catalog, 3 pages
XINGLONGTAI = "dd7920bcdd5893f9"  # 兴政发〔2017〕24号, 7 pages


@pytest.fixture(autouse=True)
def _demo_catalog(env):
    """The terminal's start-up step (the app and the CLI do it): the demo catalog in a new home."""
    open_catalog(env)


def test_printer_specs_name_their_backend(env, tmp_path):
    assert isinstance(open_printer(env, "folder"), FolderPrinter)
    assert open_printer(env, "folder").directory == env.home / "prints"
    assert open_printer(env, f"folder:{tmp_path}").directory == tmp_path
    cups = open_printer(env, "cups:hall-a4@127.0.0.1:8631")
    assert isinstance(cups, CupsPrinter) and (cups.queue, cups.server) == ("hall-a4", "127.0.0.1:8631")
    assert open_printer(env, "hall-a4").queue == "hall-a4"  # a bare name is a CUPS queue
    thermal = open_printer(env, "escpos:/dev/usb/lp0")
    assert isinstance(thermal, EscposPrinter) and thermal.dots == 576
    assert receipt_form(env, thermal) == "thermal" and receipt_form(env, cups) == "a4"
    for bad in ("lpt1:", "cups:", "printer with spaces"):
        with pytest.raises(ConfigError):
            open_printer(env, bad)


def test_a_document_printed_to_the_folder_is_logged_by_id_and_pages(env):
    outcome = print_document(env, HAICHENG, printer="folder", pages="2-3")
    assert (outcome.pages, outcome.page_count, outcome.total_pages) == ("2-3", 2, 3)
    printed = env.print_dir / outcome.job.job_id
    assert len(page_texts(printed.read_bytes())) == 2
    (row,) = read_print_log(env)
    assert row["document_id"] == HAICHENG and row["pages"] == "2-3" and row["state"] == "completed"


def test_a_visit_quota_is_shared_by_its_print_jobs(env):
    quota = PageQuota(5)
    print_document(env, HAICHENG, printer="folder", quota=quota)
    assert quota.remaining == 2
    with pytest.raises(QuotaExceeded):
        print_document(env, HAICHENG, printer="folder", quota=quota)
    print_document(env, HAICHENG, printer="folder", pages="1-2", quota=quota)
    assert quota.remaining == 0
    assert len(read_print_log(env)) == 2  # the refused job never reached a printer


def test_the_config_quota_applies_when_the_caller_keeps_none(home):
    env = Env.load(home, environ={"KIOSK_PRINT_QUOTA_PAGES": "5"})
    with pytest.raises(QuotaExceeded) as caught:
        print_document(env, XINGLONGTAI, printer="folder")
    assert "本文件共 7 页，本次最多还可打印 5 页" in caught.value.message_zh
    assert print_document(env, XINGLONGTAI, printer="folder", confirmed=True).page_count == 7


def test_saving_a_document_is_not_paper_and_ignores_the_quota(home, tmp_path):
    env = Env.load(home, environ={"KIOSK_PRINT_QUOTA_PAGES": "1"})
    outcome = save_document(env, XINGLONGTAI, tmp_path / "out.pdf", large=True)
    assert outcome.output == str(tmp_path / "out.pdf") and outcome.page_count > 7


def test_a_receipt_on_a_thermal_printer_is_logged_without_any_personal_data(env, receipt_data, tmp_path):
    device = tmp_path / "lp0"
    device.touch()
    outcome = print_receipt(env, receipt_data, printer=f"escpos:{device}")
    assert outcome.extra == {"form": "thermal"} and outcome.job.state == "completed"
    assert device.stat().st_size > 10_000
    log_text = env.print_log.read_text(encoding="utf-8")
    for personal in ("GK20261123-0007", "张*", "2101**********123X", "138****5678", "年度报告"):
        assert personal not in log_text
    (row,) = read_print_log(env)
    assert row["kind"] == "receipt" and row["form"] == "thermal"


def test_a_printer_without_paper_raises_a_problem_the_screen_can_show_and_logs_it(env, cups, receipt_data):
    cups.add_queue("receipts-nopaper", "paperout:/tray")
    with pytest.raises(PrinterProblem) as caught:
        print_receipt(env, receipt_data, printer=f"cups:receipts-nopaper@{cups.server}", wait=30)
    assert caught.value.message_zh.startswith("打印机缺纸")
    assert caught.value.status.state == "stopped"
    assert read_print_log(env)[-1]["state"] == "stopped"


def test_the_printers_overview_shows_the_configured_printers_and_the_cups_queues(home, cups, monkeypatch):
    cups.add_queue("hall-a4", "file:/dev/null")
    monkeypatch.setenv("CUPS_SERVER", cups.server)
    env = Env.load(home, environ={"KIOSK_PRINTER_DOCUMENTS": "cups:hall-a4"})
    overview = printers_overview(env)
    assert overview["defaults"]["documents"]["state"] == "ready"
    assert overview["defaults"]["documents"]["spec"] == "cups:hall-a4"
    assert overview["defaults"]["receipts"]["kind"] == "folder"
    assert overview["cups"]["running"] is True
    assert "cups:hall-a4" in [queue["spec"] for queue in overview["cups"]["queues"]]


def test_a_200_page_document_asks_first_then_prints_whole_with_a_clerks_confirmation(env):
    from kiosk.catalog.document_record import DocumentRecord
    from kiosk.catalog.documents import upsert_documents
    from kiosk.sync.startup import open_catalog

    open_catalog(env)
    body = "\n".join(
        f"（{n}）按照政务公开标准化规范化要求，编制公开事项目录，明确公开主体、公开内容和公开时限。" * 3
        for n in range(3000)
    )
    upsert_documents(
        [DocumentRecord(id="long", title="政务公开事项标准目录（汇编）", doc_number="海政办发〔2026〕1号", body=body)]
    )
    with pytest.raises(QuotaExceeded) as caught:
        print_document(env, "long", printer="folder")
    assert caught.value.total >= 200
    outcome = print_document(env, "long", printer="folder", confirmed=True)
    assert outcome.page_count == outcome.total_pages >= 200
    texts = page_texts((env.print_dir / outcome.job.job_id).read_bytes())
    assert len(texts) == outcome.total_pages and f"第 {len(texts)} 页 共 {len(texts)} 页" in texts[-1]
