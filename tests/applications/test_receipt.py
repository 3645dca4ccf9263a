import io
from datetime import datetime, timedelta, timezone

import pytest

from kiosk.applications.receipt import receipt_data
from kiosk.applications.records import submit_application
from kiosk.config import load_config
from kiosk.environment import Env
from kiosk.errors import NotFound
from tests.applications.samples import HAICHENG_1985, person

RECEIPT_KEYS = {
    "tracking",
    "received",
    "channel",  # kiosk or paper: how it came, no personal data
    "due",
    "extended_due",
    "calendar_complete",
    "applicant_type",
    "applicant_masked",
    "id_type",
    "id_masked",
    "contact_masked",
    "description",
    "delivery_form",
    "delivery_way",
    "status",
    "follow_up",
}


def terminal(home, when: datetime) -> Env:
    config = load_config(None, {"KIOSK_OFFICE_NAME": "海城市人民政府办公室", "KIOSK_OFFICE_PHONE": "0412-1234567"})
    return Env(home=home, config=config, clock=lambda: when)


def test_receipt_has_exactly_the_agreed_keys_with_personal_data_masked(home):
    env = terminal(home, datetime(2026, 9, 28, 10, tzinfo=timezone(timedelta(hours=8))))
    tracking = submit_application(env, person(description="海城市" + "政务公开" * 100)).tracking
    data = receipt_data(env, tracking)
    assert set(data) == RECEIPT_KEYS
    assert data["applicant_masked"] == "张*" and data["contact_masked"] == "138****5678"
    assert data["id_masked"] == HAICHENG_1985[:4] + "**********" + HAICHENG_1985[-4:]
    assert len(data["description"]) <= 200
    assert (data["due"], data["extended_due"], data["calendar_complete"]) == ("2026-10-30", "2026-11-27", True)
    assert "0412-1234567" in data["follow_up"] and "海城市人民政府办公室" in data["follow_up"]
    assert "预计" not in data["follow_up"]
    assert (data["applicant_type"], data["id_type"], data["delivery_way"]) == ("公民", "居民身份证", "当面领取")
    assert (data["status"], data["channel"]) == ("pending", "kiosk")


def test_the_printed_receipt_shows_only_masked_personal_data(home):
    from pypdf import PdfReader

    from kiosk.printing.service import load_receipt_data, render_receipt

    env = terminal(home, datetime(2026, 9, 28, 10, tzinfo=timezone(timedelta(hours=8))))
    tracking = submit_application(env, person()).tracking
    pdf = render_receipt(env, load_receipt_data(env, tracking))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "张*" in text and "138****5678" in text
    assert HAICHENG_1985 not in text and "13812345678" not in text and "张三" not in text


def test_a_receipt_reaching_into_an_unknown_year_says_the_dates_are_provisional(home):
    env = terminal(home, datetime(2026, 12, 10, 10, tzinfo=timezone(timedelta(hours=8))))
    data = receipt_data(env, submit_application(env, person()).tracking)
    assert data["calendar_complete"] is False and "预计" in data["follow_up"]


def test_unknown_tracking_number_is_not_found(home):
    env = terminal(home, datetime(2026, 9, 28, 10, tzinfo=timezone(timedelta(hours=8))))
    submit_application(env, person())
    with pytest.raises(NotFound):
        receipt_data(env, _valid_unknown())


def _valid_unknown() -> str:
    from kiosk.applications.tracking import damm_digit

    body = "2609280042999"
    return body + damm_digit(body)


def test_personal_data_typed_into_the_description_is_masked_on_the_receipt(home):
    from pypdf import PdfReader

    from kiosk.printing.service import load_receipt_data, render_receipt

    env = terminal(home, datetime(2026, 9, 28, 10, tzinfo=timezone(timedelta(hours=8))))
    description = (
        f"申请人张三（身份证{HAICHENG_1985}，电话13912345678，zhang@example.com）需要海城市2019年政务公开工作要点"
    )
    tracking = submit_application(env, person(description=description)).tracking
    data = receipt_data(env, tracking)
    assert HAICHENG_1985 not in data["description"] and "13912345678" not in data["description"]
    assert "zhang@example.com" not in data["description"] and "张三" not in data["description"]
    pdf = render_receipt(env, load_receipt_data(env, tracking))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert HAICHENG_1985 not in text and "13912345678" not in text and "zhang@" not in text
