"""Long commands show a progress bar when stderr is a terminal, and nothing extra under --json."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from kiosk.environment import DEMO_FEED_DIR
from tests.conftest import REPO, SEEDS


def _run_on_a_tty(home: Path, *args: str) -> tuple[int, str, str]:
    """`kiosk …` in a real process whose stderr is a pseudo-terminal (stdout stays a pipe)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", str(home), *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        cwd=REPO,
    )
    os.close(slave)
    seen = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen.append(chunk)
    os.close(master)
    stdout = process.stdout.read().decode("utf-8")
    process.wait(timeout=300)
    return process.returncode, stdout, b"".join(seen).decode("utf-8", "replace")


def _bar_finished(stderr: str, label: str) -> bool:
    lines = [line.rsplit("\r", 1)[-1].strip() for line in stderr.replace("\r\n", "\n").split("\n")]
    return any(line.startswith(label) and "[" + "#" * 30 + "]" in line for line in lines)


def test_export_shows_a_bar_on_a_terminal_and_nothing_extra_under_json(tmp_path):
    code, stdout, stderr = _run_on_a_tty(
        tmp_path / "h", "central", "export", "--feed", str(DEMO_FEED_DIR), "--to", str(tmp_path / "usb")
    )
    assert code == 0, stderr
    assert _bar_finished(stderr, "复制文件") and "已导出" in stdout
    code, stdout, stderr = _run_on_a_tty(
        tmp_path / "h", "central", "export", "--feed", str(DEMO_FEED_DIR), "--to", str(tmp_path / "usb2"), "--json"
    )
    assert code == 0 and stderr == ""
    assert json.loads(stdout)["copied"] > 0


def test_publish_shows_a_bar_on_a_terminal(tmp_path):
    home = tmp_path / "h"
    code, _, stderr = _run_on_a_tty(home, "central", "keygen", "--out", str(tmp_path / "keys"))
    assert code == 0, stderr
    publish = (
        "central",
        "publish",
        str(SEEDS),
        "--feed",
        str(tmp_path / "feed"),
        "--key",
        str(tmp_path / "keys" / "feed.key"),
    )
    code, stdout, stderr = _run_on_a_tty(home, *publish)
    assert code == 0, stderr
    assert _bar_finished(stderr, "写入分片") and "已发布第 1 版" in stdout
    code, stdout, stderr = _run_on_a_tty(home, *publish, "--renew", "--json")
    assert code == 0 and stderr == "" and json.loads(stdout)["version_after"] == 2


def test_ime_build_shows_both_phases_on_a_terminal(tmp_path):
    code, stdout, stderr = _run_on_a_tty(tmp_path / "h", "ime", "build")
    assert code == 0, stderr
    assert _bar_finished(stderr, "通用词库") and _bar_finished(stderr, "目录词汇")
    assert "已建立" in stdout


def test_a_piped_stderr_gets_no_bar(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(tmp_path / "h"), "central", "export"]
        + ["--feed", str(DEMO_FEED_DIR), "--to", str(tmp_path / "usb")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0 and result.stderr == ""
