"""Central keeps how an application was received: a paper one entered by a clerk says so; terminals of
earlier releases send no channel and their applications count as typed in at the kiosk."""

from kiosk.central import intake
from kiosk.central.intake_models import IntakeApplication
from tests.central.test_intake_service import envelope, post, server  # noqa: F401  (fixture)


def test_a_paper_application_is_stored_as_paper_on_either_database(server):  # noqa: F811
    token = server.add_terminal("hall-1")
    reply = post(server, token, envelope() | {"channel": "paper"})
    assert reply.status_code == 201, reply.text
    (row,) = intake.list_applications()
    assert (row["channel"], row["channel_zh"]) == ("paper", "纸质申请")
    assert post(server, token, envelope() | {"channel": "paper"}).status_code == 200  # a retry: same one


def test_an_application_without_a_channel_from_an_older_terminal_is_taken_as_a_kiosk_one(server):  # noqa: F811
    token = server.add_terminal("hall-1")
    assert post(server, token, envelope()).status_code == 201
    assert [a.channel for a in IntakeApplication.select()] == ["kiosk"]


def test_an_unknown_channel_is_refused_and_names_the_field(server):  # noqa: F811
    token = server.add_terminal("hall-1")
    for channel in ("fax", ["paper"], None):
        reply = post(server, token, envelope() | {"channel": channel})
        assert reply.status_code == 422
        assert reply.json()["errors"][0]["field"] == "channel"
    assert IntakeApplication.select().count() == 0
