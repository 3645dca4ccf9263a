import os
import stat
from pathlib import Path

import pytest

from kiosk.private_files import write_private_file
from tests.kills import kill_while_running


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask():
    """Sets the process umask for one test and puts the old one back."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def test_a_new_file_is_owner_only_even_under_umask_000(tmp_path, umask):
    umask(0o000)
    path = tmp_path / "staff_pin"
    assert write_private_file(path, b"secret\n") is True
    assert path.read_bytes() == b"secret\n"
    assert mode_of(path) == 0o600


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644, 0o700, 0o755])
def test_the_mode_asked_for_is_the_mode_whatever_the_umask(tmp_path, umask, mode):
    for mask in (0o000, 0o022, 0o077):
        umask(mask)
        path = tmp_path / f"file-{mask:o}"
        write_private_file(path, b"x", mode)
        assert mode_of(path) == mode


def test_an_existing_file_is_replaced_whole_with_the_new_mode(tmp_path):
    path = tmp_path / "token"
    path.write_bytes(b"an old and much longer content\n")
    path.chmod(0o644)
    write_private_file(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert mode_of(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["token"]


@pytest.mark.parametrize("failing", ["fsync", "replace", "fchmod"])
def test_a_failure_on_the_way_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, failing):
    path = tmp_path / "token"
    path.write_bytes(b"old\n")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="No space left"):
        write_private_file(path, b"new\n")
    monkeypatch.undo()
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["token"]


def test_a_folder_that_is_gone_is_an_os_error_and_leaves_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_private_file(tmp_path / "missing" / "token", b"x")
    assert list(tmp_path.iterdir()) == []


def test_keep_existing_creates_an_absent_file(tmp_path):
    path = tmp_path / "applications.key"
    assert write_private_file(path, b"first\n", keep_existing=True) is True
    assert path.read_bytes() == b"first\n"
    assert mode_of(path) == 0o600


def test_keep_existing_never_overwrites_a_file_already_there(tmp_path):
    path = tmp_path / "applications.key"
    path.write_bytes(b"the key in use\n")
    assert write_private_file(path, b"another key\n", keep_existing=True) is False
    assert path.read_bytes() == b"the key in use\n"
    assert [p.name for p in tmp_path.iterdir()] == ["applications.key"]


# Big enough that a kill often lands in the middle of writing one; the two differ in length and byte,
# so a torn, truncated or mixed file cannot pass for either.
REWRITER = """
import sys
from pathlib import Path
from kiosk.private_files import write_private_file

path = Path(sys.argv[1])
contents = [b"A" * 300_000, b"B" * 100_001]
write_private_file(path, contents[0])
print("ready", flush=True)
n = 1
while True:
    write_private_file(path, contents[n % 2])
    n += 1
"""


def test_a_process_killed_while_rewriting_never_leaves_a_partial_or_empty_file(tmp_path):
    path = tmp_path / "token"
    expected = {b"A" * 300_000, b"B" * 100_001}
    seen = set()
    for _ in range(25):
        kill_while_running(REWRITER, str(path), cwd=tmp_path)
        content = path.read_bytes()
        assert content in expected, f"{len(content)} bytes after a kill"
        seen.add(content[:1])
        assert mode_of(path) == 0o600
        # A kill may leave a temporary file behind (nothing runs after SIGKILL), but never a readable one.
        assert all(mode_of(p) == 0o600 for p in tmp_path.iterdir())
    assert seen == {b"A", b"B"}, "the kills should land at different points of the loop"
