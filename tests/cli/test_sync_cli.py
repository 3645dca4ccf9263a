"""`kiosk central …`, `kiosk sync` and `kiosk status` end to end between two homes on one machine."""

import json

from tests.conftest import run_kiosk
from tests.sync.feedkit import serve_feed


def test_publish_then_sync_from_a_folder_and_over_http_between_two_homes(cli, tmp_path, monkeypatch):
    office = tmp_path / "office"
    made = cli.json("central", "keygen", "--out", str(office / "keys"))
    calendar = office / "calendar.json"
    assert cli.json("central", "calendar", "seed", "--out", str(calendar), "--years", "2025-2026")["years"] == [
        "2025",
        "2026",
    ]
    source = tmp_path / "documents"
    source.mkdir()
    (source / "a.json").write_text(
        json.dumps(
            {"title": "关于印发政务公开工作要点的通知", "issuer": "海城市人民政府办公室", "issued": "2026-03-01"}
        ),
        "utf-8",
    )
    feed = office / "feed"
    args = ["central", "publish", str(source), "--feed", str(feed), "--key", made["private_key"]]
    published = cli.json(*args, "--calendar", str(calendar))
    assert published["version_after"] == 1 and published["documents"] == 1
    stick = tmp_path / "usb"
    assert cli.json("central", "export", "--feed", str(feed), "--to", str(stick))["version"] == 1

    monkeypatch.setenv("KIOSK_TRUSTED_KEYS", made["public_key"])
    from tests.conftest import Cli

    by_usb, by_http = Cli(tmp_path / "hall-1"), Cli(tmp_path / "hall-2")
    report = by_usb.json("sync", "--source", str(stick))
    assert (report["version_before"], report["version_after"], report["added"]) == (None, 1, 1)
    with serve_feed(feed) as server:
        assert by_http.json("sync", "--source", server.url)["added"] == 1
        again = by_http.json("sync", "--source", server.url)
    assert again["status"] == "up_to_date"
    for terminal in (by_usb, by_http):
        status = terminal.json("status")
        assert (status["version"], status["documents"], status["expired"], status["last_result"]) in [
            (1, 1, False, "updated"),
            (1, 1, False, "up_to_date"),
        ]
        assert status["calendar_years"] == ["2025", "2026"]
        assert [d["title"] for d in terminal.json("docs", "list")] == ["关于印发政务公开工作要点的通知"]


def test_status_of_a_new_home_shows_the_demo_catalog(cli):
    status = cli.json("status")
    assert status["demo"] and status["documents"] == 5 and status["source"] == "demo"
    assert "演示目录" in cli("status").stdout


def test_sync_without_a_source_or_keys_explains_what_to_configure(cli, tmp_path):
    result = cli("sync", expect=2)
    assert "sync_source" in result.stderr
    result = cli("sync", "--source", str(tmp_path), expect=2)
    assert "trusted_keys" in result.stderr


def test_real_process_exit_codes_for_refused_and_offline(tmp_path, monkeypatch):
    from tests.sync.feedkit import FeedBuilder, make_doc, make_keys

    trusted = make_keys(tmp_path / "trusted")
    impostor = FeedBuilder(tmp_path / "impostor", make_keys(tmp_path / "impostor-key"))
    impostor.put(make_doc(1)).publish()
    monkeypatch.setenv("KIOSK_TRUSTED_KEYS", str(trusted.with_name("feed.pub")))
    home = tmp_path / "terminal"
    refused = run_kiosk(home, "sync", "--source", str(impostor.feed), "--json")
    assert refused.returncode == 5
    assert "不是由本机信任的密钥签名" in json.loads(refused.stderr.splitlines()[-1])["error"]["message_zh"]
    monkeypatch.setenv("KIOSK_HTTP_TIMEOUT_SECONDS", "1")
    offline = run_kiosk(home, "sync", "--source", "http://127.0.0.1:9/feed/")
    assert offline.returncode == 3 and "无法连接" in offline.stderr
    status = json.loads(run_kiosk(home, "status", "--json").stdout)
    assert status["last_result"] == "offline" and status["documents"] == 5  # the demo catalog is still there
