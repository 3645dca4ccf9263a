"""Never a dead screen: an error in a screen callback shows a calm message and the app keeps running."""

import shutil

import pytest

from tests.ui.harness import run_scenario


def test_the_log_line_of_an_error_names_its_type_and_place_but_not_its_message():
    from kiosk.ui.errors import describe

    try:
        raise ValueError("110105194912310021 is not valid")
    except ValueError as exc:
        line = describe(exc)
    assert line.startswith("ValueError in test_the_log_line_of_an_error")
    assert "110105" not in line


def test_a_kiosk_error_is_logged_with_its_english_message():
    from kiosk.errors import Offline
    from kiosk.ui.errors import describe

    assert describe(Offline("打印机未连接。", "printer offline")) == "Offline: printer offline"


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")
def test_an_exception_in_a_screen_callback_shows_the_calm_message_and_the_app_keeps_running(home, tmp_path):
    r = run_scenario(home, "an_error_in_a_callback_shows_a_calm_message", tmp_path / "out.json")
    assert "error" not in r, r.get("error")
    assert r["message"].startswith("抱歉，刚才的操作没有完成。") and "返回首页" in r["message"]
    assert r["still"] == "reader"
    assert r["second"] is True
    assert r["alive"] == ["reader", True, 2]
    assert len(r["ui_errors"]) == 2 and all(e.startswith("RuntimeError in broken") for e in r["ui_errors"])
    assert not any("110105" in e for e in r["ui_errors"])
    log = (home / "logs" / "kiosk.log").read_text(encoding="utf-8") if (home / "logs" / "kiosk.log").exists() else ""
    assert "110105" not in log
