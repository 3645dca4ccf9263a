"""Staff mode in the real app on a virtual X screen: the corner hold, the PIN pad and its lockout,
every staff screen against real parts (the application store, the folder printer read back, a signed
feed in a folder), the paper form, the idle reset and 退出自助模式. One app start (~60 s)."""

import re
import shutil
from datetime import UTC, datetime, timedelta

import pypdfium2
import pytest

from kiosk.applications.records import list_applications, submit_application
from kiosk.environment import Env
from kiosk.staff.pin import set_pin
from tests.applications.samples import HAICHENG_1985, person
from tests.sync.feedkit import FeedBuilder, make_doc, make_keys
from tests.ui.harness import run_scenario

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")


@pytest.fixture(scope="module")
def visit(tmp_path_factory):
    base = tmp_path_factory.mktemp("staff")
    home = base / "home"
    home.mkdir()
    key = make_keys(base / "keys")
    office = FeedBuilder(base / "office", key)
    office.put(*(make_doc(n) for n in range(150)))
    office.publish(now=datetime.now(UTC) - timedelta(hours=1))
    receipts = base / "receipts"
    (home / "kiosk.toml").write_text(
        f'printer_receipts = "folder:{receipts}"\n'
        f'sync_source = "{office.feed}"\ntrusted_keys = ["{key.with_name("feed.pub")}"]\n'
        "sync_interval_minutes = 0\n",  # only the clerk's 立即同步 syncs in this visit
        encoding="utf-8",
    )
    env = Env.load(home)
    set_pin(env, "428613")
    submit_application(env, person())
    results = run_scenario(
        home, "staff_mode_from_the_corner_to_every_staff_screen", base / "out.json", timeout=240, window=(1920, 1080)
    )
    assert "error" not in results, results.get("error")
    return {"home": home, "receipts": receipts, "results": results}


def test_a_short_tap_or_a_slide_away_from_the_corner_does_nothing(visit):
    r = visit["results"]
    assert r["after_short_tap"] == "home" and r["after_slide"] == "home"


def test_holding_the_corner_five_seconds_opens_the_pin_pad(visit):
    r = visit["results"]
    assert 5.0 <= r["held_seconds"] < 7.5
    assert r["pin_screen"] == ["staff_pin", "工作人员登录", "请输入工作人员密码"]
    assert r["dots"] == "●●●●●●"


def test_a_wrong_pin_says_how_many_tries_are_left_and_five_lock(visit):
    r = visit["results"]
    assert r["wrong"] == "密码错误，还可尝试 4 次。"
    assert r["lockout"][:4] == [f"密码错误，还可尝试 {n} 次。" for n in (4, 3, 2, 1)]
    assert r["lockout"][4] == "已锁定，请 5 分钟后再试。"


def test_the_right_pin_opens_the_staff_home_marked_on_every_header(visit):
    r = visit["results"]
    assert r["mark"] == ["工作人员模式", 1, True, True]
    assert r["queue_mark"] == "工作人员模式"


def test_the_queue_is_masked_and_shows_delivery(visit):
    message, rows = visit["results"]["queue"]
    assert message.startswith("共 1 份")
    (heading, detail, delivery), *_ = rows
    assert "张*" in heading and "自助终端" in heading and "张三" not in heading
    assert HAICHENG_1985 not in detail and HAICHENG_1985[-4:] in detail
    assert delivery == "等待发送"


def test_a_receipt_reprinted_from_the_queue_reads_back_as_a_pdf(visit):
    shown, message = visit["results"]["reprint"]
    assert message.startswith("回执已保存")
    (pdf,) = [p for p in visit["receipts"].glob("*receipt*.pdf") if "test-page" not in p.name]
    document = pypdfium2.PdfDocument(pdf.read_bytes())
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "张*" in text and "张三" not in text
    assert shown.replace("-", "") in text.replace("-", "").replace(" ", "")


def test_a_forced_sync_shows_progress_and_its_outcome_without_blocking(visit):
    r = visit["results"]
    sync = r["sync"]
    assert sync["ok"] and sync["outcome"].startswith("同步完成：目录已更新到第")
    steps = [re.search(r"：(\d+) / (\d+)$", phase) for phase in sync["seen"]]
    counts = [(int(m[1]), int(m[2])) for m in steps if m]
    assert any(0 < done < total for done, total in counts), sync["seen"]  # the bar part-way
    assert len(set(sync["seen"])) > 3  # each step reached the screen through the main loop, as it happened
    assert r["sync_bar"][0] == r["sync_bar"][1]
    assert r["last_sync"] == sync["outcome"]
    assert sync["outcome"] in r["staff_home_sync_line"]


def test_the_printers_show_their_state_and_a_test_page_prints(visit):
    r = visit["results"]
    assert r["printers"][0][0] == "文件打印：就绪" and r["printers"][1][0] == "回执打印：就绪"
    assert r["test_page"] == "回执打印测试页已打印。"
    assert list(visit["receipts"].glob("*test-page*.pdf"))


def test_deliver_now_says_what_is_missing(visit):
    assert "central_url" in visit["results"]["outbox"]


def test_a_paper_application_is_entered_through_the_form_and_stored_as_paper(visit):
    r = visit["results"]
    assert r["paper_title"].startswith("纸质申请录入：")
    assert r["paper_done"].startswith("纸质申请已录入，查询号 ")
    env = Env.load(visit["home"])
    assert sorted(a.channel for a in list_applications(env)) == ["kiosk", "paper"]


def test_the_idle_reset_ends_staff_mode(visit):
    assert visit["results"]["after_idle"] == ["home", False, True]


def test_leaving_kiosk_mode_asks_the_pin_again_and_stops_with_its_own_status(visit):
    r = visit["results"]
    assert r["leave_prompt"][0] == "退出自助模式"
    assert r["left"] == [[80], False, "home"]
