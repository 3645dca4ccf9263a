from datetime import date

import pytest

from kiosk.applications.form import STEPS, ApplicationForm, submitter_for, terminal_form
from kiosk.applications.validation import FIELDS, validate_application
from kiosk.errors import BadInput
from tests.applications.samples import HAICHENG_1985, organization, person

TODAY = date(2026, 11, 23)


def form(**kwargs) -> ApplicationForm:
    return ApplicationForm(today=lambda: TODAY, **kwargs)


def fill_current_step(f: ApplicationForm, data: dict) -> None:
    for field in f.fields():
        if field in data:
            f.set(field, data[field])


def walk_to(f: ApplicationForm, step: str, data: dict) -> None:
    while f.step != step:
        fill_current_step(f, data)
        assert f.next(), [e.message_zh for e in f.errors]


def test_the_form_walks_every_step_in_the_order_of_the_regulation():
    f = form()
    seen = [f.step]
    data = person()
    while f.step != "consent":
        fill_current_step(f, data)
        assert f.next()
        seen.append(f.step)
    f.set("consent", True)
    receipt = f.submit(lambda values: {"tracking": "x", "values": values})
    assert f.step == "submitted" and receipt["values"]["id_number"] == HAICHENG_1985
    assert seen + ["submitted"] == list(STEPS)


def test_a_step_does_not_move_on_until_its_fields_are_right_and_names_them():
    f = form()
    walk_to(f, "identity", person())
    f.set("name", "张三")
    f.set("id_type", "resident_id")
    f.set("id_number", HAICHENG_1985[:-1] + "0" if HAICHENG_1985[-1] != "0" else HAICHENG_1985[:-1] + "1")
    assert not f.next()
    assert f.step == "identity"
    assert f.error_for("id_number").message_zh.startswith("证件号码：")
    f.set("id_number", HAICHENG_1985)
    assert f.error_for("id_number") is None  # typing clears the field's error
    assert f.next() and f.step == "contact"


def test_back_and_forward_keep_what_was_typed():
    f = form()
    walk_to(f, "information", person())
    f.set("description", "海城市2019年政务公开工作要点")
    f.back()
    f.back()
    assert f.step == "identity" and f.values["name"] == "张三"
    assert f.next() and f.next()
    assert f.step == "information" and f.values["description"] == "海城市2019年政务公开工作要点"


def test_organizations_are_asked_for_a_contact_person():
    f = form()
    walk_to(f, "identity", person())
    assert "contact_person" not in f.fields()
    g = form()
    walk_to(g, "identity", organization())
    assert "contact_person" in g.fields()
    assert g.label("name") == "单位名称"


def test_choosing_post_without_an_address_sends_the_resident_back_to_the_contact_step():
    f = form()
    walk_to(f, "delivery", person(address=""))
    f.set("delivery_form", "paper")
    f.set("delivery_way", "post")
    assert not f.next()
    assert f.step == "contact"
    assert f.error_for("address").message_zh == "通信地址：选择邮寄时必须填写邮寄地址。"


def test_the_review_masks_personal_data_unless_asked():
    f = form()
    walk_to(f, "review", person())
    rows = {r["field"]: r["value"] for r in f.review()}
    assert rows["name"] == "张*" and rows["phone"] == "138****5678" and rows["delivery_way"] == "当面领取"
    assert {r["field"]: r["value"] for r in f.review(masked=False)}["id_number"] == HAICHENG_1985


def test_possible_matches_in_the_catalog_are_shown_but_do_not_block():
    calls = []
    f = form(precheck=lambda description, doc_number: calls.append((description, doc_number)) or ["已公开的文件"])
    walk_to(f, "reason", person())
    assert f.matches == ["已公开的文件"] and calls[0][1] == "海政办发〔2019〕23号"


def test_submit_needs_consent_and_a_submitted_form_cannot_change():
    f = form()
    walk_to(f, "consent", person(consent=False))
    assert f.submit(lambda values: {"tracking": "x"}) == {}
    assert f.error_for("consent") is not None
    f.set("consent", True)
    f.submit(lambda values: {"tracking": "x"})
    with pytest.raises(BadInput):
        f.set("name", "李四")


def test_the_terminal_form_stores_the_application_and_returns_the_receipt(env):
    f = terminal_form(env)
    walk_to(f, "consent", person())
    f.set("consent", True)
    receipt = f.submit(submitter_for(env))
    assert receipt["applicant_masked"] == "张*" and len(receipt["tracking"]) == 14


def test_the_review_masks_personal_data_typed_into_the_description_unless_asked():
    f = form()
    description = f"本人张三，身份证{HAICHENG_1985}，需要海城市2019年政务公开工作要点"
    walk_to(f, "review", person(description=description))
    shown = {r["field"]: r["value"] for r in f.review()}["description"]
    assert HAICHENG_1985 not in shown and "张三" not in shown and "政务公开工作要点" in shown
    assert {r["field"]: r["value"] for r in f.review(masked=False)}["description"] == description


# ---------------------------------------------------------------- what the screen asks the form

PERSON_ID_TYPES = ["resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent_resident"]


def codes(f: ApplicationForm, field: str) -> list[str]:
    return [code for code, _ in f.choices(field)]


def test_an_organization_is_offered_only_the_credit_code_and_a_person_every_id_document_but_it():
    f = form()
    assert codes(f, "id_type") == PERSON_ID_TYPES  # nothing chosen yet: the documents people carry
    f.set("applicant_type", "person")
    assert f.choices("id_type")[0] == ("resident_id", "居民身份证") and codes(f, "id_type") == PERSON_ID_TYPES
    f.set("applicant_type", "organization")
    assert f.choices("id_type") == [("uscc", "统一社会信用代码")]


def test_the_id_document_follows_the_kind_of_applicant():
    f = form()
    f.set("applicant_type", "organization")
    assert f.values["id_type"] == "uscc"  # the only choice is made
    f.set("applicant_type", "person")
    assert f.values["id_type"] == "resident_id"  # a credit code is no person's document
    f.set("id_type", "passport")
    f.set("applicant_type", "person")
    assert f.values["id_type"] == "passport"  # still offered: kept
    assert "id_type" not in form(values={"applicant_type": "person"}).values  # a person chooses


def test_the_applicant_type_and_the_organization_kinds_are_offered_in_words():
    f = form()
    assert f.choices("applicant_type") == [("person", "公民"), ("organization", "法人或其他组织")]
    # The annual report counts organisations in these five columns.
    assert codes(f, "organization_kind") == ["business", "research", "public_welfare", "legal_service", "other"]
    assert f.choices("delivery_form") == [("paper", "纸质"), ("electronic", "电子")]


def test_paper_is_not_offered_by_e_mail_and_choosing_paper_drops_an_e_mail_delivery():
    f = form()
    assert codes(f, "delivery_way") == ["pickup", "post", "email", "onsite"]
    f.set("delivery_form", "electronic")
    f.set("delivery_way", "email")
    f.set("delivery_form", "paper")
    assert codes(f, "delivery_way") == ["pickup", "post", "onsite"]
    assert "delivery_way" not in f.values  # chosen again, not silently changed to another way
    f.set("delivery_way", "post")
    f.set("delivery_form", "electronic")
    assert f.values["delivery_way"] == "post"


def test_a_field_that_is_not_a_choice_has_no_choices():
    with pytest.raises(BadInput):
        form().choices("name")


@pytest.mark.parametrize(
    "way, optional",
    [
        (None, {"email", "address", "doc_number"}),
        ("pickup", {"email", "address", "doc_number"}),
        ("onsite", {"email", "address", "doc_number"}),
        ("post", {"email", "doc_number"}),
        ("email", {"address", "doc_number"}),
    ],
)
def test_which_fields_are_optional_follows_the_way_of_delivery(way, optional):
    values = {"delivery_form": "electronic"} | ({"delivery_way": way} if way else {})
    f = form(values=values)
    assert {field for field in FIELDS if f.is_optional(field)} == optional
    for field in ("email", "address"):
        assert f.hint(field).startswith("选填") == (field in optional)


@pytest.mark.parametrize("way", ["pickup", "onsite", "post", "email"])
def test_the_form_calls_optional_exactly_what_validation_lets_stay_empty(way):
    values = person(email="", address="", delivery_form="electronic", delivery_way=way)
    _, errors = validate_application(values, today=TODAY)
    required = {e.field for e in errors if e.code == "required"}
    f = form(values=values)
    assert {field for field in ("email", "address") if not f.is_optional(field)} == required


def test_each_step_shows_its_fields_and_an_organization_also_its_kind_and_contact_person():
    person_form, org_form = form(values={"applicant_type": "person"}), form(values={"applicant_type": "organization"})
    assert [person_form.visible_fields(step) for step in STEPS] == [
        ("applicant_type",),
        ("name", "id_type", "id_number"),
        ("phone", "email", "address"),
        ("description", "doc_number"),
        ("reason",),
        ("delivery_form", "delivery_way"),
        (),
        ("consent",),
        (),
    ]
    assert org_form.visible_fields("identity") == (
        "name",
        "organization_kind",
        "id_type",
        "id_number",
        "contact_person",
    )
    assert org_form.visible_fields("contact") == person_form.visible_fields("contact")
    assert form().visible_fields() == ("applicant_type",)


def test_the_resident_counts_eight_steps():
    f = form()
    assert [f.progress(step) for step in ("applicant_type", "identity", "consent", "submitted")] == [
        (1, 8),
        (2, 8),
        (8, 8),
        (8, 8),
    ]


def test_an_unmade_choice_asks_to_choose_and_a_message_names_the_field_as_its_box_does():
    f = form()
    assert not f.next()
    assert f.error_text("applicant_type") == "申请人类型：请点选一项。"
    walk_to(f, "identity", person())
    assert not f.next()
    assert f.error_text("name") == "姓名：必填，请填写。" and f.error_text("id_type") == "证件类型：请点选一项。"
    assert f.error_text("phone") == ""
    g = form()
    walk_to(g, "identity", organization())
    g.set("name", "")
    assert not g.next() and g.error_text("name") == "单位名称：必填，请填写。"


def test_the_keyboard_follows_what_a_field_takes():
    f = form()
    assert f.input_kind("id_number") == "resident_id"  # the document most residents carry
    f.set("id_type", "passport")
    assert f.input_kind("id_number") == "latin"
    assert [f.input_kind(field) for field in ("phone", "email", "name", "description")] == [
        "phone",
        "latin",
        "text",
        "text",
    ]
    assert f.is_multiline("description") and f.is_multiline("reason") and not f.is_multiline("name")


def test_a_field_names_the_fields_that_follow_it():
    f = form()
    assert "id_type" in f.affects("applicant_type") and f.affects("delivery_form") == ("delivery_way",)
    assert f.affects("name") == ()
