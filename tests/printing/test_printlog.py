import pytest

from kiosk.printing.printlog import read_print_log, record_print


def test_the_print_log_keeps_what_was_printed_one_line_each(env):
    record_print(env, kind="document", document_id="d1", pages="1-3", page_count=3, printer="folder", state="completed")
    record_print(env, kind="receipt", pages="1", page_count=1, form="thermal", printer="escpos:/dev/usb/lp0")
    rows = read_print_log(env)
    assert [r["kind"] for r in rows] == ["document", "receipt"]
    assert rows[0]["pages"] == "1-3" and rows[0]["time"].startswith(str(env.now().year))
    assert read_print_log(env, limit=1) == rows[1:]


def test_the_print_log_refuses_fields_that_could_carry_personal_data(env):
    with pytest.raises(ValueError):
        record_print(env, kind="receipt", tracking="GK20261123-0007")
    with pytest.raises(ValueError):
        record_print(env, kind="receipt", applicant="张三")
    assert read_print_log(env) == []


def test_a_line_cut_short_by_power_loss_is_skipped(env):
    record_print(env, kind="document", document_id="d1")
    with env.print_log.open("a", encoding="utf-8") as handle:
        handle.write('{"time": "2026-')
    assert [r["document_id"] for r in read_print_log(env)] == ["d1"]
