"""The idle reset's timing and countdown, with a hand-driven clock, then in a real window."""

import shutil

import pytest

from kiosk.ui.idle import IdleReset
from tests.ui.harness import run_scenario


def test_idle_reset_fires_once_after_the_timeout_and_a_touch_postpones_it():
    now = [0.0]
    fired = []
    idle = IdleReset(120, lambda: fired.append(now[0]), clock=lambda: now[0])
    now[0] = 119
    idle.check()
    idle.touched()
    now[0] = 200
    idle.check()
    assert fired == []
    now[0] = 239
    idle.check()
    now[0] = 240
    idle.check()
    now[0] = 241
    idle.check()
    assert fired == [239]  # 119 + 120; then a full timeout again before the next


def test_the_countdown_runs_in_the_last_seconds_and_a_touch_ends_it():
    from kiosk.ui.idle import countdown_text

    now = [0.0]
    shown, ended, fired = [], [], []
    idle = IdleReset(
        120,
        lambda: fired.append(now[0]),
        clock=lambda: now[0],
        on_countdown=shown.append,
        on_touched=lambda: ended.append(now[0]),
    )
    for t in (100, 104, 105, 110):
        now[0] = t
        idle.check()
    assert shown == [15, 10] and idle.counting
    assert countdown_text(10) == "还有 10 秒返回首页，点任意处继续"
    now[0] = 111
    idle.touched()
    assert ended == [111] and not idle.counting
    now[0] = 200
    idle.check()
    assert fired == [] and shown == [15, 10]
    now[0] = 231
    idle.check()
    assert fired == [231] and not idle.counting


def test_a_touch_with_no_countdown_on_screen_ends_nothing():
    ended = []
    idle = IdleReset(120, lambda: None, clock=lambda: 0.0, on_touched=lambda: ended.append(1))
    idle.touched()
    assert ended == []


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")
def test_the_countdown_appears_a_touch_keeps_the_page_and_untouched_it_resets_everything(home, tmp_path):
    r = run_scenario(home, "idle_countdown_appears_and_resets", tmp_path / "out.json")
    assert "error" not in r, r.get("error")
    assert "ui_errors" not in r
    assert r["countdown"].startswith("还有 ") and r["countdown"].endswith(" 秒返回首页，点任意处继续")
    assert r["shown_after"] >= 2  # not before the last 3 s of this 5 s timeout
    assert r["kept"] == ["reader", True, 1]
    assert r["reset"] == ["home", "", [], 0]
    assert r["countdown_gone"] is True
