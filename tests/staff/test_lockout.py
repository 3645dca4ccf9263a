"""Five wrong PINs lock staff mode for five minutes; the count and the lock survive a restart."""

import logging
from datetime import timedelta

import pytest

from kiosk.config import load_config
from kiosk.environment import Env
from kiosk.errors import BadInput
from kiosk.staff.lockout import LOCK_DURATION, Lockout, lockout_path
from kiosk.staff.pin import set_pin
from kiosk.staff.session import PinNotSet, StaffGate, StaffLocked, WrongPin
from tests.clock import Clock

PIN = "428613"


@pytest.fixture
def clock():
    return Clock()


def terminal(home, clock) -> Env:
    """A fresh Env on the same home: what a restarted kiosk process sees."""
    return Env(home=home, config=load_config(None, {}), clock=clock)


@pytest.fixture
def gate(home, clock):
    env = terminal(home, clock)
    set_pin(env, PIN)
    return StaffGate(env)


def _wrong(gate, times):
    messages = []
    for _ in range(times):
        with pytest.raises((WrongPin, StaffLocked)) as refused:
            gate.check("000001")
        messages.append(refused.value.message_zh)
    return messages


def test_the_right_pin_opens_and_a_wrong_one_says_how_many_tries_are_left(gate):
    gate.check(PIN)
    assert _wrong(gate, 2) == ["密码错误，还可尝试 4 次。", "密码错误，还可尝试 3 次。"]


def test_the_fifth_wrong_pin_locks_for_five_minutes_even_for_the_right_pin(gate, clock):
    messages = _wrong(gate, 5)
    assert messages[-1] == "已锁定，请 5 分钟后再试。"
    with pytest.raises(StaffLocked) as locked:
        gate.check(PIN)
    assert locked.value.until == clock.now + LOCK_DURATION
    clock.now += timedelta(minutes=3, seconds=30)
    with pytest.raises(StaffLocked) as locked:
        gate.check(PIN)
    assert locked.value.message_zh == "已锁定，请 2 分钟后再试。"


def test_the_right_pin_after_the_lockout_opens_and_starts_the_count_again(gate, clock):
    _wrong(gate, 5)
    clock.now += LOCK_DURATION + timedelta(seconds=1)
    session = gate.open_session(PIN)
    assert session.active
    assert gate.status()["attempts_left"] == 5
    assert _wrong(gate, 1) == ["密码错误，还可尝试 4 次。"]


def test_the_lock_and_the_count_survive_a_restart(home, gate, clock):
    _wrong(gate, 3)
    restarted = StaffGate(terminal(home, clock))
    assert _wrong(restarted, 2)[-1].startswith("已锁定")
    again = StaffGate(terminal(home, clock))
    with pytest.raises(StaffLocked):
        again.check(PIN)
    assert again.status()["locked_until"] == (clock.now + LOCK_DURATION).isoformat(timespec="seconds")


def test_a_right_pin_resets_the_count(gate):
    _wrong(gate, 4)
    gate.check(PIN)
    assert _wrong(gate, 1) == ["密码错误，还可尝试 4 次。"]


def test_a_clock_set_back_does_not_lock_for_longer_than_five_minutes(gate, clock):
    _wrong(gate, 5)
    clock.now -= timedelta(days=1)
    lock = gate.lockout.state()
    assert lock.locked_until == clock.now + LOCK_DURATION


def test_wrong_pins_and_the_lock_are_logged_without_the_digits(gate, caplog):
    caplog.set_level(logging.INFO, logger="kiosk.staff")
    _wrong(gate, 5)
    gate_lines = [r.getMessage() for r in caplog.records]
    assert "wrong staff PIN (1 of 5)" in gate_lines and "wrong staff PIN (5 of 5)" in gate_lines
    assert any(line.startswith("staff mode locked until 2026-09-28T09:35:00") for line in gate_lines)
    assert not any("000001" in line or PIN in line for line in gate_lines)


def test_an_empty_pin_is_not_counted(gate):
    with pytest.raises(BadInput):
        gate.check("")
    assert gate.status()["failures"] == 0


def test_without_a_pin_staff_mode_stays_closed(home, clock):
    with pytest.raises(PinNotSet) as closed:
        StaffGate(terminal(home, clock)).check("428613")
    assert "kiosk staff set-pin" in closed.value.message_zh


def test_a_damaged_lockout_file_counts_from_zero(home, gate, clock):
    lockout_path(terminal(home, clock)).write_text("{not json", encoding="utf-8")
    assert _wrong(gate, 1) == ["密码错误，还可尝试 4 次。"]


def test_the_lockout_file_is_replaced_whole(clock, tmp_path):
    folder = tmp_path / "lockout"
    folder.mkdir()
    lockout = Lockout(folder / "lock.json", clock)
    lockout.record_failure()
    assert (folder / "lock.json").read_text(encoding="utf-8").count("failures") == 1
    assert [p.name for p in folder.iterdir()] == ["lock.json"]  # no temporary file left beside it


def test_the_session_ends_after_the_idle_time_and_on_exit(gate):
    ticks = [0.0]
    session = gate.open_session(PIN, monotonic=lambda: ticks[0])
    assert session.idle_seconds == 120
    ticks[0] = 100
    session.touch()
    ticks[0] = 219
    assert session.active
    ticks[0] = 220
    assert session.expired()
    other = gate.open_session(PIN, monotonic=lambda: ticks[0])
    other.close("退出")
    assert not other.active
