"""The application form, the receipt and 查询申请 in the real app, driven by touches on a virtual X screen.

One resident's whole visit runs once (one app start, ~15 s); each test reads the part it specifies."""

import json
import shutil
from pathlib import Path

import pypdfium2
import pytest

from kiosk.applications.records import get_application, personal_data
from kiosk.environment import Env
from tests.applications.samples import HAICHENG_1985
from tests.ime.conftest import built_lexicon  # noqa: F401  (the session lexicon)
from tests.ui.harness import run_scenario

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")


@pytest.fixture(scope="module")
def visit(tmp_path_factory, built_lexicon):  # noqa: F811
    base = tmp_path_factory.mktemp("apply")
    home = base / "home"
    home.mkdir()
    shutil.copy(built_lexicon, home / built_lexicon.name)  # the input method loads at once
    receipts = base / "receipts"
    (home / "kiosk.toml").write_text(f'printer_receipts = "folder:{receipts}"\n', encoding="utf-8")
    results = run_scenario(home, "application_submitted_read_aloud_printed_and_looked_up", base / "out.json")
    assert "error" not in results, results.get("error")
    return {"home": home, "receipts": receipts, "results": results}


def test_the_home_buttons_open_a_form_at_its_first_step(visit):
    r = visit["results"]
    assert r["opened"] == ["apply", "申请人类型", "第 1 步 / 共 8 步", True]  # 上一步 disabled on step 1
    assert r["unchosen"] == ["applicant_type", {"applicant_type": "申请人类型：请点选一项。"}]
    assert r["identity"] == ["identity", "第 2 步 / 共 8 步", ["id_number", "id_type", "name"]]


def test_the_id_number_is_typed_on_the_digit_pad_and_a_wrong_check_digit_does_not_advance(visit):
    r = visit["results"]
    assert r["id_pad"] == [True, True, sorted("0123456789X")]
    assert r["typed_wrong"] != HAICHENG_1985 and len(r["typed_wrong"]) == 18
    step, errors, notice = r["bad_id"]
    assert step == "identity"
    assert "校验" in errors["id_number"] and errors["id_number"].startswith("证件号码：")
    assert notice == "请按提示修改后继续。"
    assert r["nav_while_typing"] == 0  # 上一步 / 下一步 fold away while the pad is up
    assert r["contact"][0] == "contact"


def test_the_precheck_offers_the_disclosed_document_and_the_reader_returns_to_the_form(visit):
    r = visit["results"]
    showing, title, matches, progress = r["matches"]
    assert showing and title == "这些文件可能已经公开" and progress == "第 4 步 / 共 8 步"
    assert matches and "政务公开" in matches[0]
    assert r["reader"] == ["reader", matches[0]]
    assert r["back_from_reader"] == ["apply", True]


def test_going_back_keeps_everything_typed(visit):
    r = visit["results"]
    assert r["back_keeps"] == ["information", "海城市2019年政务公开工作要点全文", "海政办发〔2019〕23号"]
    assert r["identity_again"] == ["identity", "张三", HAICHENG_1985, ["resident_id"]]
    assert r["reason"] == "reason"


def test_the_review_shows_personal_data_masked(visit):
    step, rows = visit["results"]["review"]
    assert step == "review"
    assert rows["姓名"] == "张*"
    assert rows["证件号码"] == HAICHENG_1985[:4] + "*" * 10 + HAICHENG_1985[-4:]
    assert rows["联系电话"] == "138****5678"
    assert "中街" not in rows["通信地址"]
    assert HAICHENG_1985 not in json.dumps(rows, ensure_ascii=False)


def test_submitting_needs_the_consent_and_writes_a_real_application(visit):
    r = visit["results"]
    assert r["consent_page"] == ["consent", "提交申请"]
    assert r["no_consent"][0] == "consent" and r["no_consent"][2] == "apply"
    receipt = r["receipt"]
    assert receipt["current"] == "receipt" and receipt["form_cleared"]
    tracking = receipt["tracking"].replace("-", "")
    env = Env.load(visit["home"], environ={})
    stored = personal_data(env, get_application(env, tracking))
    assert stored["name"] == "张三" and stored["id_number"] == HAICHENG_1985
    assert stored["description"] == "海城市2019年政务公开工作要点全文"
    assert stored["delivery_form"] == "paper" and stored["delivery_way"] == "pickup" and stored["consent"] is True


def test_choosing_paper_withdraws_the_e_mail_delivery_it_cannot_have(visit):
    assert visit["results"]["paper_ways"] == [sorted(["pickup", "post", "onsite"]), []]


def test_the_receipt_shows_the_tracking_number_status_and_masked_applicant(visit):
    receipt = visit["results"]["receipt"]
    assert len(receipt["tracking"].replace("-", "")) == 14
    assert receipt["status"] == "已提交，正在发送至受理机关"
    assert "申请人：张*" in receipt["details"]
    assert HAICHENG_1985 not in receipt["details"] and "13812345678" not in receipt["details"]


def test_read_aloud_starts_the_speaker_and_the_same_button_stops_it(visit):
    r = visit["results"]
    assert r["button_before"] == "朗读"
    assert r["reading"] == [True, True, "■ 停止"]
    assert r["stopped"] == [False, False, "朗读"]


def test_print_receipt_writes_a_pdf_with_the_tracking_number(visit):
    r = visit["results"]
    assert r["while_printing"] == [True, True]  # the button cannot print twice
    assert r["printed"].startswith("回执已保存")
    pdfs = sorted(Path(visit["receipts"]).glob("*.pdf"))
    assert len(pdfs) == 1
    pdf = pypdfium2.PdfDocument(pdfs[0])
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert r["receipt"]["tracking"].replace("-", "") in text.replace("-", "")
    assert HAICHENG_1985 not in text
    assert r["after_done"] == ["home", ""]


def test_a_printer_that_cannot_take_the_receipt_says_so_in_chinese(visit):
    current, message, disabled = visit["results"]["print_failed"]
    assert current == "receipt" and not disabled
    assert message == "无法保存打印文件，请联系工作人员。"


def test_lookup_explains_a_wrong_check_digit_and_finds_the_right_number(visit):
    r = visit["results"]
    assert r["lookup_pad"] == [True, True]
    assert r["typo"] == ["lookup", "查询号有误：可能有一位数字输错或相邻两位颠倒，请对照回执重新输入。"]
    assert r["looked_up"] == ["receipt", r["receipt"]["tracking"], "已提交，正在发送至受理机关", "申请查询结果"]


def test_an_organization_names_a_contact_person_and_identifies_by_its_credit_code(visit):
    fields, name_label, id_types, kinds = visit["results"]["organization"]
    assert fields == ["contact_person", "id_number", "id_type", "name", "organization_kind"]
    # The annual report counts organisations in five columns, so the form asks which one it is.
    assert kinds == sorted(["business", "research", "public_welfare", "legal_service", "other"])
    assert name_label == "单位名称"
    assert id_types == [["uscc", "down"]]


def test_an_idle_screen_and_a_confirmed_cancel_clear_the_form(visit):
    r = visit["results"]
    assert r["idle"] == ["home", True, 0, ""]  # the home search words go too
    assert r["cancel_once"] == ["apply", "再点一次放弃申请"]
    assert r["cancel_twice"] == ["home", True]
