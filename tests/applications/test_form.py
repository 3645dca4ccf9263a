from datetime import date

import pytest

from kiosk.applications.form import STEPS, ApplicationForm, submitter_for, terminal_form
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
