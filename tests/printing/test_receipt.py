from datetime import datetime

import pytest
from reportlab.lib.units import mm

from kiosk.applications.receipt import due_zh
from kiosk.printing.receipt import Office, receipt_pdf
from tests.printing.conftest import decode_qr, page_texts, pdf_reader

OFFICE = Office("海城市政务服务中心 政务公开专区", "海城市人民政府办公室", "0412-1234567", "海城市政务服务中心一楼")
PRINTED = datetime(2026, 11, 23, 10, 3)


def _text(pdf) -> str:
    """All text without white space (extraction puts spaces between table cells, line breaks drop them)."""
    return "".join("".join(page_texts(pdf.data)).split())


@pytest.mark.parametrize("form", ["a4", "thermal"])
def test_the_receipt_shows_tracking_masked_applicant_dates_next_steps_and_office(receipt_data, form):
    pdf = receipt_pdf(receipt_data, OFFICE, printed_at=PRINTED, form=form)
    assert pdf.pages == 1
    text = _text(pdf)
    for expected in (
        "政府信息公开申请回执",
        "GK20261123-0007",
        "张*",
        "证件：居民身份证2101**********123X",
        "联系电话：138****5678",
        "提供形式：纸质",
        "获取方式：自行领取",
        "2026年11月23日10:02",
        "2026年12月21日前",
        "申请已保存在本终端，将自动提交至办理机关。",
        "申请进度查询",
        "致电0412-1234567查询",
        "海城市人民政府办公室",
        "海城市政务服务中心一楼",
        "办理状态：已提交，正在发送至受理机关",
        "如需延长：最迟不超过2027年1月20日",
    ):
        assert expected in text, expected
    assert "预计" not in text


@pytest.mark.parametrize("form", ["a4", "thermal"])
def test_the_tracking_number_qr_code_reads_back(receipt_data, form):
    pdf = receipt_pdf(receipt_data, OFFICE, printed_at=PRINTED, form=form)
    assert decode_qr(pdf.data) == ["GK20261123-0007"]


def test_the_a4_receipt_also_carries_a_barcode_of_the_tracking_number(receipt_data):
    import pypdfium2 as pdfium
    from pyzbar.pyzbar import ZBarSymbol, decode

    pdf = receipt_pdf(receipt_data, OFFICE, printed_at=PRINTED, form="a4")
    image = pdfium.PdfDocument(pdf.data)[0].render(scale=3).to_pil()
    assert [s.data.decode() for s in decode(image, symbols=[ZBarSymbol.CODE128])] == ["GK20261123-0007"]


def test_the_due_date_is_marked_estimated_while_the_holiday_calendar_is_incomplete(receipt_data):
    receipt_data["calendar_complete"] = False
    assert due_zh(receipt_data) == "2026年12月21日前（预计）"
    text = _text(receipt_pdf(receipt_data, OFFICE, printed_at=PRINTED, form="thermal"))
    assert "2026年12月21日前（预计）" in text
    assert "节假日安排尚未公布" in text


def test_the_thermal_receipt_is_an_80mm_strip_on_one_page_however_long_the_description(receipt_data):
    receipt_data["description"] = (
        "关于本市2019年至2025年各年度政府信息公开工作年度报告所列依申请公开办理情况的原始统计台账。" * 12
    )
    pdf = receipt_pdf(receipt_data, OFFICE, printed_at=PRINTED, form="thermal")
    (page,) = pdf_reader(pdf.data).pages
    assert float(page.mediabox.width) == pytest.approx(80 * mm)
    assert float(page.mediabox.height) > 300 * mm
    assert pdf.pages == 1


def test_a_receipt_without_optional_fields_still_lays_out(receipt_data):
    minimal = {"tracking": receipt_data["tracking"], "received": receipt_data["received"]}
    office = Office("政务公开专区", "本级人民政府办公室", "", "")
    text = _text(receipt_pdf(minimal, office, printed_at=PRINTED, form="thermal"))
    assert "GK20261123-0007" in text and "本级人民政府办公室将在答复期限内" in text and "致电" not in text


def test_a_status_the_layout_does_not_know_is_shown_as_given(receipt_data):
    receipt_data["status"] = "已转交"
    assert "办理状态：已转交" in _text(receipt_pdf(receipt_data, OFFICE, printed_at=PRINTED, form="a4"))


def test_the_printed_receipt_labels_the_phone_as_the_screen_does(home):
    """The printed receipt said 联系方式 where the screen said 联系电话 for the same masked number."""
    from datetime import timedelta, timezone

    from kiosk.applications.receipt import receipt_data as stored_receipt
    from kiosk.applications.records import submit_application
    from kiosk.environment import Env
    from kiosk.printing.service import render_receipt
    from tests.applications.samples import person

    env = Env.load(home, environ={})
    env = Env(
        home=home, config=env.config, clock=lambda: datetime(2026, 9, 28, 10, tzinfo=timezone(timedelta(hours=8)))
    )
    data = stored_receipt(env, submit_application(env, person()).tracking)
    assert "联系电话：138****5678" in _text(render_receipt(env, data))
