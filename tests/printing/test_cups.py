"""The CUPS backend against a real cupsd started for the tests (its own config, spool and port)."""

import socket
import time

import pytest

from kiosk.errors import NotFound, Offline
from kiosk.printing.backends.base import COMPLETED, NEEDS_ATTENTION, READY, STOPPED, PrintJob, wait_for_job
from kiosk.printing.backends.cups import CupsPrinter, list_queues
from kiosk.printing.document import document_pdf
from tests.printing.conftest import PRINTED_AT, ZONE


@pytest.fixture(scope="module")
def job(demo_documents):
    doc = demo_documents["海政办发〔2019〕23号"]
    pdf = document_pdf(doc, zone_name=ZONE, printed_at=PRINTED_AT)
    return PrintJob(pdf, "document", doc["id"])


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_job_on_a_file_queue_completes_and_reaches_the_device(cups, job):
    out = cups.output / "a4.prn"
    cups.add_queue("a4file", f"file://{out}")
    printer = CupsPrinter("a4file", cups.server)
    assert printer.info().state == READY
    status = printer.submit(job)
    assert status.job_id.startswith("a4file-")
    final = wait_for_job(printer, status, timeout=60)
    assert final.state == COMPLETED, (final, cups.error_log()[-2000:])
    assert final.message_zh == "打印完成。"
    assert out.stat().st_size > 10_000  # PostScript from CUPS' filters, three pages of it
    assert out.read_bytes().count(b"%%Page:") == job.pdf.pages


def test_a_printer_out_of_paper_is_reported_in_chinese_and_the_job_stays_queued(cups, job):
    cups.add_queue("nopaper", "paperout:/tray")
    printer = CupsPrinter("nopaper", cups.server)
    status = wait_for_job(printer, printer.submit(job), timeout=30)
    assert status.state == STOPPED
    assert "media-empty-error" in status.reasons
    assert status.message_zh.startswith("打印机缺纸，请联系工作人员加纸。")
    assert status.job_id in status.message_zh  # the clerk can find the waiting job
    info = printer.info()
    assert info.state == NEEDS_ATTENTION and info.message_zh == "打印机缺纸，请联系工作人员加纸。"


def test_a_paused_queue_is_reported_as_needing_a_person(cups):
    cups.add_queue("paused", "file:/dev/null")
    cups.disable("paused", "maintenance")
    info = CupsPrinter("paused", cups.server).info()
    assert info.state == NEEDS_ATTENTION
    assert info.message_zh == "打印机已暂停使用，请联系工作人员。"
    assert "paused" in info.reasons


def test_an_unreachable_network_printer_is_reported_as_off_line(cups, job):
    cups.add_queue("gone", f"socket://127.0.0.1:{_closed_port()}")
    printer = CupsPrinter("gone", cups.server)
    status = wait_for_job(printer, printer.submit(job), timeout=40)
    assert status.state == STOPPED, status
    assert status.message_zh.startswith("打印机未连接或已关机，请联系工作人员。")


def test_an_unknown_queue_is_not_found(cups, job):
    with pytest.raises(NotFound) as caught:
        CupsPrinter("no-such-queue", cups.server).submit(job)
    assert "找不到打印机“no-such-queue”" in caught.value.message_zh


def test_a_scheduler_that_is_not_running_is_off_line(job):
    printer = CupsPrinter("test", f"127.0.0.1:{_closed_port()}")
    started = time.monotonic()
    with pytest.raises(Offline) as caught:
        printer.submit(job)
    assert caught.value.message_zh.startswith("打印服务未运行")
    with pytest.raises(Offline):
        list_queues(printer.server)
    assert time.monotonic() - started < 30


def test_over_the_domain_socket_status_falls_back_to_lpstat(cups, job):
    cups.add_queue("viasocket", "file:/dev/null")
    printer = CupsPrinter("viasocket", str(cups.socket))
    status = wait_for_job(printer, printer.submit(job), timeout=60)
    assert status.state == COMPLETED


def test_the_queues_are_listed(cups):
    cups.add_queue("listed", "file:/dev/null")
    assert "listed" in list_queues(cups.server)
