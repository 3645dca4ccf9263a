"""Faults and attacks (TUF's list: arbitrary installation, rollback, indefinite freeze, endless data,
slow retrieval, mix-and-match, malicious mirrors) against a real HTTP server on 127.0.0.1 and real
folders. Every one must leave the installed catalog exactly as it was and say why in Chinese."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.catalog.catalog_db import open_store
from kiosk.environment import DEMO_FEED_DIR, DEMO_KEY_PATH, Env
from kiosk.errors import ConfigError, KioskError, NotFound, Offline, Refused, StorageError
from kiosk.sync.feed import ROOT_NAME, object_path
from kiosk.sync.signing import load_private_key, sign_root
from kiosk.sync.status import catalog_status
from kiosk.sync.updater import sync_catalog
from tests.httpd import send, serve
from tests.sync.feedkit import NOW, FeedBuilder, catalog_snapshot, make_doc, make_keys, serve_feed


@pytest.fixture
def installed(office, terminal):
    """The terminal holds version 1; the office has moved on to version 2 (doc0001 revised, doc0002
    withdrawn, doc0100 added). Returns the snapshot every failed sync must leave untouched."""
    sync_catalog(terminal, str(office.feed))
    office.put(make_doc(1, revision=1), make_doc(100))
    office.remove("doc0002")
    assert office.publish().version_after == 2
    return catalog_snapshot(terminal.catalog_db)


def _refused(terminal: Env, source: str, kind: type[KioskError], fragment: str, before: dict) -> KioskError:
    with pytest.raises(kind) as info:
        sync_catalog(terminal, source)
    assert fragment in info.value.message_zh, info.value.message_zh
    assert catalog_snapshot(terminal.catalog_db) == before
    status = catalog_status(terminal)
    assert status["version"] == 1 and status["last_error_zh"] == info.value.message_zh
    return info.value


def _resign(feed: Path, key: Path, change) -> None:
    """What a compromised or buggy publisher could sign: the root edited, signed with the real key."""
    signed = json.loads((feed / ROOT_NAME).read_text("utf-8"))["signed"]
    change(signed)
    (feed / ROOT_NAME).write_bytes(sign_root(signed, [load_private_key(key)]))


def _changed_object(office: FeedBuilder) -> Path:
    from tests.sync.feedkit import feed_entries

    return office.feed / object_path(feed_entries(office.feed)["doc0001"])


# -- signatures and keys ------------------------------------------------------------------------


def test_sync_refuses_a_root_whose_signature_does_not_match(office, terminal, installed):
    root = json.loads((office.feed / ROOT_NAME).read_text("utf-8"))
    root["signed"]["expires"] = "2099-01-01T00:00:00+00:00"  # tampered after signing
    (office.feed / ROOT_NAME).write_text(json.dumps(root), "utf-8")
    _refused(terminal, str(office.feed), Refused, "签名无效", installed)


def test_sync_refuses_a_feed_signed_by_an_untrusted_key(tmp_path, terminal, installed):
    impostor = FeedBuilder(tmp_path / "impostor", make_keys(tmp_path / "other-key"))
    impostor.put(make_doc(1, revision=666)).publish()
    _refused(terminal, str(impostor.feed), Refused, "不是由本机信任的密钥签名", installed)


def test_the_demo_key_is_trusted_for_nothing_but_the_bundled_feed(terminal, installed, monkeypatch):
    _refused(terminal, str(DEMO_FEED_DIR), Refused, "不是由本机信任的密钥签名", installed)
    monkeypatch.setenv("KIOSK_TRUSTED_KEYS", str(DEMO_KEY_PATH))
    with pytest.raises(ConfigError) as info:
        sync_catalog(Env.load(terminal.home), str(DEMO_FEED_DIR))
    assert "演示密钥" in info.value.message_zh


def test_a_root_signed_by_both_old_and_new_key_is_accepted_by_terminals_trusting_either(
    office, terminal, installed, tmp_path, monkeypatch
):
    new_key = make_keys(tmp_path / "new-key")
    office.put(make_doc(1, revision=2))
    office.publish(keys=[office.key, new_key])  # during a rotation: signed by both
    monkeypatch.setenv("KIOSK_TRUSTED_KEYS", str(new_key.with_name("feed.pub")))
    env = Env.load(terminal.home)
    env.clock = terminal.clock
    assert sync_catalog(env, str(office.feed)).version_after == 3


# -- rollback, freeze, mix-and-match --------------------------------------------------------------


def test_sync_refuses_a_rolled_back_version(office, terminal, installed, tmp_path):
    old = tmp_path / "feed-v2"
    shutil.copytree(office.feed, old)
    office.put(make_doc(3, revision=1))
    office.publish()  # version 3
    with serve_feed(office.feed) as server:
        sync_catalog(terminal, server.url)
    current = catalog_snapshot(terminal.catalog_db)
    # A mirror now serves an older, correctly signed root of the same feed.
    with serve_feed(old) as server:
        with pytest.raises(Refused) as info:
            sync_catalog(terminal, server.url)
    assert "回滚" in info.value.message_zh and "（2）" in info.value.message_zh
    assert catalog_snapshot(terminal.catalog_db) == current


def test_sync_refuses_a_different_root_with_the_same_version(office, terminal, installed):
    _resign(office.feed, office.key, lambda s: s.update(version=1))
    _refused(terminal, str(office.feed), Refused, "同一版本的内容不一致", installed)


def test_sync_refuses_an_expired_root_and_keeps_the_catalog_usable(office, terminal, installed):
    office.put(make_doc(4, revision=1))
    office.publish(now=NOW - timedelta(days=40), expires_days=30)  # signed long ago, expired
    error = _refused(terminal, str(office.feed), Refused, "过期", installed)
    assert "继续使用现有目录" in error.message_zh
    assert catalog_status(terminal)["documents"] == 12


def test_sync_refuses_a_document_object_filed_under_another_document(office, terminal, installed):
    from tests.sync.feedkit import feed_entries

    entries = feed_entries(office.feed)

    def swap(signed):
        # Build a shard claiming doc0001's content is doc0100's object.
        from kiosk.sync.feed import Entry, encode_shard, sha256_bytes, shard_of

        bits = signed["shard_bits"]
        key = shard_of("doc0001", bits)
        size = (office.feed / object_path(entries["doc0100"])).stat().st_size
        rows = [Entry("doc0001", entries["doc0100"], size)]
        data = encode_shard(rows)
        (office.feed / object_path(sha256_bytes(data))).parent.mkdir(parents=True, exist_ok=True)
        (office.feed / object_path(sha256_bytes(data))).write_bytes(data)
        signed["shards"][key] = {"sha256": sha256_bytes(data), "size": len(data), "count": 1}

    _resign(office.feed, office.key, swap)
    _refused(terminal, str(office.feed), Refused, "与索引不符", installed)


def test_sync_refuses_a_feed_format_it_does_not_know(office, terminal, installed):
    _resign(office.feed, office.key, lambda s: s.update(format=99))
    _refused(terminal, str(office.feed), Refused, "升级", installed)


# -- files that do not match what was signed --------------------------------------------------------


def test_sync_refuses_a_file_whose_hash_does_not_match(office, terminal, installed):
    target = _changed_object(office)
    data = bytearray(target.read_bytes())
    data[-10] ^= 0x01  # same size, one bit flipped
    target.write_bytes(bytes(data))
    _refused(terminal, str(office.feed), Refused, "校验值与签名不符", installed)
    assert not terminal.sync_staging_dir.exists()


def test_sync_over_http_refuses_a_file_whose_hash_does_not_match(office, terminal, installed):
    target = _changed_object(office)
    evil = {target.relative_to(office.feed).as_posix(): lambda h, data: send(h, 200, data[:-1] + b"!") or True}
    with serve_feed(office.feed, evil) as server:
        _refused(terminal, server.url, Refused, "校验值与签名不符", installed)


def test_sync_refuses_a_file_larger_than_declared(office, terminal, installed):
    target = _changed_object(office)
    target.write_bytes(target.read_bytes() + b" " * 100)
    _refused(terminal, str(office.feed), Refused, "超出签名中声明的大小", installed)


def test_sync_from_a_folder_refuses_a_truncated_file(office, terminal, installed):
    target = _changed_object(office)
    target.write_bytes(target.read_bytes()[:-50])
    _refused(terminal, str(office.feed), Refused, "不完整", installed)


def test_sync_stops_reading_a_server_that_sends_endless_data(office, terminal, installed):
    def endless(handler, data):
        handler.send_response(200)
        handler.send_header("Connection", "close")  # no Content-Length: the body ends when we stop
        handler.end_headers()
        chunk = b"\x00" * 65536
        for _ in range(2000):  # 130 MB if nobody stops reading
            handler.wfile.write(chunk)
        return True

    target = _changed_object(office).relative_to(office.feed).as_posix()
    with serve_feed(office.feed, {target: endless}) as server:
        started = time.monotonic()
        _refused(terminal, server.url, Refused, "超出签名中声明的大小", installed)
    assert time.monotonic() - started < 5


def test_sync_stops_reading_an_endless_root(office, terminal, installed):
    def endless(handler, data):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(400):  # 26 MB
            handler.wfile.write(b" " * 65536)
        return True

    with serve_feed(office.feed, {ROOT_NAME: endless}) as server:
        _refused(terminal, server.url, Refused, "目录索引超出", installed)


def test_sync_gives_up_on_a_download_that_is_cut_off_every_time(office, terminal, installed):
    def truncated(handler, data):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data[: len(data) // 2])
        handler.close_connection = True
        return True

    target = _changed_object(office).relative_to(office.feed).as_posix()
    with serve_feed(office.feed, {target: truncated}) as server:
        error = _refused(terminal, server.url, Offline, "下载不完整", installed)
    assert error.exit_status == 3
    assert sum(1 for p in server.paths() if p == "/" + target) == 4  # the first try and three more


# -- names that try to leave the cache -------------------------------------------------------------


def test_sync_refuses_a_shard_naming_parent_paths(office, terminal, installed, tmp_path):
    from kiosk.sync.feed import sha256_bytes, shard_of

    sentinel = tmp_path / "escaped"

    def poison(signed):
        bits = signed["shard_bits"]
        key = shard_of("doc0001", bits)
        escape = "../" * 12 + str(sentinel).lstrip("/")
        data = json.dumps({"format": 1, "documents": [["doc0001", escape, 10]]}).encode()
        (office.feed / object_path(sha256_bytes(data))).parent.mkdir(parents=True, exist_ok=True)
        (office.feed / object_path(sha256_bytes(data))).write_bytes(data)
        signed["shards"][key] = {"sha256": sha256_bytes(data), "size": len(data), "count": 1}

    _resign(office.feed, office.key, poison)
    _refused(terminal, str(office.feed), Refused, "非法的文件名", installed)
    assert not sentinel.exists()


def test_sync_refuses_a_root_naming_a_shard_by_a_path(office, terminal, installed):
    def poison(signed):
        signed["shards"]["../../etc"] = {"sha256": "0" * 64, "size": 10, "count": 1}

    _resign(office.feed, office.key, poison)
    _refused(terminal, str(office.feed), Refused, "不合规范", installed)


def test_sync_from_a_folder_refuses_symbolic_links(office, terminal, installed, tmp_path):
    target = _changed_object(office)
    data = target.read_bytes()
    outside = tmp_path / "outside"
    outside.write_bytes(data)  # even the right bytes: a stick must not point into the terminal's disk
    target.unlink()
    target.symlink_to(outside)
    _refused(terminal, str(office.feed), Refused, "越出目录", installed)
    inside = office.feed / "copy"
    inside.write_bytes(data)
    target.unlink()
    target.symlink_to(inside)
    _refused(terminal, str(office.feed), Refused, "符号链接", installed)


def test_sync_from_a_folder_does_not_hang_on_a_fifo(office, terminal, installed):
    target = _changed_object(office)
    target.unlink()
    os.mkfifo(target)
    started = time.monotonic()
    _refused(terminal, str(office.feed), Refused, "非普通文件", installed)
    assert time.monotonic() - started < 5


def test_sync_from_an_incomplete_folder_says_what_is_missing(office, terminal, installed):
    _changed_object(office).unlink()
    _refused(terminal, str(office.feed), NotFound, "缺少文件数据", installed)


# -- a server that is down or silent ----------------------------------------------------------------


def test_sync_from_a_server_that_is_down_is_offline(office, terminal, installed):
    with serve(lambda h, s: send(h, 200)) as server:
        url = server.url  # the port is closed once the server stops
    error = _refused(terminal, url, Offline, "无法连接", installed)
    assert error.exit_status == 3


def test_sync_from_a_server_that_never_answers_times_out(office, terminal, installed):
    def silent(handler, server):
        time.sleep(4)

    with serve(silent) as server:
        started = time.monotonic()
        _refused(terminal, server.url, Offline, "超时", installed)
    assert time.monotonic() - started < 4


def test_sync_from_a_server_answering_errors_is_offline(office, terminal, installed):
    with serve(lambda h, s: send(h, 503, b"maintenance")) as server:
        _refused(terminal, server.url, Offline, "暂时不可用", installed)


# -- a full disk -----------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A real 3 MB filesystem (tmpfs with size=), so writes fail with ENOSPC as on a full disk."""
    mountpoint = tmp_path / "small-disk"
    mountpoint.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m,mode=0755", "tmpfs", str(mountpoint)], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(f"mounting a small tmpfs needs root (CI runs as root): {result.stderr.strip()}")
    yield mountpoint
    subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def _terminal_on(path: Path, terminal: Env) -> Env:
    env = Env.load(path)
    env.clock = terminal.clock
    env.shared.update(terminal.shared)
    open_store(env.catalog_db)
    return env


def test_a_full_disk_while_downloading_leaves_the_catalog_as_it_was(office, terminal, small_disk):
    env = _terminal_on(small_disk / "home", terminal)
    sync_catalog(env, str(office.feed))
    before = catalog_snapshot(env.catalog_db)
    office.attach("doc0006", "大附件.pdf", os.urandom(4_000_000))  # more than the disk holds
    office.publish()
    with pytest.raises(StorageError) as info:
        sync_catalog(env, str(office.feed))
    assert "磁盘空间不足" in info.value.message_zh
    assert catalog_snapshot(env.catalog_db) == before
    assert not list((env.files_dir).rglob("*.part"))


def test_a_full_disk_inside_the_database_transaction_rolls_back(office, terminal, small_disk):
    env = _terminal_on(small_disk / "home", terminal)
    sync_catalog(env, str(office.feed))
    before = catalog_snapshot(env.catalog_db)
    # Documents small enough to stage but too many for the database and its journal on 3 MB.
    office.put(*(make_doc(n, body=f"第{n}份。" + "政务公开" * 2000) for n in range(200, 285)))
    office.publish()
    with pytest.raises(StorageError) as info:
        sync_catalog(env, str(office.feed))
    assert "磁盘空间不足" in info.value.message_zh
    assert "catalog database" in info.value.message_en  # it failed in SQLite, not while staging
    assert catalog_snapshot(env.catalog_db) == before
    assert catalog_status(env)["documents"] == 12
