"""The staff PIN: its rule, its hash (salted scrypt, never the PIN), and the file in the home."""

import stat

import pytest

from kiosk.config import load_config
from kiosk.environment import Env
from kiosk.errors import StorageError
from kiosk.staff.pin import WeakPin, check_pin_rule, hash_pin, pin_is_set, pin_path, set_pin, stored_hash, verify_pin


def test_a_right_pin_verifies_and_a_wrong_one_does_not():
    stored = hash_pin("428613")
    assert verify_pin("428613", stored)
    assert not verify_pin("428614", stored)
    assert not verify_pin("", stored)
    assert not verify_pin("四二八六一三", stored)


def test_the_hash_is_salted_versioned_and_never_contains_the_pin():
    first, second = hash_pin("428613"), hash_pin("428613")
    assert first != second  # a fresh salt each time
    assert first.startswith("scrypt-v1$16384$8$1$")
    for stored in (first, second):
        assert "428613" not in stored


@pytest.mark.parametrize("pin", ["000000", "123456", "654321", "1234567890", "890123", "121212", "99999999"])
def test_a_trivially_weak_pin_is_refused_in_chinese_and_english(pin):
    with pytest.raises(WeakPin) as refused:
        check_pin_rule(pin)
    assert "过于简单" in refused.value.message_zh
    assert "guessable" in refused.value.message_en


@pytest.mark.parametrize("pin", ["12345", "1234567890123", "42861a", "４２８６１３", " 428613", ""])
def test_a_pin_that_is_not_6_to_12_digits_is_refused(pin):
    with pytest.raises(WeakPin) as refused:
        check_pin_rule(pin)
    assert "6–12 位数字" in refused.value.message_zh


@pytest.mark.parametrize("pin", ["428613", "70315982", "100100100100"])
def test_an_ordinary_pin_passes_the_rule(pin):
    check_pin_rule(pin)


def test_set_pin_writes_only_the_hash_into_a_file_only_the_owner_reads(env):
    assert not pin_is_set(env)
    path = set_pin(env, "428613")
    assert path == pin_path(env) == env.home / "staff_pin"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="ascii")
    assert "428613" not in text and text.startswith("scrypt-v1$")
    assert verify_pin("428613", stored_hash(env))
    assert [p.name for p in env.home.iterdir() if p.name.startswith(".staff_pin")] == []  # no temporary left


def test_a_weak_pin_leaves_the_old_one_in_place(env):
    set_pin(env, "428613")
    before = pin_path(env).read_text()
    with pytest.raises(WeakPin):
        set_pin(env, "123456")
    assert pin_path(env).read_text() == before


def test_the_hash_from_the_config_is_used_until_one_is_set_on_the_terminal(home):
    provisioned = hash_pin("552907")
    env = Env(home=home, config=load_config(None, {"KIOSK_STAFF_PIN_HASH": provisioned}))
    assert verify_pin("552907", stored_hash(env))
    set_pin(env, "428613")
    assert verify_pin("428613", stored_hash(env)) and not verify_pin("552907", stored_hash(env))


@pytest.mark.parametrize(
    "damaged", ["plain-text-pin", "scrypt-v1$16384$8$1$@@@$AAAA", "scrypt-v1$3$8$1$AAAA$AAAA", "bcrypt$x$y$z$a$b"]
)
def test_a_damaged_hash_is_a_storage_error_not_a_match(damaged):
    with pytest.raises(StorageError) as failed:
        verify_pin("428613", damaged)
    assert "kiosk staff set-pin" in failed.value.message_zh
