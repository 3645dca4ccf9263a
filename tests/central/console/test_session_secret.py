"""The console's session secret: created once, whole or not at all, owner-only; a damaged one is refused
with a message that says what to do, never used as a weak key."""

import re
import stat
import threading

import pytest

from kiosk.central.console.web import SECRET_FILE, load_secret
from kiosk.errors import StorageError
from tests.conftest import run_kiosk
from tests.kills import folders_left_by_kills, fresh_folder_loop


def mode_of(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_secret_is_created_owner_only_and_kept_across_starts(tmp_path):
    keys = tmp_path / "central-keys"
    first = load_secret(keys)
    assert len(first) == 32
    assert mode_of(keys / SECRET_FILE) == 0o600
    assert load_secret(keys) == first
    assert [p.name for p in keys.iterdir()] == [SECRET_FILE]  # no temporary file left beside it


def test_a_secret_others_can_read_is_made_owner_only_and_still_used(tmp_path):
    keys = tmp_path / "keys"
    secret = load_secret(keys)
    (keys / SECRET_FILE).chmod(0o644)  # copied by hand, or restored from a backup
    assert load_secret(keys) == secret
    assert mode_of(keys / SECRET_FILE) == 0o600


def test_an_existing_secret_is_used_as_it_is(tmp_path):
    (tmp_path / SECRET_FILE).write_text("ab" * 32 + "\n", encoding="ascii")
    assert load_secret(tmp_path) == bytes.fromhex("ab" * 32)
    assert (tmp_path / SECRET_FILE).read_text(encoding="ascii") == "ab" * 32 + "\n"


def _start_together(keys, servers: int) -> list:
    """What `servers` processes starting at the same instant each read as their secret."""
    start = threading.Barrier(servers)
    got: list[bytes | Exception] = []

    def start_server() -> None:
        start.wait()
        try:
            got.append(load_secret(keys))
        except StorageError as exc:
            got.append(exc)

    threads = [threading.Thread(target=start_server) for _ in range(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return got


def test_servers_starting_together_all_get_the_same_whole_secret(tmp_path):
    for round_ in range(30):
        got = _start_together(tmp_path / str(round_), 4)
        assert len(set(got)) == 1 and len(got[0]) == 32, got


@pytest.mark.parametrize(
    "content",
    ["", "\n", "ab" * 5, "ab" * 31 + "a", "not a hex secret at all, not a hex secret at all, not a hex secret!"],
    ids=["empty", "newline", "short", "truncated", "garbled"],
)
def test_a_damaged_secret_is_refused_with_what_to_do(tmp_path, content):
    path = tmp_path / SECRET_FILE
    path.write_text(content, encoding="ascii")
    with pytest.raises(StorageError) as info:
        load_secret(tmp_path)
    assert str(path) in info.value.message_zh and str(path) in info.value.message_en
    assert "删除" in info.value.message_zh and "delete" in info.value.message_en
    assert path.read_text(encoding="ascii") == content  # refused, not silently replaced


def test_a_secret_that_is_not_text_is_refused(tmp_path):
    (tmp_path / SECRET_FILE).write_bytes(b"\xff\xfe" * 40)
    with pytest.raises(StorageError) as info:
        load_secret(tmp_path)
    assert "删除" in info.value.message_zh


def test_serve_with_a_damaged_secret_stops_with_the_message_not_a_traceback(home, tmp_path):
    keys = tmp_path / "central-keys"
    keys.mkdir(mode=0o700)
    (keys / SECRET_FILE).write_text("", encoding="ascii")
    db = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    # A real process with a timeout: a server that accepted the empty key would otherwise serve forever.
    result = run_kiosk(home, "central", "serve", "--port", "0", "--db", db, "--keys", str(keys), timeout=60)
    assert result.returncode == 1
    assert str(keys / SECRET_FILE) in result.stderr and "删除" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# Secrets created in fresh folders as fast as can be, so that kills land at every point of the write.
CREATOR = fresh_folder_loop("kiosk.central.console.web", "load_secret")


def test_a_process_killed_while_creating_the_secret_never_leaves_a_partial_one(tmp_path):
    created = 0
    for keys in folders_left_by_kills(CREATOR, tmp_path, 20):
        path = keys / SECRET_FILE
        if not path.exists():
            continue  # killed before the secret existed: the next start creates it
        created += 1
        assert re.fullmatch("[0-9a-f]{64}", path.read_text(encoding="ascii")), f"{path}: partial secret"
        assert mode_of(path) == 0o600
        assert load_secret(keys) == bytes.fromhex(path.read_text(encoding="ascii"))
    assert created > 20
