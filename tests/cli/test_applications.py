import json

import pytest

from kiosk.applications.tracking import damm_digit
from tests.applications.samples import HAICHENG_1985, person
from tests.central.intake_server import running_intake


@pytest.fixture
def application_file(tmp_path):
    def write(**overrides):
        path = tmp_path / "application.json"
        path.write_text(json.dumps(person(**overrides), ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def test_validate_reports_every_error_by_field(cli, application_file):
    assert cli.json("applications", "validate", application_file()) == {"valid": True, "errors": []}
    report = cli.json("applications", "validate", application_file(phone="12", description=""), expect=2)
    assert report["valid"] is False
    assert {e["field"] for e in report["errors"]} == {"phone", "description"}
    assert set(report["errors"][0]) == {"field", "code", "message_zh", "message_en"}


def test_validate_refuses_a_file_that_is_not_json(cli, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    result = cli("applications", "validate", str(path), expect=2)
    assert "不是有效的 JSON" in result.stderr


def test_submit_prints_the_receipt_fields_and_list_and_status_show_it_masked(cli, application_file):
    receipt = cli.json("applications", "submit", application_file())
    assert set(receipt) == {"tracking", "received", "due", "calendar_complete"}
    [row] = cli.json("applications", "list")
    assert row["tracking"] == receipt["tracking"] and row["applicant_masked"] == "张*"
    listing = cli("applications", "list").stdout
    assert HAICHENG_1985 not in listing and "13812345678" not in listing
    status = cli.json("applications", "status", receipt["tracking"])
    assert status["status"] == "pending" and status["delivery"] == "pending"


def test_submit_of_an_invalid_application_exits_2_with_field_errors(cli, application_file):
    result = cli("applications", "submit", application_file(id_number="123"), "--json", expect=2)
    error = json.loads(result.stderr)["error"]
    assert error["errors"][0]["field"] == "id_number"
    assert cli.json("applications", "list") == []


def test_status_of_an_unknown_or_mistyped_tracking_number(cli):
    cli("applications", "status", "26112300420000", expect=2)  # check digit wrong
    cli("applications", "status", "2611230042999" + damm_digit("2611230042999"), expect=4)


def test_deadline_counts_working_days_from_the_day_after_receipt(cli):
    assert cli.json("deadline", "--received", "2026-09-28") == {
        "received": "2026-09-28",
        "due": "2026-10-30",
        "working_days": 20,
        "calendar_complete": True,
    }
    extended = cli.json("deadline", "--received", "2026-12-10", "--extended")
    assert extended["working_days"] == 40 and extended["calendar_complete"] is False
    cli("deadline", "--received", "28/09/2026", expect=2)


def test_outbox_deliver_sends_to_central_and_reports(cli, application_file, tmp_path, monkeypatch):
    with running_intake(f"sqlite:///{tmp_path / 'central.sqlite3'}") as central:
        monkeypatch.setenv("KIOSK_CENTRAL_URL", central.url)
        monkeypatch.setenv("KIOSK_TERMINAL_TOKEN", central.add_terminal("hall-1"))
        tracking = cli.json("applications", "submit", application_file())["tracking"]
        report = cli.json("outbox", "deliver")
        assert (report["delivered"], report["pending"], report["offline"]) == (1, 0, False)
        assert cli.json("applications", "status", tracking)["status"] == "received"


def test_outbox_deliver_without_a_central_url_says_what_to_configure(cli, application_file):
    cli.json("applications", "submit", application_file())
    result = cli("outbox", "deliver", expect=2)
    assert "central_url" in result.stderr


def test_purge_reports_a_count(cli):
    assert cli.json("applications", "purge") == {"purged": 0}


def test_no_personal_data_reaches_the_log_file(cli, home, application_file, tmp_path, monkeypatch):
    with running_intake(f"sqlite:///{tmp_path / 'central.sqlite3'}") as central:
        monkeypatch.setenv("KIOSK_CENTRAL_URL", central.url)
        monkeypatch.setenv("KIOSK_TERMINAL_TOKEN", central.add_terminal("hall-1"))
        cli.json("applications", "submit", application_file())
        cli("applications", "submit", application_file(phone="12"), expect=2)
        cli.json("outbox", "deliver")
        cli.json("applications", "list")
    log = (home / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "stored and queued" in log
    for personal in (
        "张三",
        HAICHENG_1985,
        "13812345678",
        "zhangsan",
        "海州管理区",
        "政务公开工作要点",
        "[id]",
        "[phone]",
    ):
        assert personal not in log


def test_a_utf8_file_with_a_byte_order_mark_is_read(cli, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(person(), ensure_ascii=False).encode("utf-8"))
    assert cli.json("applications", "validate", str(path)) == {"valid": True, "errors": []}
    assert set(cli.json("applications", "submit", str(path))) == {"tracking", "received", "due", "calendar_complete"}


@pytest.mark.parametrize("command", ["validate", "submit"])
def test_a_deeply_nested_file_is_a_clear_error_not_a_traceback(cli, tmp_path, command):
    path = tmp_path / "deep.json"
    path.write_text("[" * 1000 + "]" * 1000, encoding="utf-8")
    result = cli("applications", command, str(path), expect=2)
    assert "Traceback" not in result.output + result.stderr and "嵌套" in result.stderr
    path.write_text('{"description": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = cli("applications", command, str(path), expect=2)
    assert "Traceback" not in result.output + result.stderr
    assert cli.json("applications", "list") == []


def test_a_file_in_another_encoding_or_with_binary_junk_is_refused_clearly(cli, tmp_path):
    path = tmp_path / "junk.json"
    path.write_bytes(b"\xff\xfe\x00{")
    result = cli("applications", "validate", str(path), expect=2)
    assert "不是有效的 JSON" in result.stderr


def test_the_list_masks_personal_data_typed_into_the_description(cli, application_file):
    description = f"本人身份证{HAICHENG_1985}，手机13912345678，需要海城市2019年政务公开工作要点"
    cli.json("applications", "submit", application_file(description=description))
    [row] = cli.json("applications", "list")
    assert HAICHENG_1985 not in row["description"] and "13912345678" not in row["description"]
    listing = cli("applications", "list").stdout
    assert HAICHENG_1985[:10] not in listing and "1391234" not in listing
