"""`kiosk staff set-pin` and `kiosk staff status`: the PIN never echoed, printed or stored."""

import json

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.staff.pin import MAX_DIGITS, MIN_DIGITS, pin_path, verify_pin
from kiosk.staff.session import StaffGate
from tests.conftest import run_kiosk


class TypingCli:
    """`kiosk …` in-process with what a person types on stdin."""

    def __init__(self, home) -> None:
        self.home = home

    def __call__(self, *args: str, input: str = "", expect: int = 0):
        result = CliRunner().invoke(main, ["--home", str(self.home), *args], input=input, catch_exceptions=False)
        assert result.exit_code == expect, (result.output, result.stderr)
        return result

    def json(self, *args: str, **kwargs):
        return json.loads(self(*args, "--json", **kwargs).stdout)


@pytest.fixture
def cli(home):
    return TypingCli(home)


def test_set_pin_asks_twice_without_echo_and_keeps_only_the_hash(cli, home):
    result = cli("staff", "set-pin", input="428613\n428613\n")
    assert "428613" not in result.output
    assert "工作人员密码已设置" in result.stdout
    stored = pin_path_of(home).read_text(encoding="ascii")
    assert "428613" not in stored and verify_pin("428613", stored)


def test_two_different_entries_are_asked_again(cli, home):
    result = cli("staff", "set-pin", input="428613\n428614\n705931\n705931\n")
    assert "428613" not in result.output and "705931" not in result.output
    assert verify_pin("705931", pin_path_of(home).read_text(encoding="ascii"))


def test_a_script_gives_the_pin_on_stdin(cli, home):
    data = cli.json("staff", "set-pin", "--pin-stdin", input="552907\n")
    assert data == {"pin_set": True, "file": str(home / "staff_pin")}


def test_a_weak_pin_is_refused_with_exit_2_and_nothing_is_written(cli, home):
    result = cli("staff", "set-pin", "--pin-stdin", input="123456\n", expect=2)
    assert "过于简单" in result.stderr and "guessable" in result.stderr
    assert "123456" not in result.stdout
    result = cli("staff", "set-pin", "--pin-stdin", "--json", input="12ab\n", expect=2)
    error = json.loads(result.stderr)["error"]
    assert error["field"] == "pin" and f"{MIN_DIGITS}–{MAX_DIGITS}" in error["message_zh"]
    assert not (home / "staff_pin").exists()


def test_status_says_whether_a_pin_is_set_and_until_when_staff_mode_is_locked(cli, env):
    assert cli.json("staff", "status")["pin_set"] is False
    assert "kiosk staff set-pin" in cli("staff", "status").stdout
    cli("staff", "set-pin", "--pin-stdin", input="428613\n")
    data = cli.json("staff", "status")
    assert data == {"pin_set": True, "failures": 0, "attempts_left": 5, "max_attempts": 5, "locked_until": None}
    gate = StaffGate(env)
    for _ in range(5):
        try:
            gate.check("000001")
        except Exception:  # noqa: BLE001  (each wrong try raises; the count is what this test reads)
            pass
    data = cli.json("staff", "status")
    assert data["locked_until"] is not None and data["attempts_left"] == 0
    assert "锁定至" in cli("staff", "status").stdout


def test_the_pin_never_reaches_the_log_file(tmp_path):
    home = tmp_path / "real-home"
    result = run_kiosk(home, "staff", "set-pin", "--pin-stdin", input="428613\n")
    assert result.returncode == 0, result.stderr
    logs = "".join(p.read_text(encoding="utf-8") for p in (home / "logs").glob("*.log"))
    assert "staff PIN set" in logs and "428613" not in logs


def pin_path_of(home):
    from kiosk.config import load_config
    from kiosk.environment import Env

    return pin_path(Env(home=home, config=load_config(None, {})))
