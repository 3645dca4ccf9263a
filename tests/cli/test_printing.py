import json

import pytest

from kiosk.applications.tracking import damm_digit
from tests.applications.samples import person
from tests.conftest import REPO
from tests.printing import conftest as printing
from tests.printing.conftest import decode_qr, page_texts

# The printing fixtures, here too: the private cupsd and the receipt data of the applications module.
cups = printing.cups
receipt_data = printing.receipt_data

HAICHENG = "d20c2ad00d9abcee"  # 海政办发〔2019〕23号, 3 pages
XINGLONGTAI = "dd7920bcdd5893f9"  # 兴政发〔2017〕24号, 7 pages


def test_print_document_out_writes_the_pdf_with_the_chosen_pages(cli, tmp_path):
    out = tmp_path / "doc.pdf"
    result = cli.json("print", "document", XINGLONGTAI, "--pages", "2-3,5", "--out", str(out))
    assert (result["pages"], result["page_count"], result["total_pages"]) == ("2-3,5", 3, 7)
    texts = page_texts(out.read_bytes())
    assert ["第 2 页 共 7 页" in texts[0], "第 3 页 共 7 页" in texts[1], "第 5 页 共 7 页" in texts[2]] == [True] * 3


def test_print_document_goes_to_the_configured_printer_and_the_log(cli, home):
    result = cli.json("print", "document", HAICHENG)
    assert result["printer"] == "folder" and result["job"]["state"] == "completed"
    assert (home / "prints" / result["job"]["job_id"]).exists()
    (row,) = cli.json("print", "log")
    assert (row["document_id"], row["pages"], row["page_count"]) == (HAICHENG, "1-3", 3)
    assert "第 1-3 页" in cli("print", "log").stdout


def test_a_document_longer_than_the_quota_asks_for_pages_or_a_clerk(cli, monkeypatch):
    monkeypatch.setenv("KIOSK_PRINT_QUOTA_PAGES", "5")
    result = cli("print", "document", XINGLONGTAI, expect=2)
    assert "本文件共 7 页，本次最多还可打印 5 页。请选择要打印的页码" in result.stderr
    assert cli.json("print", "document", XINGLONGTAI, "--pages", "1-5")["page_count"] == 5
    assert cli.json("print", "document", XINGLONGTAI, "--over-quota")["page_count"] == 7


def test_large_print_and_a_page_outside_the_document(cli, tmp_path):
    normal = cli.json("print", "document", HAICHENG, "--out", str(tmp_path / "n.pdf"))
    large = cli.json("print", "document", HAICHENG, "--large", "--out", str(tmp_path / "l.pdf"))
    assert large["total_pages"] > normal["total_pages"]
    result = cli("print", "document", HAICHENG, "--pages", "9", "--out", str(tmp_path / "x.pdf"), expect=2)
    assert "本文件共 3 页，没有第 9 页。" in result.stderr


def test_out_and_printer_exclude_each_other_and_unknown_documents_are_not_found(cli, tmp_path):
    cli("print", "document", HAICHENG, "--out", str(tmp_path / "a.pdf"), "--printer", "folder", expect=2)
    assert "找不到" in cli("print", "document", "nope", "--out", str(tmp_path / "a.pdf"), expect=4).stderr


def test_print_document_on_a_real_cups_queue_completes(cli, cups):
    cups.add_queue("cli-a4", "file:/dev/null")
    result = cli.json("print", "document", HAICHENG, "--pages", "1", "--printer", f"cups:cli-a4@{cups.server}")
    assert result["job"]["state"] == "completed" and result["job"]["job_id"].startswith("cli-a4-")


def test_a_cups_printer_without_paper_exits_off_line_with_the_reason(cli, cups):
    cups.add_queue("cli-nopaper", "paperout:/tray")
    result = cli(
        "print", "document", HAICHENG, "--printer", f"cups:cli-nopaper@{cups.server}", "--wait", "20", expect=3
    )
    assert "打印机缺纸，请联系工作人员加纸。" in result.stderr


@pytest.fixture
def tracking(cli, tmp_path):
    """A real application submitted on this terminal; its tracking number."""
    path = tmp_path / "application.json"
    path.write_text(json.dumps(person(), ensure_ascii=False), encoding="utf-8")
    return cli.json("applications", "submit", str(path))["tracking"]


def test_print_receipt_out_writes_an_a4_or_thermal_pdf(cli, tmp_path, tracking):
    out = tmp_path / "r.pdf"
    result = cli.json("print", "receipt", tracking, "--out", str(out))
    assert result["extra"] == {"form": "a4"}
    assert decode_qr(out.read_bytes()) == [tracking]
    result = cli.json("print", "receipt", tracking, "--out", str(out), "--form", "thermal")
    assert result["extra"] == {"form": "thermal"}


def test_print_receipt_goes_to_the_receipt_printer_and_logs_no_tracking_number(cli, home, tracking):
    result = cli.json("print", "receipt", tracking)
    assert result["job"]["state"] == "completed"
    assert tracking not in (home / "logs" / "prints.jsonl").read_text(encoding="utf-8")


def test_print_receipt_of_a_mistyped_or_unknown_tracking_number_says_so(cli):
    assert "核对" in cli("print", "receipt", "12345678901234", expect=2).stderr
    unknown = "2611239999001"
    assert cli("print", "receipt", f"{unknown}{damm_digit(unknown)}", expect=4).stderr


def test_printers_reports_the_printer_per_job_type(cli, monkeypatch):
    monkeypatch.setenv("CUPS_SERVER", "127.0.0.1:9")  # nothing listens there
    data = cli.json("printers")
    assert data["defaults"]["documents"]["spec"] == "folder" and data["defaults"]["documents"]["state"] == "ready"
    assert data["cups"]["running"] is False and data["cups"]["message_zh"].startswith("打印服务未运行")
    assert data["quota_pages"] == 50
    assert "按任务类型的打印机" in cli("printers").stdout


def test_print_preview_renders_a_page_to_png(cli, tmp_path):
    from PIL import Image

    result = cli.json("print", "preview", HAICHENG, "--page", "2", "--width", "400", "--out", str(tmp_path / "p.png"))
    assert result["pages"] == 3
    assert Image.open(tmp_path / "p.png").size[0] == 400


def test_the_printing_page_documents_every_printing_command_and_option(cli):
    section = (REPO / "docs" / "printing.md").read_text(encoding="utf-8")
    for command, options in {
        ("print", "document"): ["--pages", "--large", "--out", "--printer", "--over-quota", "--wait", "--json"],
        ("print", "receipt"): ["--out", "--printer", "--form", "--wait", "--json"],
        ("print", "preview"): ["--page", "--width", "--large", "--out"],
        ("print", "log"): ["--limit", "--json"],
        ("printers",): ["--json"],
    }.items():
        help_text = cli(*command, "--help").stdout
        assert f"kiosk {' '.join(command)}" in section
        for option in options:
            assert option in help_text and option in section, (command, option)
    for key in (
        "printer_documents",
        "printer_receipts",
        "print_folder",
        "print_quota_pages",
        "receipt_form",
        "escpos_profile",
    ):
        assert key in section
