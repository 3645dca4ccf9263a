import json

import pytest

from kiosk.errors import ConfigError, Refused
from kiosk.sync.signing import (
    generate_private_key,
    key_id,
    load_trusted_keys,
    public_text,
    sign_root,
    verify_root,
)


def _trust(*keys):
    return {key_id(k.public_key()): k.public_key() for k in keys}


def test_a_root_verifies_with_the_key_that_signed_it():
    key = generate_private_key()
    raw = sign_root({"version": 3, "name": "海城市"}, [key])
    assert verify_root(raw, _trust(key)) == {"version": 3, "name": "海城市"}


def test_what_is_verified_is_the_canonical_form_so_reformatting_does_not_matter():
    key = generate_private_key()
    document = json.loads(sign_root({"b": 1, "a": [1, 2]}, [key]))
    reformatted = json.dumps(document, indent=7, ensure_ascii=True).encode()
    assert verify_root(reformatted, _trust(key)) == {"a": [1, 2], "b": 1}


def test_a_changed_root_fails_with_a_tampering_message():
    key = generate_private_key()
    document = json.loads(sign_root({"version": 3}, [key]))
    document["signed"]["version"] = 4
    with pytest.raises(Refused) as info:
        verify_root(json.dumps(document).encode(), _trust(key))
    assert "签名无效" in info.value.message_zh


def test_a_root_from_an_unknown_key_is_refused_naming_the_key_id():
    key, other = generate_private_key(), generate_private_key()
    with pytest.raises(Refused) as info:
        verify_root(sign_root({"version": 1}, [other]), _trust(key))
    assert key_id(other.public_key())[:16] in info.value.message_en


def test_during_key_rotation_one_valid_trusted_signature_is_enough():
    old, new = generate_private_key(), generate_private_key()
    raw = sign_root({"version": 9}, [old, new])
    assert verify_root(raw, _trust(old))["version"] == 9
    assert verify_root(raw, _trust(new))["version"] == 9


def test_garbage_is_refused_not_crashed_on():
    for raw in (b"\xff\xfe", b"[]", b'{"signed": 1}', b"{"):
        with pytest.raises(Refused):
            verify_root(raw, {})


def test_trusted_keys_accept_key_text_and_pub_files(tmp_path):
    key = generate_private_key()
    text = public_text(key.public_key())
    pub = tmp_path / "feed.pub"
    pub.write_text(text + "\n")
    assert list(load_trusted_keys([text])) == [key_id(key.public_key())]
    assert list(load_trusted_keys([str(pub)])) == [key_id(key.public_key())]
    assert list(load_trusted_keys([text.removeprefix("ed25519:")])) == [key_id(key.public_key())]


@pytest.mark.parametrize("bad", ["ed25519:notbase64!", "ed25519:AAAA", "/nowhere/feed.pub"])
def test_a_bad_trusted_key_is_a_config_error_naming_the_option(bad):
    with pytest.raises(ConfigError) as info:
        load_trusted_keys([bad])
    assert info.value.field == "trusted_keys"
