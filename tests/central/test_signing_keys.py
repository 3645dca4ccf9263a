"""`kiosk central keygen`: the feed signing key is written whole or not at all, owner-only, never over
an existing one; a damaged key file is refused with what to do."""

import os
import stat

import pytest

from kiosk.central.signing_keys import PRIVATE_NAME, PUBLIC_NAME, generate_key_files
from kiosk.errors import BadInput
from kiosk.sync.signing import load_private_key, parse_public_key, public_text
from tests.kills import folders_left_by_kills, fresh_folder_loop


def mode_of(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_private_key_is_owner_only_and_the_public_key_readable_whatever_the_umask(tmp_path):
    old = os.umask(0o000)
    try:
        made = generate_key_files(tmp_path / "k")
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "k" / PRIVATE_NAME) == 0o600
    assert mode_of(tmp_path / "k" / PUBLIC_NAME) == 0o644
    key = load_private_key(tmp_path / "k" / PRIVATE_NAME)
    assert public_text(key.public_key()) == made["public_text"]
    assert (tmp_path / "k" / PUBLIC_NAME).read_text(encoding="ascii") == made["public_text"] + "\n"
    assert sorted(p.name for p in (tmp_path / "k").iterdir()) == [PRIVATE_NAME, PUBLIC_NAME]


def test_an_existing_key_is_never_replaced(tmp_path):
    generate_key_files(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(BadInput) as info:
        generate_key_files(tmp_path)
    assert "不会覆盖" in info.value.message_zh
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_key_left_without_its_public_half_says_what_to_do(tmp_path):
    generate_key_files(tmp_path)
    (tmp_path / PUBLIC_NAME).unlink()  # as a crash between the two files leaves them
    with pytest.raises(BadInput) as info:
        generate_key_files(tmp_path)
    assert PUBLIC_NAME in info.value.message_zh and "删除" in info.value.message_zh
    assert (tmp_path / PRIVATE_NAME).exists()


@pytest.mark.parametrize("cut", [0, 1, 28, 60, 100], ids=lambda cut: f"first-{cut}-bytes")
def test_a_truncated_private_key_is_refused_with_what_to_do(tmp_path, cut):
    generate_key_files(tmp_path / "k")
    path = tmp_path / "k" / PRIVATE_NAME
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(BadInput) as info:
        load_private_key(path)
    assert str(path) in info.value.message_zh and str(path) in info.value.message_en
    assert "备份" in info.value.message_zh and "backup" in info.value.message_en


def test_publish_with_an_empty_key_file_stops_with_the_message(cli, tmp_path):
    key = tmp_path / PRIVATE_NAME
    key.write_bytes(b"")
    (tmp_path / "docs").mkdir()
    result = cli(
        "central", "publish", str(tmp_path / "docs"), "--feed", str(tmp_path / "feed"), "--key", str(key), expect=2
    )
    assert str(key) in result.stderr and "备份" in result.stderr


# Key pairs made in fresh folders as fast as can be, so that kills land at every point of the writes.
KEYGEN = fresh_folder_loop("kiosk.central.signing_keys", "generate_key_files")


def test_a_keygen_killed_at_any_moment_never_leaves_a_partial_key(tmp_path):
    pairs = 0
    for folder in folders_left_by_kills(KEYGEN, tmp_path, 15):
        private, public = folder / PRIVATE_NAME, folder / PUBLIC_NAME
        if private.exists():
            assert mode_of(private) == 0o600
            key = load_private_key(private)  # whole, or BadInput fails the test
            if public.exists():
                pairs += 1
                assert parse_public_key(public.read_text(encoding="ascii")) is not None
                assert public.read_text(encoding="ascii") == public_text(key.public_key()) + "\n"
        else:
            assert not public.exists(), f"{public} without its private key"
    assert pairs > 15
