from datetime import date

import pytest

from kiosk.applications.validation import FIELDS, LABELS, validate_application
from tests.applications.samples import HAICHENG_1985, USCC, organization, person

TODAY = date(2026, 11, 23)


def errors_of(data: dict, **kwargs) -> dict[str, str]:
    _, errors = validate_application(data, today=TODAY, **kwargs)
    return {e.field: e.code for e in errors}


def test_a_complete_application_from_a_citizen_is_valid():
    cleaned, errors = validate_application(person(), today=TODAY)
    assert errors == []
    assert cleaned["id_number"] == HAICHENG_1985 and cleaned["consent"] is True


def test_an_organization_needs_a_uscc_and_a_contact_person():
    assert errors_of(organization()) == {}
    assert errors_of(organization(contact_person="")) == {"contact_person": "required"}
    assert errors_of(organization(id_type="resident_id", id_number=HAICHENG_1985)) == {"id_type": "mismatch"}
    assert errors_of(person(id_type="uscc", id_number=USCC)) == {"id_type": "mismatch"}


def test_every_error_names_its_field_in_chinese_and_english():
    data = {field: "" for field in FIELDS} | {"consent": False}
    _, errors = validate_application(data, today=TODAY)
    assert {e.field for e in errors} >= {"applicant_type", "name", "id_type", "phone", "description", "reason"}
    for error in errors:
        assert error.message_zh.startswith(LABELS[error.field] + "：")
        assert error.message_en.startswith(error.field + ":")


def test_full_width_digits_and_letters_are_normalised():
    wide = "".join(chr(ord(c) + 0xFEE0) for c in HAICHENG_1985)
    cleaned, errors = validate_application(
        person(id_number=wide, phone="１３８ １２３４ ５６７８", email="ＺＨＡＮＧ＠ＥＸＡＭＰＬＥ．ＣＯＭ"),
        today=TODAY,
    )
    assert errors == []
    assert cleaned["id_number"] == HAICHENG_1985
    assert cleaned["phone"] == "13812345678"
    assert cleaned["email"] == "ZHANG@example.com"


def test_chinese_punctuation_in_free_text_is_kept():
    cleaned, _ = validate_application(person(description="关于海城市，2019年政务公开工作要点（全文）"), today=TODAY)
    assert cleaned["description"] == "关于海城市，2019年政务公开工作要点（全文）"


@pytest.mark.parametrize("junk", ["\x00", "\x1b[31m", "\u200b", "\u202e", "\ue000", "\ufffd"])
def test_control_characters_and_other_junk_are_rejected(junk):
    assert errors_of(person(name=f"张{junk}三")) == {"name": "invalid_chars"}
    assert errors_of(person(description=f"海城市2019年政务公开{junk}工作要点")) == {"description": "invalid_chars"}


@pytest.mark.parametrize(
    ("phone", "normalised"),
    [
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0412-1234567", "0412-1234567"),
        ("(010)12345678转801", "010-12345678-801"),
        ("400-123-4567", "400-123-4567"),
        ("+852 9123 4567", "+852-91234567"),
        ("01012345678", "010-12345678"),  # Beijing's area code has 3 digits, not 0101
        ("+86 10 12345678", "010-12345678"),
    ],
)
def test_mobile_landline_and_international_numbers_are_accepted(phone, normalised):
    cleaned, errors = validate_application(person(phone=phone), today=TODAY)
    assert errors == [] and cleaned["phone"] == normalised


@pytest.mark.parametrize("phone", ["12345", "23812345678", "1381234567", "电话"])
def test_bad_phone_numbers_are_rejected(phone):
    assert errors_of(person(phone=phone)) == {"phone": "bad_format"}


def test_email_and_address_are_needed_only_by_their_delivery_way():
    assert errors_of(person(email="", address="")) == {}
    assert errors_of(person(delivery_way="post", address="")) == {"address": "required"}
    assert errors_of(person(delivery_form="electronic", delivery_way="email", email="")) == {"email": "required"}
    assert errors_of(person(delivery_way="email")) == {"delivery_way": "mismatch"}  # paper by e-mail
    assert errors_of(person(email="not-an-email")) == {"email": "bad_format"}


def test_a_description_must_identify_something():
    assert errors_of(person(description="文件", doc_number="")) == {"description": "too_short"}
    assert errors_of(person(description="啊啊啊啊啊啊啊啊啊啊啊啊", doc_number="")) == {"description": "too_vague"}
    # a 文号 identifies the document, so a short description is enough
    assert errors_of(person(description="通知全文", doc_number="海政办发〔2019〕23号")) == {}


def test_length_limits_name_the_limit():
    _, errors = validate_application(person(reason="了解" * 300), today=TODAY)
    assert [(e.field, e.code) for e in errors] == [("reason", "too_long")]
    assert "500" in errors[0].message_zh


def test_person_names_with_the_middle_dot_and_latin_letters_are_accepted():
    assert errors_of(person(name="阿依古丽•买买提")) == {}
    assert validate_application(person(name="阿依古丽•买买提"), today=TODAY)[0]["name"] == "阿依古丽·买买提"
    assert errors_of(person(name="John Smith", id_type="passport", id_number="E12345678")) == {}
    assert errors_of(person(name="张3")) == {"name": "invalid_chars"}


def test_consent_must_be_given_explicitly():
    assert errors_of(person(consent=False)) == {"consent": "required"}
    assert errors_of(person(consent="true")) == {"consent": "required"}


def test_unknown_fields_and_wrong_types_are_reported():
    assert errors_of(person(emial="x@example.com")) == {"emial": "unknown_field"}
    assert errors_of(person(name=["张三"])) == {"name": "bad_type"}


def test_a_step_checks_only_its_own_fields():
    assert errors_of({"name": "张三"}, fields=["name"]) == {}
    assert errors_of({"phone": "1"}, fields=["phone", "email"]) == {"phone": "bad_format"}


@pytest.mark.parametrize(
    ("phone", "normalised"),
    [
        ("+86 0412 1234567", "0412-1234567"),  # the trunk 0 kept after +86: the area code stays whole
        ("+86 412 1234567", "0412-1234567"),
        ("0086 0412 1234567", "0412-1234567"),
        ("008613812345678", "13812345678"),
        ("0412-1234567-801", "0412-1234567-801"),
        ("0412 1234567 转 801", "0412-1234567-801"),
        ("0571 8888 8888", "0571-88888888"),
        ("+86 10 1234 5678", "010-12345678"),
        ("+1 202 555 0143", "+1-2025550143"),
    ],
)
def test_a_landline_keeps_its_area_code_however_the_prefix_is_written(phone, normalised):
    cleaned, errors = validate_application(person(phone=phone), today=TODAY)
    assert errors == [] and cleaned["phone"] == normalised


@pytest.mark.parametrize(
    "phone",
    ["00000000000", "+86 000 00000000", "0000-0000000", "12345678901", "0412-123", "+86 138 1234", "+999 12345"],
)
def test_numbers_no_one_can_be_called_on_are_refused(phone):
    assert errors_of(person(phone=phone)) == {"phone": "bad_format"}


@pytest.mark.parametrize("field", ["description", "reason", "name", "address", "phone", "doc_number"])
@pytest.mark.parametrize("value", [12345, 3.5, ["a"], {"a": 1}, True])
def test_a_number_or_structure_where_text_belongs_is_refused(field, value):
    assert errors_of(person(**{field: value})) == {field: "bad_type"}


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u200b", "\u202e", "\x00", "\x1b", "\ufeff", "\x85"])
def test_line_and_paragraph_separators_and_other_control_characters_are_refused(char):
    assert errors_of(person(description=f"海城市2019年{char}政务公开工作要点")) == {"description": "invalid_chars"}
    assert errors_of(person(reason=f"了解{char}工作安排")) == {"reason": "invalid_chars"}


def test_a_refused_value_of_an_unexpected_type_never_raises():
    for value in (float("nan"), 10**5000, b"bytes", object()):
        _, errors = validate_application(person(description=value, applicant_type=value, id_type=value), today=TODAY)
        assert {e.field for e in errors} >= {"description", "applicant_type", "id_type"}
