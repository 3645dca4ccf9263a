import stat

import pytest

from kiosk.applications.sealing import Sealer, key_path, load_key
from kiosk.errors import StorageError


def test_key_file_is_created_owner_only_in_its_own_directory(tmp_path):
    keys = tmp_path / "keys"
    key = load_key(keys, create=True)
    assert len(key) == 32
    assert stat.S_IMODE(key_path(keys).stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert load_key(keys, create=True) == key  # never replaced once there


def test_no_key_is_made_up_when_only_reading(tmp_path):
    assert load_key(tmp_path / "keys", create=False) is None
    assert not (tmp_path / "keys").exists()


def test_a_loose_key_file_mode_is_tightened(tmp_path):
    keys = tmp_path / "keys"
    load_key(keys, create=True)
    key_path(keys).chmod(0o644)
    load_key(keys, create=False)
    assert stat.S_IMODE(key_path(keys).stat().st_mode) == 0o600


def test_a_corrupt_key_file_is_a_storage_error(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    key_path(keys).write_text("garbage")
    with pytest.raises(StorageError):
        load_key(keys, create=False)


def test_sealed_data_is_bound_to_its_tracking_number(tmp_path):
    sealer = Sealer(load_key(tmp_path, create=True))
    blob = sealer.seal({"name": "张三"}, "26112300420075")
    assert "张三".encode() not in blob
    assert sealer.open(blob, "26112300420075") == {"name": "张三"}
    with pytest.raises(StorageError):
        sealer.open(blob, "26112300420083")  # moved to another row
    with pytest.raises(StorageError):
        sealer.open(blob[:-1] + bytes([blob[-1] ^ 1]), "26112300420075")  # tampered


def test_a_key_that_cannot_be_written_leaves_no_temporary_file(tmp_path, monkeypatch):
    keys = tmp_path / "keys"

    def failing_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("os.fsync", failing_fsync)
    with pytest.raises(StorageError):
        load_key(keys, create=True)
    assert list(keys.iterdir()) == []
