"""The receipt's rows: one list of labels and masked values that the printed receipt, the receipt
screen and read-aloud all show, so that none of them can word or mask a field differently."""

from datetime import datetime, timedelta, timezone

import pytest

from kiosk.applications.readaloud import UNSPOKEN, receipt_speech, spoken_name
from kiosk.applications.receipt import Row, receipt_data, receipt_rows, rows_text
from kiosk.applications.records import submit_application
from kiosk.config import load_config
from kiosk.environment import Env
from kiosk.printing.service import render_receipt
from tests.applications.samples import HAICHENG_1985, organization, person
from tests.printing.conftest import page_texts

RECEIVED = datetime(2026, 9, 28, 10, 2, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
def terminal(home) -> Env:
    config = load_config(None, {"KIOSK_OFFICE_NAME": "海城市人民政府办公室", "KIOSK_OFFICE_PHONE": "0412-1234567"})
    return Env(home=home, config=config, clock=lambda: RECEIVED)


def _stored(env: Env, values: dict) -> dict:
    return receipt_data(env, submit_application(env, values).tracking)


def _compact(text: str) -> str:
    return "".join(text.split())


def test_a_persons_receipt_has_one_labelled_row_per_field_with_personal_data_masked(terminal):
    data = _stored(terminal, person(delivery_form="electronic", delivery_way="email"))
    rows = {row.key: row for row in receipt_rows(data)}
    assert [(r.label, r.value) for r in rows.values()] == [
        ("查询号", rows["tracking"].value),
        ("办理状态", "已提交，正在发送至受理机关"),
        ("收到时间", "2026年9月28日 10:02"),
        ("答复期限", "2026年10月30日前"),
        ("如需延长", "最迟不超过2026年11月27日"),
        ("申请人类型", "公民"),
        ("申请人", "张*"),
        ("证件", f"居民身份证 {HAICHENG_1985[:4]}{'*' * 10}{HAICHENG_1985[-4:]}"),
        ("联系电话", "138****5678"),
        ("所需信息", "海城市2019年政务公开工作要点全文"),
        ("提供形式", "电子"),
        ("获取方式", "电子邮件"),
    ]
    assert rows["tracking"].value.replace("-", "") == data["tracking"]
    assert rows["tracking"].value.count("-") == 2  # grouped as the lookup screen asks for it


def test_a_paper_application_says_so_on_every_receipt_and_a_kiosk_one_does_not(terminal):
    paper = receipt_data(terminal, submit_application(terminal, person(), channel="paper").tracking)
    kiosk = _stored(terminal, person())
    assert [r.value for r in receipt_rows(paper) if r.key == "channel"] == ["纸质申请（工作人员代为录入）"]
    assert "申请方式：纸质申请（工作人员代为录入）" in rows_text(receipt_rows(paper))
    assert "申请方式" in _compact(" ".join(page_texts(render_receipt(terminal, paper).data)))
    assert "channel" not in [r.key for r in receipt_rows(kiosk)]


def test_rows_without_a_value_are_left_out():
    rows = receipt_rows({"tracking": "26092800420075", "received": "2026-09-28T10:02:00+08:00"})
    assert [row.key for row in rows] == ["tracking", "received"]


def test_a_due_date_past_the_published_holidays_is_marked_as_an_estimate():
    (due,) = [r for r in receipt_rows({"due": "2027-01-05", "calendar_complete": False}) if r.key == "due"]
    assert due == Row("due", "答复期限", "2027年1月5日前（预计）")


@pytest.mark.parametrize("values", [person(), organization()], ids=["person", "organization"])
def test_the_printed_receipt_the_screen_and_read_aloud_carry_the_same_labels_and_values(terminal, values):
    data = _stored(terminal, values)
    rows = receipt_rows(data)
    printed = _compact("".join(page_texts(render_receipt(terminal, data).data)))
    shown = rows_text(rows).splitlines()
    spoken = receipt_speech(data)
    for row in rows:
        if row.key == "tracking":  # printed and shown large under its label, not as a table row
            assert row.label in printed and row.value in printed
        else:
            assert _compact(f"{row.label}：{row.value}") in printed, row
        assert f"{row.label}：{row.value}" in shown
        if row.key not in UNSPOKEN:
            assert f"{row.label}：" in spoken, row
    assert f"申请人：{spoken_name(data['applicant_masked'])}。" in spoken
    assert "联系电话：" in printed and "联系方式" not in printed


def test_no_receipt_shows_or_speaks_the_unmasked_personal_data(terminal):
    data = _stored(terminal, person())
    printed = _compact("".join(page_texts(render_receipt(terminal, data).data)))
    everything = [printed, rows_text(receipt_rows(data)), receipt_speech(data)]
    for text in everything:
        assert HAICHENG_1985 not in text and "13812345678" not in text and "张三" not in text
    assert "5678" not in receipt_speech(data) and "*" not in receipt_speech(data)
