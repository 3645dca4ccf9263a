"""What a clerk does in staff mode, against the real parts: the application store in tmp_path, the
folder printer read back as PDF, a real intake server, a real signed feed in a folder."""

import json
import shutil
import time
from datetime import date, datetime

import pypdfium2
import pytest

from kiosk.applications.models import Outbox
from kiosk.applications.outbox import deliver_outbox
from kiosk.applications.records import get_application, submit_application
from kiosk.applications.tracking import make_tracking
from kiosk.central import intake
from kiosk.central.intake_models import IntakeApplication
from kiosk.config import load_config
from kiosk.environment import Env
from kiosk.errors import BadInput, NotFound
from kiosk.staff.paper import paper_submitter
from kiosk.staff.queue import application_queue, held_reason_zh, queue_line_zh, reprint_receipt
from kiosk.staff.tasks import deliver_now, phase_zh, print_test_page, printer_states, sync_now
from tests.applications.samples import HAICHENG_1985, person
from tests.applications.test_outbox import Clock, answering, central, terminal_env  # noqa: F401  (fixture)
from tests.sync.feedkit import NOW, FeedBuilder, make_doc, make_keys


def pdf_text(path) -> str:
    pdf = pypdfium2.PdfDocument(path.read_bytes())
    return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


@pytest.fixture
def prints(tmp_path):
    return tmp_path / "prints"


@pytest.fixture
def terminal(home, prints):
    environ = {"KIOSK_PRINTER_RECEIPTS": f"folder:{prints / 'receipts'}", "KIOSK_PRINT_FOLDER": str(prints / "docs")}
    return Env(home=home, config=load_config(None, environ), clock=Clock())


def test_the_queue_shows_applications_masked_with_their_delivery_state(terminal):
    kiosk_app = submit_application(terminal, person())
    paper_app = submit_application(terminal, person(name="欧阳娜娜"), channel="paper")
    rows = application_queue(terminal)
    assert [r["tracking"] for r in rows] == [paper_app.tracking, kiosk_app.tracking]
    text = json.dumps(rows, ensure_ascii=False)
    for secret in ("张三", "欧阳娜娜", HAICHENG_1985, "13812345678"):
        assert secret not in text
    assert rows[0]["applicant_masked"] == "欧***" and rows[1]["applicant_masked"] == "张*"
    assert rows[1]["id_masked"] == HAICHENG_1985[:4] + "*" * 10 + HAICHENG_1985[-4:]
    assert [r["channel_zh"] for r in rows] == ["纸质申请", "自助终端"]
    assert {r["delivery_zh"] for r in rows} == {"等待发送"}
    assert queue_line_zh(rows[0]) == "等待发送"


def test_the_queue_shows_the_next_retry_and_the_reason_a_refusal_was_held(tmp_path, home):
    with answering(503) as url:
        env = terminal_env(home, url, "token")
        waiting = submit_application(env, person())
        deliver_outbox(env)
    body = {"error": {"code": "invalid"}, "errors": [{"field": "application.phone"}]}
    with answering(422, body) as url:
        env = terminal_env(home, url, "token")
        Outbox.update(next_attempt=0).execute()
        held = submit_application(env, person(name="李四"))
        Outbox.update(next_attempt=time.time() + 3600).where(Outbox.application == waiting.tracking).execute()
        deliver_outbox(env)
    rows = {r["tracking"]: r for r in application_queue(env)}
    assert rows[held.tracking]["delivery"] == "held"
    assert rows[held.tracking]["held_reason_zh"] == "中心校验未通过：联系电话"
    assert queue_line_zh(rows[held.tracking]) == "发送受阻：中心校验未通过：联系电话"
    pending = rows[waiting.tracking]
    assert pending["delivery"] == "pending" and pending["attempts"] == 1
    assert datetime.fromisoformat(pending["next_retry"]) > datetime.now().astimezone()
    assert "已尝试 1 次（中心暂时无法访问）" in queue_line_zh(pending)


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("tracking_range", "号段"),
        ("http_500: failed 8 times", "多次处理失败"),
        ("http_418", "中心拒收（418）"),
        ("something_new", "中心拒收（something_new）"),
    ],
)
def test_every_held_reason_reads_as_chinese(reason, shown):
    assert shown in held_reason_zh(reason)


def test_a_receipt_is_reprinted_by_its_tracking_number_and_reads_back_masked(terminal, prints):
    app = submit_application(terminal, person())
    outcome = reprint_receipt(terminal, app.tracking)
    assert outcome.kind == "receipt" and outcome.job.state == "completed"
    (pdf,) = (prints / "receipts").glob("*.pdf")
    text = pdf_text(pdf)
    assert app.tracking[:4] in text.replace("-", "").replace(" ", "")
    assert "张*" in text and "张三" not in text and HAICHENG_1985 not in text


def test_a_reprint_of_a_wrong_number_says_so_and_prints_nothing(terminal, prints):
    submit_application(terminal, person())
    with pytest.raises(BadInput):
        reprint_receipt(terminal, "123")
    with pytest.raises(NotFound):
        reprint_receipt(terminal, make_tracking(date(2026, 9, 28), "9999", 9999))
    assert not (prints / "receipts").exists() or not list((prints / "receipts").glob("*.pdf"))


def test_a_paper_application_reaches_a_real_intake_and_is_stored_as_paper(home, central):  # noqa: F811
    token = central.add_terminal("hall-1")
    env = terminal_env(home, central.url, token)
    receipt = paper_submitter(env)(person())
    kiosk_app = submit_application(env, person(name="王五"))
    assert get_application(env, receipt["tracking"]).channel == "paper"
    outcome = deliver_now(env)
    assert outcome.ok and outcome.message_zh == "送达 2 份，没有待发送的申请。"
    stored = {a.tracking: a.channel for a in IntakeApplication.select()}
    assert stored == {receipt["tracking"]: "paper", kiosk_app.tracking: "kiosk"}
    rows = {r["tracking"]: r for r in intake.list_applications()}
    assert rows[receipt["tracking"]]["channel_zh"] == "纸质申请"


def test_deliver_now_says_when_central_cannot_be_reached(home):
    with answering(503) as url:
        env = terminal_env(home, url, "token")
        submit_application(env, person())
        outcome = deliver_now(env)
    assert not outcome.ok
    assert outcome.message_zh == "中心暂时无法访问，稍后自动重试，待发送 1 份。"


def test_deliver_now_without_central_configured_says_what_is_missing(terminal):
    outcome = deliver_now(terminal)
    assert not outcome.ok and "central_url" in outcome.message_zh


def test_the_printers_are_listed_per_job_type(terminal, prints):
    states = printer_states(terminal)
    assert [(s["job_kind_zh"], s["state_zh"]) for s in states] == [("文件打印", "就绪"), ("回执打印", "就绪")]
    assert states[1]["spec"] == f"folder:{prints / 'receipts'}"


def test_a_misconfigured_printer_is_listed_as_unusable_with_its_reason(home):
    env = Env(home=home, config=load_config(None, {"KIOSK_PRINTER_DOCUMENTS": "nonsense:?"}))
    document = printer_states(env)[0]
    assert document["state_zh"] == "无法使用" and "无法识别" in document["message_zh"]


@pytest.mark.parametrize(("kind", "folder"), [("receipts", "receipts"), ("documents", "docs")])
def test_a_test_page_goes_through_the_printer_of_its_job_type_and_reads_back(terminal, prints, kind, folder):
    outcome = print_test_page(terminal, kind)
    assert outcome.ok, outcome.message_en
    (pdf,) = (prints / folder).glob("*test-page*.pdf")
    text = pdf_text(pdf)
    assert "打印测试页" in text and "政务公开专区" in text and "0123456789" in text
    log = [json.loads(line) for line in terminal.print_log.read_text(encoding="utf-8").splitlines()]
    assert log[-1]["kind"] == "test" and log[-1]["state"] == "completed"


def test_a_test_page_that_cannot_be_written_says_why(home, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    env = Env(home=home, config=load_config(None, {"KIOSK_PRINTER_RECEIPTS": f"folder:{blocked / 'sub'}"}))
    outcome = print_test_page(env, "receipts")
    assert not outcome.ok and outcome.message_zh.startswith("测试页未能打印：")


@pytest.fixture
def feed(tmp_path):
    key = make_keys(tmp_path / "keys")
    office = FeedBuilder(tmp_path / "office", key)
    office.put(*(make_doc(n) for n in range(4)))
    office.publish(now=NOW)
    return office, key.with_name("feed.pub")


def test_a_forced_sync_reports_progress_and_says_what_changed(home, feed):
    office, public = feed
    environ = {"KIOSK_SYNC_SOURCE": str(office.feed), "KIOSK_TRUSTED_KEYS": str(public)}
    env = Env(home=home, config=load_config(None, environ), clock=lambda: NOW)
    seen = []
    outcome = sync_now(env, lambda phase, done, total: seen.append((phase, done, total)))
    assert outcome.ok and outcome.message_zh.startswith("同步完成：目录已更新到第 ")
    assert "新增 4" in outcome.message_zh
    phases = [p for p, _, _ in seen]
    assert "documents" in phases and phase_zh("documents") == "下载文件"
    assert any(done == total for _, done, total in seen)
    again = sync_now(env)
    assert again.ok and "已是最新" in again.message_zh


def test_a_forced_sync_that_fails_keeps_the_catalog_and_says_why(home, feed, tmp_path):
    office, _public = feed
    stranger = make_keys(tmp_path / "other").with_name("feed.pub")
    environ = {"KIOSK_SYNC_SOURCE": str(office.feed), "KIOSK_TRUSTED_KEYS": str(stranger)}
    env = Env(home=home, config=load_config(None, environ), clock=lambda: NOW)
    outcome = sync_now(env)
    assert not outcome.ok and outcome.message_zh.startswith("同步失败：")
    shutil.rmtree(office.feed)
    assert not sync_now(env).ok
