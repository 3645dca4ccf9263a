"""What the receipt screen reads aloud."""

from kiosk.applications.readaloud import receipt_speech, spell_digits, spoken_name, spoken_time


def _receipt(**overrides) -> dict:
    data = {
        "tracking": "26112390420075",
        "received": "2026-11-23T10:15:00+08:00",
        "due": "2026-12-21",
        "calendar_complete": True,
        "applicant_masked": "欧***",
        "id_masked": "2103**********1523",
        "contact_masked": "138****5678",
        "delivery_form": "纸质",
        "delivery_way": "当面领取",
        "status": "pending",
        "follow_up": "请妥善保管本回执。凭查询号 261123-9042-0075 可查询（电话 0412-1234567）。",
    }
    data.update(overrides)
    return data


def test_tracking_numbers_are_read_digit_by_digit_in_their_groups():
    assert spell_digits("26112390420075") == "二六一一二三，九零四二，零零七五"
    assert spell_digits("0412-1234567") == "零四一二，一二三四五六七"


def test_clock_times_are_read_as_hours_and_minutes():
    assert spoken_time("2026年11月23日 10:15") == "2026年11月23日 10点15分"
    assert spoken_time("2026年11月23日 09:05") == "2026年11月23日 9点05分"


def test_masked_names_are_read_without_stars():
    assert spoken_name("欧***") == "欧某"
    assert spoken_name("海城市某某商贸有限公司") == "海城市某某商贸有限公司"


def test_the_receipt_speech_never_contains_the_id_number_or_any_digits_in_a_row():
    text = receipt_speech(_receipt())
    assert "二六一一二三，九零四二，零零七五" in text
    assert "办理状态：已提交，正在发送至受理机关。" in text and "答复期限：2026年12月21日前。" in text
    assert "申请人：欧某。" in text and "收到时间：2026年11月23日 10点15分。" in text
    assert "1523" not in text and "*" not in text and "5678" not in text
    assert "261123" not in text and "1234567" not in text


def test_an_incomplete_holiday_calendar_makes_the_deadline_an_estimate():
    assert "2026年12月21日前（预计）" in receipt_speech(_receipt(calendar_complete=False))
