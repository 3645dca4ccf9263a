"""The `kiosk update` and `kiosk central release publish` commands: thin, with --json, calm errors."""

from __future__ import annotations

import json

from kiosk.sync.feed import object_path
from kiosk.update.release import RELEASE_DIR
from tests.update.wheelkit import fake_project_wheel


def test_publish_then_update_status_and_rollback_through_the_cli(cli, office, terminal, prefix, tmp_path):
    wheel = fake_project_wheel(tmp_path / "w", "3.0.0")
    publish = ["central", "release", "publish", "--feed", str(office.feed), "--key", str(office.key)]
    publish += ["--wheel", str(wheel), "--wheels", str(office.dependencies), "--without-pip"]
    first = cli.json(*publish)
    assert (first["changed"], first["release"], first["index_version_after"], first["wheels"]) == (True, "3.0.0", 1, 2)
    assert cli.json(*publish)["changed"] is False  # the same wheels again: nothing to sign
    assert "发布索引保持第 1 版" in cli(*publish).stdout

    where = ["--prefix", str(prefix), "--restart-command", ""]
    updated = cli.json("update", "--source", str(office.feed), *where)
    assert (updated["status"], updated["release_after"], updated["restarted"]) == ("updated", "releases/3.0.0", False)
    shown = cli.json("update", "--status", *where)
    assert (shown["current_release"], shown["rollback_to"], shown["index_version"]) == ("3.0.0", ".venv", 1)
    assert "当前版本：3.0.0" in cli("update", "--status", *where).stdout
    back = cli.json("update", "--rollback", *where)
    assert (back["status"], back["release_after"]) == ("rolled_back", ".venv")
    assert "没有可回退的旧版本" in cli("update", "--rollback", *where, expect=4).stderr


def test_a_failed_health_check_exits_with_an_error_and_says_so_in_chinese(cli, office, terminal, prefix):
    office.publish("3.0.0", behaviour="sick")
    result = cli("update", "--source", str(office.feed), "--prefix", str(prefix), "--restart-command", "", expect=1)
    assert "未通过健康检查" in result.stdout


def test_a_tampered_release_is_refused_with_exit_status_5_and_no_traceback(cli, office, terminal, prefix):
    office.publish("3.0.0")
    index = json.loads((office.feed / RELEASE_DIR / "root.json").read_text())["signed"]
    wheel = office.feed / RELEASE_DIR / object_path(index["dependencies"][0]["sha256"])
    wheel.write_bytes(wheel.read_bytes()[:-1] + b"X")
    result = cli("update", "--source", str(office.feed), "--prefix", str(prefix), expect=5)
    assert "错误：软件包的校验值与签名不符" in result.stderr
    assert "Traceback" not in result.output


def test_update_without_a_source_names_the_setting(cli, terminal, prefix):
    result = cli("update", "--prefix", str(prefix), expect=2)
    assert "sync_source" in result.stderr


def test_the_help_names_every_option_the_docs_rely_on(cli):
    text = cli("update", "--help").stdout
    for option in ("--rollback", "--status", "--prefix", "--source", "--restart-command", "--json"):
        assert option in text
    assert "--wheels" in cli("central", "release", "publish", "--help").stdout
    assert "--no-ui" in cli("selfcheck", "--help").stdout
