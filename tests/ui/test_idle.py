"""The idle reset's timing, with a hand-driven clock."""

from kiosk.ui.idle import IdleReset


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
